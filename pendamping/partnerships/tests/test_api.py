"""Partnerships through the API's door: the same rules as the pages, scope (404), the error shape, version
conflicts (409), extra fields refused, and lists whose queries do not grow with their rows."""

import datetime as dt
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.partnerships.models import Activity, Agreement, Partner
from pendamping.partnerships.tests.factories import MALANG, SURABAYA, ActivityFactory, AgreementFactory, PartnerFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, region, village

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def api(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='test')[1]}"})


def send(client: Client, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.generic(method, f"/api{path}", "" if body is None else json.dumps(body), JSON)


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body["error"]) == {"code", "message", "fields"} and body["error"]["code"] == code
    return body["error"]


@pytest.fixture
def officer(surabaya_officer: User) -> Client:
    return api(surabaya_officer)


@pytest.fixture
def kube() -> Group:
    return GroupFactory(name="KUBE Mawar", status=Group.Status.ACTIVE)


def agreement_body(partner: Partner, groups: list[Group], **extra: Any) -> dict[str, Any]:
    return {
        "partner_id": partner.pk,
        "regency_code": SURABAYA,
        "title": "Pemasaran keripik",
        "group_ids": [g.pk for g in groups],
        "scopes": ["marketing", "supply"],
        "start_on": "2025-01-01",
        "end_on": "2026-12-31",
        "value": "Rp 25.000.000",
        **extra,
    }


def test_an_officer_registers_and_changes_a_partner(officer: Client) -> None:
    created = send(officer, "POST", "/partners", {"name": "CV Makmur", "type": "private", "regency_code": SURABAYA})

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["regency_code"], body["regency_name"], body["version"]) == (SURABAYA, "Kota Surabaya", 1)
    changed = send(officer, "PATCH", f"/partners/{body['id']}", {"version": 1, "sector": "kuliner"})
    assert changed.status_code == 200 and changed.json()["sector"] == "kuliner"
    stale = send(officer, "PATCH", f"/partners/{body['id']}", {"version": 1, "sector": "lain"})
    error(stale, 409, "conflict")


def test_an_officer_is_refused_a_province_wide_partner(officer: Client) -> None:
    response = send(officer, "POST", "/partners", {"name": "Bank Jatim", "type": "government", "regency_code": None})

    assert "provincial administrator" in error(response, 400, "validation_error")["fields"]["regency_code"][0]


def test_extra_fields_are_refused(officer: Client) -> None:
    body = {"name": "CV Makmur", "type": "private", "regency_code": SURABAYA, "regency": MALANG, "version": 3}

    fields = error(send(officer, "POST", "/partners", body), 400, "validation_error")["fields"]

    assert {"regency", "version"} <= set(fields) and not Partner.objects.exists()


def test_the_partner_list_shows_the_scope_with_province_wide_partners(officer: Client) -> None:
    PartnerFactory(name="Toko Surabaya")
    PartnerFactory(name="Bank Jatim", regency=None)
    malang = PartnerFactory(name="Toko Malang", regency=region(MALANG))

    body = send(officer, "GET", "/partners?page_size=100").json()

    assert {row["name"] for row in body["items"]} == {"Toko Surabaya", "Bank Jatim"} and body["count"] == 2
    assert send(officer, "GET", "/partners?regency=province").json()["items"][0]["regency_code"] is None
    error(send(officer, "GET", f"/partners/{malang.pk}"), 404, "not_found")


def test_an_officer_records_an_agreement_and_changes_its_kube(officer: Client, kube: Group) -> None:
    partner = PartnerFactory()
    created = send(officer, "POST", "/agreements", agreement_body(partner, [kube]))

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["value"], body["scopes"], body["group_count"]) == (25_000_000, ["marketing", "supply"], 1)
    assert body["groups"] == [{"id": kube.pk, "code": kube.code, "name": "KUBE Mawar"}]
    other = GroupFactory(status=Group.Status.ACTIVE)
    patch = {"version": 1, "group_ids": [kube.pk, other.pk], "value": None}
    changed = send(officer, "PATCH", f"/agreements/{body['id']}", patch).json()
    assert (changed["group_count"], changed["value"], changed["version"]) == (2, None, 2)


def test_an_agreement_ending_before_it_starts_is_a_400_on_end_on(officer: Client, kube: Group) -> None:
    body = agreement_body(PartnerFactory(), [kube], start_on="2025-06-01", end_on="2025-05-01")

    fields = error(send(officer, "POST", "/agreements", body), 400, "validation_error")["fields"]

    assert fields == {"end_on": ["The agreement cannot end before it starts."]}


def test_the_rules_answer_on_the_apis_field_names(admin: User, kube: Group) -> None:
    malang_kube = GroupFactory(desa=village(MALANG_VILLAGE))
    body = agreement_body(PartnerFactory(regency=region(MALANG)), [kube, malang_kube], scopes=["hibah"])

    fields = error(send(api(admin), "POST", "/agreements", body), 400, "validation_error")["fields"]

    assert set(fields) == {"partner_id"}  # the partner is checked first
    body["partner_id"] = PartnerFactory().pk
    assert set(error(send(api(admin), "POST", "/agreements", body), 400, "validation_error")["fields"]) == {"scopes"}
    body["scopes"] = ["training"]
    assert set(error(send(api(admin), "POST", "/agreements", body), 400, "validation_error")["fields"]) == {"group_ids"}


def test_a_partner_out_of_scope_is_a_field_error_not_a_hint(officer: Client, kube: Group) -> None:
    body = agreement_body(PartnerFactory(regency=region(MALANG)), [kube])

    fields = error(send(officer, "POST", "/agreements", body), 400, "validation_error")["fields"]

    assert fields == {"partner_id": ["No such record (or not in your area)."]}


def test_an_agreement_out_of_scope_is_not_found_by_any_method(officer: Client) -> None:
    malang = AgreementFactory(partner=PartnerFactory(regency=region(MALANG)))
    activity = ActivityFactory(agreement=malang)

    error(send(officer, "GET", f"/agreements/{malang.pk}"), 404, "not_found")
    error(send(officer, "PATCH", f"/agreements/{malang.pk}", {"version": 1, "title": "x"}), 404, "not_found")
    error(send(officer, "GET", f"/agreements/{malang.pk}/activities"), 404, "not_found")
    body = {"on": "2025-01-01", "description": "x"}
    error(send(officer, "POST", f"/agreements/{malang.pk}/activities", body), 404, "not_found")
    error(send(officer, "DELETE", f"/activities/{activity.pk}"), 404, "not_found")
    assert Activity.objects.count() == 1 and Agreement.objects.get().title == malang.title


def test_activities_are_added_listed_and_deleted(officer: Client, kube: Group) -> None:
    agreement = AgreementFactory(groups=[kube])
    path = f"/agreements/{agreement.pk}/activities"

    added = send(
        officer, "POST", path, {"on": "2025-03-01", "description": "Pameran", "value": "1.250.000", "group_id": kube.pk}
    )
    send(officer, "POST", path, {"on": "2025-04-01", "description": "Pelatihan", "group_id": None})

    assert added.status_code == 201 and added.json()["value"] == 1_250_000
    listed = send(officer, "GET", path).json()
    assert [(a["description"], a["group_name"]) for a in listed] == [("Pelatihan", None), ("Pameran", "KUBE Mawar")]
    assert send(officer, "DELETE", f"/activities/{added.json()['id']}").status_code == 204
    assert Activity.objects.count() == 1


def test_an_activity_in_the_future_or_for_another_kube_is_refused(officer: Client, kube: Group) -> None:
    agreement = AgreementFactory(groups=[kube])
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    body = {"on": tomorrow, "description": "x", "group_id": GroupFactory().pk}

    fields = error(send(officer, "POST", f"/agreements/{agreement.pk}/activities", body), 400, "validation_error")

    assert set(fields["fields"]) == {"on", "group_id"}


def test_an_auditor_reads_but_does_not_write(auditor: User, kube: Group) -> None:
    agreement = AgreementFactory(groups=[kube])
    client = api(auditor)

    assert send(client, "GET", f"/agreements/{agreement.pk}").status_code == 200
    body = {"on": "2025-03-01", "description": "x"}
    error(send(client, "POST", f"/agreements/{agreement.pk}/activities", body), 403, "forbidden")
    error(send(client, "PATCH", f"/agreements/{agreement.pk}", {"version": 1, "title": "x"}), 403, "forbidden")


@pytest.mark.parametrize("role", ["evaluator", "norole"])
def test_roles_without_partnership_view_are_forbidden_the_lists(role: str, request: pytest.FixtureRequest) -> None:
    client = api(request.getfixturevalue(role))

    for path in ("/partners", "/agreements", "/partnerships/coverage"):
        error(send(client, "GET", path), 403, "forbidden")


def test_the_agreement_list_filters_and_costs_the_same_queries_for_more_rows(officer: Client, kube: Group) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert send(officer, "GET", "/agreements?page_size=100").status_code == 200
        return len(ctx.captured_queries)

    send(
        officer, "GET", "/agreements"
    )  # a new token's first request also stamps its last use; counts compare later ones
    AgreementFactory(groups=[kube], title="Pemasaran awal")
    few = count()
    for _ in range(10):
        AgreementFactory(groups=[GroupFactory(), GroupFactory()], scope_capital=True)
    assert count() == few
    assert send(officer, "GET", "/agreements?scope=capital").json()["count"] == 10
    assert send(officer, "GET", f"/agreements?group_id={kube.pk}").json()["items"][0]["title"] == "Pemasaran awal"
    assert send(officer, "GET", "/agreements?active_on=2023-01-01").json()["count"] == 0
    error(send(officer, "GET", "/agreements?scope=hibah"), 400, "validation_error")


def test_the_coverage_indicators(officer: Client, kube: Group) -> None:
    GroupFactory(status=Group.Status.ACTIVE)
    AgreementFactory(partner=PartnerFactory(type="community"), groups=[kube])

    body = send(officer, "GET", "/partnerships/coverage?on=2025-06-01").json()

    assert body["regencies"] == [{"code": SURABAYA, "name": "Kota Surabaya", "active": 2, "covered": 1, "share": 50.0}]
    assert body["total"]["share"] == 50.0
    assert {t["type"]: (t["partners"], t["engaged"]) for t in body["by_type"]} == {
        "government": (0, 0),
        "private": (0, 0),
        "community": (1, 1),
    }
