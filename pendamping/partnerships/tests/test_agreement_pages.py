"""Agreement and activity pages through the test client: the KUBE picker (htmx partial), the rules' messages
on the forms, activities added and deleted from the agreement's page, the coverage page, the panel on the KUBE
page, scope (404 outside it) and list pages whose queries do not grow with their rows."""

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pendamping.accounts.models import User
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.partnerships.models import Activity, Agreement, Partner
from pendamping.partnerships.tests.factories import MALANG, SURABAYA, ActivityFactory, AgreementFactory, PartnerFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, region, village

pytestmark = pytest.mark.django_db
LIST, NEW = reverse("partnerships:agreement_list"), reverse("partnerships:agreement_create")
COVERAGE = reverse("partnerships:coverage")
HTMX = {"HX-Request": "true"}


def url(name: str, obj: Any) -> str:
    return reverse(f"partnerships:{name}", args=[obj.pk])


@pytest.fixture
def officer(surabaya_officer: User, client_for: Callable[..., Client]) -> Client:
    return client_for(surabaya_officer)


@pytest.fixture
def kube() -> Group:
    return GroupFactory(name="KUBE Mawar", status=Group.Status.ACTIVE)


@pytest.fixture
def partner() -> Partner:
    return PartnerFactory(name="CV Sumber Rejeki")


def _form(partner: Partner, groups: list[Group], **extra: Any) -> dict[str, Any]:
    return {
        "partner": partner.pk,
        "regency": SURABAYA,
        "title": "Pemasaran keripik",
        "scopes": ["marketing"],
        "start_on": "2025-01-01",
        "end_on": "2026-12-31",
        "value": "25.000.000",
        "groups": [g.pk for g in groups],
        **extra,
    }


def test_the_new_agreement_form_offers_the_active_kube_of_the_officers_regency(officer: Client, kube: Group) -> None:
    GroupFactory(name="KUBE Rintisan", status=Group.Status.FORMING)
    GroupFactory(name="KUBE Malang", desa=village(MALANG_VILLAGE), status=Group.Status.ACTIVE)

    body = officer.get(NEW).content.decode()

    assert "KUBE Mawar" in body and "KUBE Rintisan" not in body and "KUBE Malang" not in body


def _checkbox(text: str, group: Group) -> str:
    found = re.search(rf'<input[^>]*name="groups"[^>]*value="{group.pk}"[^>]*>', text)
    assert found, f"{group.name} is not offered"
    return found.group(0)


def test_the_kube_picker_answers_htmx_with_the_choices_only(officer: Client, kube: Group) -> None:
    other = GroupFactory(name="KUBE Anggrek", status=Group.Status.ACTIVE)
    GroupFactory(name="KUBE Kenanga", status=Group.Status.ACTIVE)

    response = officer.get(NEW, {"regency": SURABAYA, "group_q": "anggrek", "groups": [kube.pk]}, headers=HTMX)
    text = response.content.decode()

    assert "<html" not in text and 'id="group-choices"' in text and "KUBE Kenanga" not in text
    assert "checked" in _checkbox(text, kube)  # ticked before: kept, whatever the search
    assert "checked" not in _checkbox(text, other)


def test_a_forged_regency_offers_no_kube_of_it(officer: Client) -> None:
    GroupFactory(name="KUBE Malang", desa=village(MALANG_VILLAGE), status=Group.Status.ACTIVE)

    text = officer.get(NEW, {"regency": MALANG}, headers=HTMX).content.decode()

    assert "KUBE Malang" not in text


def test_an_officer_records_an_agreement(officer: Client, kube: Group, partner: Partner) -> None:
    response = officer.post(NEW, _form(partner, [kube]))

    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response["Location"] == url("agreement_detail", agreement)
    assert (agreement.value, list(agreement.groups.all())) == (25_000_000, [kube])


def test_an_agreement_ending_before_it_starts_is_refused_on_the_end_field(
    officer: Client, kube: Group, partner: Partner
) -> None:
    response = officer.post(NEW, _form(partner, [kube], end_on="2024-12-31"))

    assert response.status_code == 200
    assert response.context["form"].errors["end_on"] == ["The agreement cannot end before it starts."]
    assert not Agreement.objects.exists()


def test_no_scope_and_no_kube_are_refused_on_their_fields(officer: Client, partner: Partner) -> None:
    response = officer.post(NEW, _form(partner, [], scopes=[]))

    errors = response.context["form"].errors
    assert "scopes" in errors and not Agreement.objects.exists()
    response = officer.post(NEW, _form(partner, [], scopes=["training"]))
    assert "at least one KUBE" in response.context["form"].errors["groups"][0]


def test_a_kube_of_another_regency_is_refused(admin: User, client_for: Callable[..., Client], partner: Partner) -> None:
    malang = GroupFactory(name="KUBE Malang", desa=village(MALANG_VILLAGE), status=Group.Status.ACTIVE)

    response = client_for(admin).post(NEW, _form(partner, [malang]))

    assert "not in Kota Surabaya" in response.context["form"].errors["groups"][0]


def test_a_partner_of_another_regency_is_refused(admin: User, client_for: Callable[..., Client], kube: Group) -> None:
    response = client_for(admin).post(NEW, _form(PartnerFactory(regency=region(MALANG)), [kube]))

    assert "another regency" in response.context["form"].errors["partner"][0]


def test_the_edit_form_changes_terms_and_kube(officer: Client, kube: Group) -> None:
    agreement = AgreementFactory(groups=[kube])
    other = GroupFactory(name="KUBE Anggrek", status=Group.Status.ACTIVE)
    data = {"title": "Judul baru", "scopes": ["supply", "training"], "start_on": "2024-01-01", "end_on": "2027-12-31"}

    assert "KUBE Anggrek" in officer.get(url("agreement_edit", agreement)).content.decode()
    response = officer.post(url("agreement_edit", agreement), {**data, "groups": [other.pk], "version": 1})

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.title, agreement.scopes(), agreement.version) == ("Judul baru", ["training", "supply"], 2)
    assert list(agreement.groups.all()) == [other]


def test_the_edit_pickers_htmx_answer_keeps_the_ticked_kube(officer: Client, kube: Group) -> None:
    agreement = AgreementFactory(groups=[kube])
    GroupFactory(name="KUBE Anggrek", status=Group.Status.ACTIVE)

    text = officer.get(url("agreement_edit", agreement), {"group_q": "zzz", "groups": [kube.pk]}, headers=HTMX)

    assert "KUBE Mawar" in text.content.decode() and "KUBE Anggrek" not in text.content.decode()


def test_an_agreement_out_of_scope_is_not_found(officer: Client) -> None:
    malang = AgreementFactory(partner=PartnerFactory(regency=region(MALANG)))

    for name in ("agreement_detail", "agreement_edit", "activity_add"):
        assert officer.get(url(name, malang)).status_code == 404
    assert officer.post(url("activity_add", malang), {"on": "2025-01-01", "description": "x"}).status_code == 404


def test_the_detail_shows_kube_activities_and_the_add_form(officer: Client, kube: Group) -> None:
    agreement = AgreementFactory(groups=[kube], title="Pemasaran", value=5_000_000)
    ActivityFactory(agreement=agreement, group=kube, description="Pesanan pertama", value=750_000)

    body = officer.get(url("agreement_detail", agreement)).content.decode()

    assert "KUBE Mawar" in body and "Pesanan pertama" in body and "750,000" in body
    assert url("activity_add", agreement) in body


def test_an_activity_added_through_htmx_comes_back_in_the_list(officer: Client, kube: Group) -> None:
    agreement = AgreementFactory(groups=[kube])

    response = officer.post(
        url("activity_add", agreement),
        {"on": "2025-03-01", "description": "Pameran di mal", "value": "Rp 1.250.000", "group": kube.pk},
        headers=HTMX,
    )

    text = response.content.decode()
    assert response.status_code == 200 and "<html" not in text and "Pameran di mal" in text
    assert Activity.objects.get().value == 1_250_000


def test_a_refused_activity_shows_its_errors_in_the_form(officer: Client, kube: Group) -> None:
    agreement = AgreementFactory(groups=[kube], start_on=dt.date(2025, 1, 1))

    response = officer.post(url("activity_add", agreement), {"on": "2024-12-01", "description": "Terlalu awal"})

    assert "cannot be earlier" in response.context["form"].errors["on"][0]
    htmx = officer.post(url("activity_add", agreement), {"on": "2099-01-01", "description": "x"}, headers=HTMX)
    assert "in the future" in htmx.content.decode() and not Activity.objects.exists()


def test_an_activity_added_without_htmx_redirects_to_the_agreement(officer: Client, kube: Group) -> None:
    agreement = AgreementFactory(groups=[kube])

    response = officer.post(url("activity_add", agreement), {"on": "2025-03-01", "description": "Pelatihan"})

    assert response.status_code == 302 and response["Location"] == url("agreement_detail", agreement)


def test_an_activity_is_deleted_by_an_officer_only(
    officer: Client, auditor: User, client_for: Callable[..., Client]
) -> None:
    activity = ActivityFactory()

    assert client_for(auditor).post(url("activity_delete", activity)).status_code == 403
    response = officer.post(url("activity_delete", activity))

    assert response.status_code == 302 and not Activity.objects.exists()
    assert officer.get(url("activity_delete", ActivityFactory())).status_code == 405


def test_the_agreement_list_filters_and_costs_the_same_queries_for_more_rows(officer: Client) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert officer.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    AgreementFactory(title="Pemasaran awal", groups=[GroupFactory()])
    few = count()
    for _ in range(12):
        AgreementFactory(groups=[GroupFactory(), GroupFactory()])
    assert count() == few
    text = officer.get(LIST, {"q": "awal", "scope": "marketing"}, headers=HTMX).content.decode()
    assert "Pemasaran awal" in text and "<html" not in text


def test_the_coverage_page_shows_the_indicators(officer: Client, kube: Group) -> None:
    GroupFactory(status=Group.Status.ACTIVE)
    AgreementFactory(partner=PartnerFactory(type=Partner.Type.COMMUNITY), groups=[kube])

    response = officer.get(COVERAGE, {"on": "2025-06-01"})

    coverage = response.context["coverage"]
    assert [(r.code, r.active, r.covered, r.share) for r in coverage.regencies] == [(SURABAYA, 2, 1, 50.0)]
    assert "50.0%" in response.content.decode()
    assert officer.get(COVERAGE, {"on": "not a date"}).status_code == 200


def test_the_kube_page_shows_its_partnerships(officer: Client, kube: Group) -> None:
    AgreementFactory(groups=[kube], title="Pemasaran keripik")
    ended = AgreementFactory(groups=[kube], title="Modal awal", end_on=dt.date(2024, 6, 30))
    ActivityFactory(agreement=ended, group=kube, description="Pinjaman cair", on=dt.date(2024, 2, 1))

    body = officer.get(reverse("registry:group_detail", args=[kube.pk])).content.decode()

    assert "Partnerships" in body and "Pemasaran keripik" in body and "Modal awal" in body
    assert "Pinjaman cair" in body and "ended" in body


def test_a_companion_sees_the_partnerships_of_their_kube(
    companion_user: User, client_for: Callable[..., Client], kube: Group
) -> None:
    AssignmentFactory(group=kube, companion=CompanionFactory(user=companion_user))
    AgreementFactory(groups=[kube], title="Pemasaran keripik")

    body = client_for(companion_user).get(reverse("registry:group_detail", args=[kube.pk])).content.decode()

    assert "Pemasaran keripik" in body and NEW not in body  # a reader: no new-agreement button


def test_a_kube_without_partnerships_says_so(officer: Client, kube: Group) -> None:
    body = officer.get(reverse("registry:group_detail", args=[kube.pk])).content.decode()

    assert "No partnership agreement covers this KUBE." in body
