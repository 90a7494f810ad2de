"""The family pages through the browser's door: scope, masking, validation messages, htmx, query counts.

Cast: the Surabaya officer works in Kota Surabaya (35.78), the Malang officer in Kabupaten Malang (35.07);
the auditor reads Surabaya; the companion accompanies one KUBE; the evaluator sees no person records."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pendamping.audit.models import AuditEntry
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.registry.models import Family
from pendamping.registry.tests.factories import (
    MALANG_VILLAGE,
    SURABAYA_VILLAGE,
    FamilyFactory,
    MembershipFactory,
    kube_with_members,
    nik_for,
    village,
)

pytestmark = pytest.mark.django_db

LIST = reverse("registry:family_list")
NEW = reverse("registry:family_create")
OTHER_SURABAYA_VILLAGE = "35.78.01.1002"


def detail(f: Family) -> str:
    return reverse("registry:family_detail", args=[f.pk])


def edit(f: Family) -> str:
    return reverse("registry:family_edit", args=[f.pk])


def delete(f: Family) -> str:
    return reverse("registry:family_delete", args=[f.pk])


def form_data(**overrides: Any) -> dict[str, Any]:
    desa = village(SURABAYA_VILLAGE)
    data = {
        "nik": nik_for(desa, 4321),
        "head_name": "Siti Wahyuni",
        "kk_number": f"{desa.nik_prefix}0000004321",
        "regency": "35.78",
        "kecamatan": "35.78.01",
        "desa": SURABAYA_VILLAGE,
        "address": "Jl. Mawar 3",
        "rt": "003",
        "rw": "001",
        "household_size": "4",
        "monthly_income": "1.500.000",
        "status": "active",
    }
    return {**data, **overrides}


@pytest.fixture(autouse=True)
def _english_pages_plain_static(settings: Any) -> None:
    # The messages checked below are the English source strings (Indonesian is the default language).
    # Pages link static files; without `collectstatic` the manifest storage of production settings has no entries.
    settings.LANGUAGE_CODE = "en"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def surabaya_family() -> Family:
    return FamilyFactory(desa=village(SURABAYA_VILLAGE), head_name="Budi Santoso")


@pytest.fixture
def malang_family() -> Family:
    return FamilyFactory(desa=village(MALANG_VILLAGE), head_name="Sri Rahayu")


@pytest.fixture
def officer(client_for: Callable[..., Client], surabaya_officer: Any) -> Client:
    return client_for(surabaya_officer)


# --- lists --------------------------------------------------------------------------------------------------


def test_each_role_lists_only_families_in_scope(
    client_for: Callable[..., Client],
    admin: Any,
    surabaya_officer: Any,
    malang_officer: Any,
    auditor: Any,
    surabaya_family: Family,
    malang_family: Family,
) -> None:
    expected = {
        admin: {"Budi Santoso", "Sri Rahayu"},
        surabaya_officer: {"Budi Santoso"},
        auditor: {"Budi Santoso"},
        malang_officer: {"Sri Rahayu"},
    }
    for user, names in expected.items():
        page = client_for(user).get(LIST).context["page"]
        assert {f.head_name for f in page.items} == names, user.username


def test_a_forged_regency_filter_does_not_widen_the_list(officer: Client, malang_family: Family) -> None:
    response = officer.get(LIST, {"regency": "35.07", "q": "Sri"})
    assert response.context["page"].items == []
    assert "Sri Rahayu" not in response.content.decode()


def test_users_without_a_region_or_role_see_no_families(
    client_for: Callable[..., Client], officer_without_region: Any, norole: Any, surabaya_family: Family
) -> None:
    assert client_for(officer_without_region).get(LIST).context["page"].items == []
    assert client_for(norole).get(LIST).status_code == 403


def test_the_evaluator_sees_no_family_list(
    client_for: Callable[..., Client], evaluator: Any, surabaya_family: Family
) -> None:
    response = client_for(evaluator).get(LIST)
    assert response.status_code == 403
    assert surabaya_family.head_name not in response.content.decode()


def test_a_companion_sees_only_the_families_of_their_kube(
    client_for: Callable[..., Client], companion_user: Any, surabaya_family: Family
) -> None:
    group = kube_with_members(5)
    AssignmentFactory(group=group, companion=CompanionFactory(user=companion_user, home_desa=group.desa))
    members = {m.family.head_name for m in group.memberships.select_related("family")}
    page = client_for(companion_user).get(LIST, {"page_size": 100}).context["page"]
    assert {f.head_name for f in page.items} == members
    assert client_for(companion_user).get(detail(surabaya_family)).status_code == 404


def test_the_list_shows_nik_masked(officer: Client, surabaya_family: Family) -> None:
    body = officer.get(LIST).content.decode()
    assert surabaya_family.nik_masked in body
    assert surabaya_family.nik not in body


def test_search_by_name_and_by_nik(officer: Client, surabaya_family: Family) -> None:
    FamilyFactory(desa=village(SURABAYA_VILLAGE), head_name="Ahmad Fauzi")
    by_name = officer.get(LIST, {"q": "budi"}).context["page"].items
    by_nik = officer.get(LIST, {"q": surabaya_family.nik[:12]}).context["page"].items
    assert [f.head_name for f in by_name] == ["Budi Santoso"]
    assert surabaya_family in by_nik


def test_filters_by_kecamatan_desa_and_status(officer: Client, surabaya_family: Family) -> None:
    FamilyFactory(desa=village(OTHER_SURABAYA_VILLAGE), head_name="Ahmad Fauzi", status="moved")
    assert len(officer.get(LIST, {"kecamatan": "35.78.01"}).context["page"].items) == 2
    assert [f.head_name for f in officer.get(LIST, {"desa": SURABAYA_VILLAGE}).context["page"].items] == [
        "Budi Santoso"
    ]
    assert [f.head_name for f in officer.get(LIST, {"status": "moved"}).context["page"].items] == ["Ahmad Fauzi"]


def test_an_htmx_search_returns_only_the_results_partial(officer: Client, surabaya_family: Family) -> None:
    response = officer.get(LIST, {"q": "Budi"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"')
    assert "<html" not in body
    assert "Budi Santoso" in body


def test_the_list_issues_the_same_number_of_queries_for_5_and_30_families(officer: Client) -> None:
    def count(n: int) -> int:
        Family.objects.all().delete()
        FamilyFactory.create_batch(n, desa=village(SURABAYA_VILLAGE))
        with CaptureQueriesContext(connection) as ctx:
            response = officer.get(LIST, {"regency": "35.78", "kecamatan": "35.78.01", "page_size": 50})
        assert len(response.context["page"].items) == n
        return len(ctx)

    assert count(5) == count(30)


def test_the_region_options_follow_the_users_regencies(officer: Client) -> None:
    options = reverse("registry:region_options")
    assert "Karang Pilang" in officer.get(options, {"regency": "35.78"}).content.decode()
    assert "Donomulyo" not in officer.get(options, {"regency": "35.07"}).content.decode()
    assert "Tulungrejo" not in officer.get(options, {"parent": "35.07.01"}).content.decode()


# --- detail, masking and audit -------------------------------------------------------------------------------


def test_an_officer_sees_the_full_nik_on_demand_and_each_reveal_is_audited(
    officer: Client, surabaya_family: Family
) -> None:
    body = officer.get(detail(surabaya_family)).content.decode()
    assert surabaya_family.nik not in body and surabaya_family.nik_masked in body
    assert not AuditEntry.objects.filter(action="reveal").exists()
    url = reverse("registry:family_reveal", args=[surabaya_family.pk])
    body = officer.post(url, headers={"HX-Request": "true"}).content.decode()
    assert surabaya_family.nik in body and surabaya_family.kk_number in body
    assert "<html" not in body  # the htmx partial only
    assert AuditEntry.objects.filter(action="reveal", object_id=str(surabaya_family.pk)).count() == 1


def test_roles_that_need_no_numbers_cannot_reveal_them(
    client_for: Callable[..., Client], auditor: Any, surabaya_family: Family
) -> None:
    response = client_for(auditor).post(reverse("registry:family_reveal", args=[surabaya_family.pk]))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_the_auditor_sees_numbers_masked_and_the_history(
    client_for: Callable[..., Client], auditor: Any, officer: Client, surabaya_family: Family
) -> None:
    officer.post(edit(surabaya_family), form_data(kk_number="3578010000000099", version=1))
    body = client_for(auditor).get(detail(surabaya_family)).content.decode()
    assert surabaya_family.nik_masked in body
    assert surabaya_family.nik not in body
    assert "3578010000000099" not in body  # nor in the before/after values of the history
    assert "3578********0099" in body


def test_a_companion_sees_the_family_masked_without_history(
    client_for: Callable[..., Client], companion_user: Any
) -> None:
    membership = MembershipFactory()
    AssignmentFactory(group=membership.group, companion=CompanionFactory(user=companion_user))
    response = client_for(companion_user).get(detail(membership.family))
    assert response.status_code == 200
    assert membership.family.nik not in response.content.decode()
    assert response.context["history"] is None
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_the_detail_lists_kube_membership_history(officer: Client) -> None:
    membership = MembershipFactory()
    body = officer.get(detail(membership.family)).content.decode()
    assert membership.group.name in body


# --- scope: every object URL of another regency is a 404 and changes nothing ------------------------------------


@pytest.mark.parametrize(
    ("url", "post_status"),
    [(detail, 405), (edit, 404), (delete, 404)],  # the detail page takes no POST at all, whoever's the family
)
def test_an_out_of_scope_family_is_not_found(
    officer: Client, malang_family: Family, url: Any, post_status: int
) -> None:
    assert officer.get(url(malang_family)).status_code == 404
    assert officer.post(url(malang_family), form_data(head_name="Changed", version=1)).status_code == post_status
    malang_family.refresh_from_db()
    assert malang_family.head_name == "Sri Rahayu"
    assert Family.objects.filter(pk=malang_family.pk).exists()


def test_roles_that_may_not_change_families_get_403(
    client_for: Callable[..., Client], auditor: Any, surabaya_family: Family
) -> None:
    client = client_for(auditor)
    assert client.get(NEW).status_code == 403
    assert client.post(edit(surabaya_family), form_data(version=1)).status_code == 403
    assert client.post(delete(surabaya_family)).status_code == 403


def test_a_forged_desa_of_another_regency_is_refused(officer: Client) -> None:
    response = officer.post(NEW, form_data(desa=MALANG_VILLAGE, regency="35.07", kecamatan="35.07.01"))
    assert response.status_code == 200
    assert "outside the regencies you work in" in response.context["form"].errors["desa"][0]
    assert not Family.objects.exists()


# --- create, edit, delete --------------------------------------------------------------------------------------


def test_an_officer_registers_a_family_and_income_is_read_as_rupiah(officer: Client) -> None:
    response = officer.post(NEW, form_data())
    family = Family.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(family)
    assert family.monthly_income == 1_500_000
    assert family.regency_id == "35.78"
    assert AuditEntry.objects.filter(action="create", object_id=str(family.pk)).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nik", "357801010190001", "16 digits (found 15)"),
        ("nik", "35780101019A0001", "digits only"),
        ("nik", "3578013102900001", "impossible birth date"),
        ("nik", "3578010101900000", "cannot be 0000"),
        ("desa", "35.78.99.9999", "Unknown village"),
        ("monthly_income", "-500.000", "cannot be negative"),
        ("monthly_income", "1,5 juta", "Not a rupiah amount"),
        ("kk_number", "12345", "16 digits"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(
    officer: Client, field: str, value: str, message: str
) -> None:
    response = officer.post(NEW, form_data(**{field: value}))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert not Family.objects.exists()


def test_one_submission_reports_every_mistake_at_once(officer: Client) -> None:
    response = officer.post(NEW, form_data(nik="12345", monthly_income="-1", household_size="0"))
    assert set(response.context["form"].errors) == {"nik", "monthly_income", "household_size"}
    assert not Family.objects.exists()


def test_a_duplicate_nik_names_the_existing_record_masked(officer: Client, surabaya_family: Family) -> None:
    response = officer.post(NEW, form_data(nik=surabaya_family.nik))
    error = response.context["form"].errors["nik"][0]
    assert "B*** S***" in error
    assert surabaya_family.nik_masked in error
    assert surabaya_family.nik not in response.content.decode().replace(f'value="{surabaya_family.nik}"', "")
    assert Family.objects.count() == 1


def test_an_unknown_nik_region_is_a_warning_not_an_error(officer: Client) -> None:
    response = officer.post(NEW, form_data(nik="9999010101900001"), follow=True)
    assert Family.objects.count() == 1
    assert "match no kecamatan" in response.content.decode()


def test_edit_saves_and_a_stale_version_is_refused(officer: Client, surabaya_family: Family) -> None:
    assert officer.get(edit(surabaya_family)).status_code == 200
    response = officer.post(edit(surabaya_family), form_data(head_name="Budi S.", version=1))
    assert response.status_code == 302
    stale = officer.post(edit(surabaya_family), form_data(head_name="Someone else", version=1))
    assert "changed by someone else" in stale.content.decode()
    surabaya_family.refresh_from_db()
    assert (surabaya_family.head_name, surabaya_family.version) == ("Budi S.", 2)


def test_delete_asks_first_then_deletes(officer: Client, surabaya_family: Family) -> None:
    assert officer.get(delete(surabaya_family)).status_code == 200
    assert Family.objects.filter(pk=surabaya_family.pk).exists()
    response = officer.post(delete(surabaya_family))
    assert response.status_code == 302
    assert not Family.objects.filter(pk=surabaya_family.pk).exists()


def test_a_family_with_kube_history_cannot_be_deleted(officer: Client) -> None:
    family = MembershipFactory().family
    response = officer.post(delete(family))
    assert "set its status instead" in response.content.decode()
    assert Family.objects.filter(pk=family.pk).exists()
