"""The IKS ledger through the API: the ledger with its running balance, contributions and uses (kind in/out),
a use exceeding the balance, bad amounts and dates, deleting, the status list in exact scope, and 404 outside it."""

import datetime as dt
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.enterprise.models import IksEntry
from pendamping.enterprise.selectors.ledger import iks_balance
from pendamping.enterprise.tests.factories import IksEntryFactory, MonthlyReportFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, village

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_throttle_left_over() -> None:
    cache.clear()  # the rate-limit counters


class Api:
    """A client with a bearer token that sends JSON bodies."""

    def __init__(self, user: User) -> None:
        self.client = Client(headers={"Authorization": f"Bearer {token_create(user=user, name='test')[1]}"})

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api{path}", params)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(f"/api{path}", json.dumps(body), content_type="application/json")

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api{path}")


@pytest.fixture
def group() -> Group:
    return GroupFactory(status=Group.Status.ACTIVE, status_changed_on=dt.date(2024, 1, 1))


@pytest.fixture
def officer(surabaya_officer: User) -> Api:
    return Api(surabaya_officer)


def entry_body(kind: str = "in", amount: Any = 150_000, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "on": "2025-03-10", "amount": amount, **extra}


def test_the_ledger_lists_entries_with_the_running_balance(officer: Api, group: Group) -> None:
    report = MonthlyReportFactory(group=group, period=dt.date(2025, 1, 1))
    IksEntryFactory(group=group, report=report, on=dt.date(2025, 1, 31), amount=150_000)
    IksEntryFactory(group=group, kind="out", on=dt.date(2025, 2, 3), amount=40_000, purpose="Bantuan")

    body = officer.get(f"/groups/{group.pk}/iks").json()

    assert [(e["kind"], e["amount"], e["balance"]) for e in body["entries"]] == [
        ("in", 150_000, 150_000),
        ("out", 40_000, 110_000),
    ]
    assert body["entries"][0]["report_id"] == report.pk
    assert (body["group"]["balance"], body["group"]["stopped"], body["group"]["last_contribution"]) == (
        110_000,
        True,
        "2025-01-31",
    )
    assert body["expected_rate"] == 10.0 and body["stopped_after_months"] == 3


def test_a_contribution_is_recorded_from_an_amount_typed_with_dots(officer: Api, group: Group) -> None:
    response = officer.post(f"/groups/{group.pk}/iks", entry_body(amount="Rp 150.000", note="Iuran Maret"))

    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["amount"]) == ("in", 150_000)
    assert iks_balance(group=group) == 150_000


def test_a_use_is_recorded_with_its_purpose(officer: Api, group: Group) -> None:
    IksEntryFactory(group=group, on=dt.date(2025, 1, 31), amount=150_000)

    response = officer.post(
        f"/groups/{group.pk}/iks", entry_body("out", 50_000, purpose="Bantuan sakit", recipient="Bu Sri")
    )

    assert response.status_code == 201, response.content
    assert (response.json()["purpose"], response.json()["recipient"]) == ("Bantuan sakit", "Bu Sri")


def test_a_use_exceeding_the_balance_is_refused_with_the_balance(officer: Api, group: Group) -> None:
    IksEntryFactory(group=group, on=dt.date(2025, 1, 31), amount=150_000)

    response = officer.post(f"/groups/{group.pk}/iks", entry_body("out", 150_001, purpose="Bantuan"))

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and "Rp 150.000" in error["fields"]["amount"][0]
    assert iks_balance(group=group) == 150_000


def test_a_use_without_purpose_is_refused(officer: Api, group: Group) -> None:
    IksEntryFactory(group=group, on=dt.date(2025, 1, 31), amount=150_000)

    response = officer.post(f"/groups/{group.pk}/iks", entry_body("out", 1000))

    assert response.status_code == 400 and "purpose" in response.json()["error"]["fields"]


def test_a_contribution_with_a_purpose_is_refused_rather_than_losing_it(officer: Api, group: Group) -> None:
    response = officer.post(f"/groups/{group.pk}/iks", entry_body(purpose="Bantuan"))

    assert response.status_code == 400 and "purpose" in response.json()["error"]["fields"]
    assert not IksEntry.objects.exists()


@pytest.mark.parametrize("amount", [-150_000, 0, 12.5, "150.000,50", True, "x" * 31])
def test_bad_amounts_are_refused(officer: Api, group: Group, amount: Any) -> None:
    response = officer.post(f"/groups/{group.pk}/iks", entry_body(amount=amount))

    assert response.status_code == 400 and "amount" in response.json()["error"]["fields"]
    assert not IksEntry.objects.exists()


def test_a_date_in_the_future_is_refused(officer: Api, group: Group) -> None:
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()

    response = officer.post(f"/groups/{group.pk}/iks", {**entry_body(), "on": tomorrow})

    assert response.status_code == 400 and "on" in response.json()["error"]["fields"]


def test_an_unknown_kind_is_refused(officer: Api, group: Group) -> None:
    assert officer.post(f"/groups/{group.pk}/iks", entry_body(kind="transfer")).status_code == 400


def test_a_direct_entry_is_deleted_and_a_reports_is_not(officer: Api, group: Group) -> None:
    direct = IksEntryFactory(group=group, on=dt.date(2025, 1, 31))
    report = IksEntryFactory(group=group, report=MonthlyReportFactory(group=group), on=dt.date(2025, 1, 31))

    assert officer.delete(f"/iks/{direct.pk}").status_code == 204
    refused = officer.delete(f"/iks/{report.pk}")
    assert refused.status_code == 400 and "monthly report" in refused.json()["error"]["message"]
    assert list(IksEntry.objects.values_list("pk", flat=True)) == [report.pk]


def test_another_regencys_ledger_is_not_found(officer: Api) -> None:
    malang = GroupFactory(desa=village(MALANG_VILLAGE), status=Group.Status.ACTIVE)
    entry = IksEntryFactory(group=malang)

    assert officer.get(f"/groups/{malang.pk}/iks").status_code == 404
    assert officer.post(f"/groups/{malang.pk}/iks", entry_body()).status_code == 404
    assert officer.delete(f"/iks/{entry.pk}").status_code == 404
    assert IksEntry.objects.count() == 1


def test_the_auditor_reads_but_may_not_write(auditor: User, group: Group) -> None:
    api = Api(auditor)

    assert api.get(f"/groups/{group.pk}/iks").status_code == 200
    assert api.post(f"/groups/{group.pk}/iks", entry_body()).status_code == 403


def test_the_status_lists_exactly_the_active_kube_in_scope(surabaya_officer: User, group: Group) -> None:
    paying = GroupFactory(status=Group.Status.ACTIVE, status_changed_on=dt.date(2024, 1, 1))
    IksEntryFactory(group=paying, on=timezone.localdate())
    GroupFactory(status=Group.Status.FORMING)  # not active
    GroupFactory(desa=village(MALANG_VILLAGE), status=Group.Status.ACTIVE)  # out of scope
    api = Api(surabaya_officer)

    everything = api.get("/iks/status").json()
    forged = api.get("/iks/status", regency="35.07").json()
    stopped = api.get("/iks/status", stopped="true").json()

    assert [(g["group_id"], g["stopped"]) for g in everything["groups"]] == [(group.pk, True), (paying.pk, False)]
    assert everything["count"] == 2 and forged["count"] == 0 and forged["groups"] == []
    assert [g["group_id"] for g in stopped["groups"]] == [group.pk]


def test_the_status_pages(admin: User) -> None:
    for _ in range(3):
        GroupFactory(status=Group.Status.ACTIVE)

    body = Api(admin).get("/iks/status", page_size=2, page=2).json()

    assert (body["count"], body["page"], body["pages"], len(body["groups"])) == (3, 2, 2, 1)


@pytest.mark.parametrize("role", ["evaluator", "norole"])
def test_roles_without_registry_access_get_no_status(role: str, request: pytest.FixtureRequest) -> None:
    assert Api(request.getfixturevalue(role)).get("/iks/status").status_code == 403


def test_the_companion_writes_the_iks_of_their_kube(companion_user: User, group: Group) -> None:
    AssignmentFactory(group=group, companion=CompanionFactory(user=companion_user))

    response = Api(companion_user).post(f"/groups/{group.pk}/iks", entry_body())

    assert response.status_code == 201 and iks_balance(group=group) == 150_000
