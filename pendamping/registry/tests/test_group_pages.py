"""The KUBE pages through the test client, with the named cast of the root conftest: scope (404 outside it),
roles (403 for roles that may not act), the membership rules as the pages show them, htmx partials and
query counts that do not grow with the rows."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pendamping.audit.models import AuditEntry
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.registry.models import BoardRole, Group, Membership
from pendamping.registry.tests.factories import (
    MALANG_VILLAGE,
    FamilyFactory,
    GrantFactory,
    GroupFactory,
    MembershipFactory,
    TrancheFactory,
    kube_with_members,
    village,
)

pytestmark = pytest.mark.django_db

OTHER_SURABAYA_VILLAGE = "35.78.01.1002"
JOINED = "2024-05-02"


def url(name: str, *args: Any) -> str:
    return reverse(f"registry:{name}", args=args)


def members_of(group: Group) -> int:
    return Membership.objects.filter(group=group, left_on__isnull=True).count()


@pytest.fixture(autouse=True)
def _english_pages_plain_static(settings: Any) -> None:
    # The messages checked are the English source strings (Indonesian is the default language); without
    # `collectstatic` the manifest storage of production settings has no entries for the pages' static links.
    settings.LANGUAGE_CODE = "en"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def surabaya(surabaya_officer: Any, client_for: Callable[..., Client]) -> Client:
    return client_for(surabaya_officer)


# --- the list -----------------------------------------------------------------------------------------


def test_list_shows_only_the_officers_regency(surabaya: Client) -> None:
    GroupFactory(name="KUBE Surabaya Jaya")
    GroupFactory(name="KUBE Malang Makmur", desa=village(MALANG_VILLAGE))

    page = surabaya.get(url("group_list")).content.decode()

    assert "KUBE Surabaya Jaya" in page
    assert "KUBE Malang Makmur" not in page


def test_a_forged_regency_filter_does_not_widen_the_list(surabaya: Client) -> None:
    GroupFactory(name="KUBE Malang Makmur", desa=village(MALANG_VILLAGE))

    page = surabaya.get(url("group_list"), {"regency": "35.07"}).content.decode()

    assert "KUBE Malang Makmur" not in page


def test_list_searches_by_name_and_code_and_filters_by_status(surabaya: Client) -> None:
    GroupFactory(name="KUBE Sumber Rejeki", code="F9990001")
    GroupFactory(name="KUBE Lestari", status=Group.Status.ACTIVE)

    assert "Sumber Rejeki" in surabaya.get(url("group_list"), {"q": "rejeki"}).content.decode()
    assert "Sumber Rejeki" in surabaya.get(url("group_list"), {"q": "F999"}).content.decode()
    by_status = surabaya.get(url("group_list"), {"status": "active"}).content.decode()
    assert "KUBE Lestari" in by_status and "Sumber Rejeki" not in by_status


def test_list_shows_the_member_count(surabaya: Client) -> None:
    group = kube_with_members(7, name="KUBE Tujuh")
    MembershipFactory(group=group, left_on=dt.date(2024, 1, 1))  # a past member does not count

    response = surabaya.get(url("group_list"))

    row = next(g for g in response.context["page"].items if g.pk == group.pk)
    assert row.member_count == 7


def test_search_with_htmx_returns_only_the_results_table(surabaya: Client) -> None:
    GroupFactory(name="KUBE Sumber Rejeki")

    response = surabaya.get(url("group_list"), {"q": "rejeki"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert 'id="results"' in body and "Sumber Rejeki" in body
    assert "<html" not in body and "<form" not in body


def test_companion_sees_only_the_kube_assigned_to_them(companion_user: Any, client_for: Callable[..., Client]) -> None:
    mine = GroupFactory(name="KUBE Dampingan Saya")
    GroupFactory(name="KUBE Orang Lain")
    AssignmentFactory(group=mine, companion=CompanionFactory(user=companion_user))
    client = client_for(companion_user)

    page = client.get(url("group_list")).content.decode()

    assert "KUBE Dampingan Saya" in page and "KUBE Orang Lain" not in page
    assert client.get(url("group_detail", mine.pk)).status_code == 200


@pytest.mark.parametrize("role", ["evaluator", "norole"])
def test_roles_without_registry_access_are_refused(role: str, request: Any, client_for: Callable[..., Client]) -> None:
    client = client_for(request.getfixturevalue(role))

    assert client.get(url("group_list")).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client: Client) -> None:
    response = client.get(url("group_list"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_list_queries_do_not_grow_with_the_rows(surabaya: Client) -> None:
    for _ in range(5):
        kube_with_members(5)
    few = _queries(surabaya, url("group_list"))
    for _ in range(15):
        kube_with_members(5)

    assert _queries(surabaya, url("group_list")) == few


# --- the detail page ----------------------------------------------------------------------------------


def test_detail_shows_board_members_grants_and_companion(surabaya: Client) -> None:
    group = kube_with_members(6, bank_name="BRI", bank_account_number="0123456789")
    past = MembershipFactory(group=group, left_on=dt.date(2024, 1, 1), left_reason="pindah")
    companion = CompanionFactory(name="Bu Pendamping")
    AssignmentFactory(group=group, companion=companion)

    page = surabaya.get(url("group_detail", group.pk)).content.decode()

    ketua = Membership.objects.get(group=group, role=BoardRole.KETUA, left_on__isnull=True)
    assert ketua.family.head_name in page
    assert past.family.head_name in page and "pindah" in page
    assert "Bu Pendamping" in page and "0123456789" in page
    assert ketua.family.nik not in page and ketua.family.nik_masked in page


def test_detail_shows_history_to_auditors_but_not_to_companions(
    auditor: Any, companion_user: Any, client_for: Callable[..., Client]
) -> None:
    group = GroupFactory()
    AssignmentFactory(group=group, companion=CompanionFactory(user=companion_user))

    assert client_for(auditor).get(url("group_detail", group.pk)).context["history"] is not None
    assert client_for(companion_user).get(url("group_detail", group.pk)).context["history"] is None


def test_detail_queries_do_not_grow_with_the_members(surabaya: Client) -> None:
    small, big, full = kube_with_members(5), kube_with_members(19), kube_with_members(20)
    for group in (small, big, full):
        AssignmentFactory(group=group)
        TrancheFactory(grant=GrantFactory(group=group))
        MembershipFactory(group=group, left_on=dt.date(2024, 1, 1))

    _queries(surabaya, url("group_detail", small.pk))  # warms the per-process caches (content types) first
    few = _queries(surabaya, url("group_detail", small.pk))
    assert _queries(surabaya, url("group_detail", big.pk)) == few
    assert _queries(surabaya, url("group_detail", full.pk)) <= few  # a full KUBE offers no member picker


# --- scope: another regency's KUBE is not there -------------------------------------------------------


@pytest.fixture
def malang_kube() -> Group:
    group = kube_with_members(5, name="KUBE Malang", desa=village(MALANG_VILLAGE))
    FamilyFactory(desa=village(MALANG_VILLAGE))  # a family that could be added
    return group


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("group_detail", "get"),
        ("group_edit", "get"),
        ("group_edit", "post"),
        ("group_status", "get"),
        ("group_status", "post"),
        ("group_delete", "post"),
        ("member_add", "post"),
        ("member_options", "get"),
        ("grant_create", "get"),
        ("grant_create", "post"),
    ],
)
def test_another_regencys_kube_is_not_found(surabaya: Client, malang_kube: Group, name: str, method: str) -> None:
    before = (Group.objects.values().get(pk=malang_kube.pk), Membership.objects.count(), AuditEntry.objects.count())
    family = FamilyFactory(desa=village(MALANG_VILLAGE))
    data = {"name": "Diubah", "status": "inactive", "on": "2024-06-01", "reason": "x", "family": family.pk}
    data |= {"role": "anggota", "joined_on": JOINED, "amount": "1000000", "source": "apbn", "year": "2024"}

    response = getattr(surabaya, method)(url(name, malang_kube.pk), data)

    assert response.status_code == 404
    after = (Group.objects.values().get(pk=malang_kube.pk), Membership.objects.count(), AuditEntry.objects.count())
    assert after == before


@pytest.mark.parametrize(
    ("name", "method"), [("member_end", "post"), ("member_role", "post"), ("member_manage", "get")]
)
def test_another_regencys_membership_is_not_found(surabaya: Client, malang_kube: Group, name: str, method: str) -> None:
    membership = malang_kube.memberships.get(role=BoardRole.KETUA)

    response = getattr(surabaya, method)(url(name, malang_kube.pk, membership.pk), {"left_on": JOINED, "reason": "x"})

    assert response.status_code == 404
    assert Membership.objects.get(pk=membership.pk).left_on is None


def test_a_membership_of_another_kube_is_not_found_through_mine(surabaya: Client) -> None:
    mine, other = kube_with_members(5), kube_with_members(5)
    theirs = other.memberships.filter(role=BoardRole.ANGGOTA).first()

    response = surabaya.post(url("member_end", mine.pk, theirs.pk), {"left_on": JOINED, "reason": "x"})

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "method"),
    [("group_create", "get"), ("group_edit", "get"), ("group_status", "post"), ("member_add", "post")],
)
def test_auditor_may_read_but_not_change(
    auditor: Any, client_for: Callable[..., Client], name: str, method: str
) -> None:
    group = GroupFactory()
    client = client_for(auditor)
    args = () if name == "group_create" else (group.pk,)

    assert client.get(url("group_detail", group.pk)).status_code == 200
    assert getattr(client, method)(url(name, *args), {}).status_code == 403


def test_forged_family_of_another_regency_is_refused(surabaya: Client) -> None:
    group = GroupFactory()
    stranger = FamilyFactory(desa=village(MALANG_VILLAGE))

    response = surabaya.post(
        url("member_add", group.pk), {"family": stranger.pk, "role": "anggota", "joined_on": JOINED}
    )

    assert response.status_code == 200
    assert response.context["add_form"].errors["family"]
    assert not Membership.objects.filter(family=stranger).exists()


# --- membership rules, as the page shows them ---------------------------------------------------------


def _add(client: Client, group: Group, family: Any, role: str = "anggota", **headers: Any) -> Any:
    data = {"family": family.pk, "role": role, "joined_on": JOINED}
    return client.post(url("member_add", group.pk), data, **headers)


def _error_text(response: Any) -> str:
    form = response.context["add_form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def test_a_member_is_added_and_the_htmx_response_is_the_members_section(surabaya: Client) -> None:
    group = GroupFactory()
    family = FamilyFactory()

    response = _add(surabaya, group, family, "ketua", HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200 and 'id="members"' in body and "<html" not in body
    assert family.head_name in body
    assert Membership.objects.get(family=family).role == BoardRole.KETUA


def test_without_htmx_an_added_member_redirects_to_the_page(surabaya: Client) -> None:
    group = GroupFactory()

    response = _add(surabaya, group, FamilyFactory())

    assert response.status_code == 302 and response["Location"] == url("group_detail", group.pk)


def test_member_from_another_village_is_refused(surabaya: Client) -> None:
    group = GroupFactory()
    neighbour = FamilyFactory(desa=village(OTHER_SURABAYA_VILLAGE))

    response = _add(surabaya, group, neighbour)

    assert "must live in the KUBE's village" in _error_text(response)
    assert members_of(group) == 0


def test_a_21st_member_is_refused(surabaya: Client) -> None:
    group = kube_with_members(20)

    response = _add(surabaya, group, FamilyFactory())

    assert "20 members" in _error_text(response)
    assert members_of(group) == 20


def test_a_second_ketua_is_refused(surabaya: Client) -> None:
    group = kube_with_members(5)

    response = _add(surabaya, group, FamilyFactory(), "ketua")

    assert "already has a" in _error_text(response)
    assert members_of(group) == 5


def test_a_family_already_in_another_kube_is_refused(surabaya: Client) -> None:
    group, other = GroupFactory(), kube_with_members(5, name="KUBE Sebelah")
    taken = other.memberships.first().family

    response = _add(surabaya, group, taken)

    assert "KUBE Sebelah" in _error_text(response)
    assert members_of(group) == 0


def test_the_member_picker_offers_only_families_that_can_join(surabaya: Client) -> None:
    group = GroupFactory()
    free = FamilyFactory(head_name="Bebas Sekali")
    FamilyFactory(head_name="Tetangga Desa", desa=village(OTHER_SURABAYA_VILLAGE))
    MembershipFactory(family=FamilyFactory(head_name="Sudah Anggota"))

    page = surabaya.get(url("group_detail", group.pk)).content.decode()
    options = surabaya.get(url("member_options", group.pk), {"q": "beb"}).content.decode()

    assert "Bebas Sekali" in page and "Tetangga Desa" not in page and "Sudah Anggota" not in page
    assert f'value="{free.pk}"' in options


def test_manage_opens_the_member_panel(surabaya: Client) -> None:
    group = kube_with_members(6)
    member = group.memberships.filter(role=BoardRole.ANGGOTA).first()

    panel = surabaya.get(url("member_manage", group.pk, member.pk), HTTP_HX_REQUEST="true").content.decode()
    page = surabaya.get(url("member_manage", group.pk, member.pk)).content.decode()

    assert url("member_end", group.pk, member.pk) in panel and "<html" not in panel
    assert url("member_end", group.pk, member.pk) in page and "<html" in page


def test_ending_a_membership_keeps_it_as_history(surabaya: Client) -> None:
    group = kube_with_members(6)
    member = group.memberships.filter(role=BoardRole.ANGGOTA).first()

    response = surabaya.post(
        url("member_end", group.pk, member.pk),
        {"left_on": "2024-06-01", "reason": "pindah kota"},
        HTTP_HX_REQUEST="true",
    )

    member.refresh_from_db()
    assert member.left_on == dt.date(2024, 6, 1) and member.left_reason == "pindah kota"
    assert "pindah kota" in response.content.decode()  # now among the past members


def test_a_board_member_of_an_active_kube_cannot_leave_without_successor(surabaya: Client) -> None:
    group = kube_with_members(6)
    ketua = group.memberships.get(role=BoardRole.KETUA)

    response = surabaya.post(url("member_end", group.pk, ketua.pk), {"left_on": "2024-06-01", "reason": "x"})

    assert response.status_code == 200 and response.context["member_errors"]
    assert "Give the" in response.content.decode()  # the panel stays open with the service's message
    assert Membership.objects.get(pk=ketua.pk).left_on is None


def test_a_refused_role_change_keeps_the_panel_open_with_the_message(surabaya: Client) -> None:
    group = kube_with_members(6)
    ketua = group.memberships.get(role=BoardRole.KETUA)

    response = surabaya.post(url("member_role", group.pk, ketua.pk), {"role": "anggota"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert 'id="members"' in body and "Give the" in body and url("member_end", group.pk, ketua.pk) in body
    assert Membership.objects.get(pk=ketua.pk).role == BoardRole.KETUA


def test_changing_a_role_swaps_the_board_seat(surabaya: Client) -> None:
    group = kube_with_members(6)
    ketua = group.memberships.get(role=BoardRole.KETUA)
    member = group.memberships.filter(role=BoardRole.ANGGOTA).first()

    surabaya.post(url("member_role", group.pk, member.pk), {"role": "ketua"})

    assert Membership.objects.get(pk=member.pk).role == BoardRole.KETUA
    assert Membership.objects.get(pk=ketua.pk).role == BoardRole.ANGGOTA


# --- create, edit, status, delete ---------------------------------------------------------------------


def test_an_officer_founds_a_kube_in_their_regency(surabaya: Client) -> None:
    data = {"regency": "35.78", "kecamatan": "35.78.01", "desa": "35.78.01.1001", "name": "KUBE  Baru  Maju"}
    data |= {"sector": "crafts", "founded_on": "2024-01-10"}

    response = surabaya.post(url("group_create"), data)

    group = Group.objects.get(name="KUBE Baru Maju")
    assert response.status_code == 302 and response["Location"] == url("group_detail", group.pk)
    assert group.status == Group.Status.FORMING and group.regency_id == "35.78"


def test_founding_a_kube_in_another_regency_is_refused(surabaya: Client) -> None:
    data = {"desa": MALANG_VILLAGE, "name": "KUBE Nyasar", "sector": "crafts", "founded_on": "2024-01-10"}

    response = surabaya.post(url("group_create"), data)

    assert response.status_code == 200 and response.context["form"].errors
    assert not Group.objects.filter(name="KUBE Nyasar").exists()


def test_other_sector_must_be_named(surabaya: Client) -> None:
    group = GroupFactory()
    data = {"name": group.name, "sector": "other", "sector_other": "", "founded_on": "2023-01-15", "version": 1}

    response = surabaya.post(url("group_edit", group.pk), data)

    assert "sector_other" in response.context["form"].errors


def test_a_stale_edit_is_refused(surabaya: Client) -> None:
    group = GroupFactory(version=3)
    data = {"name": "Nama Baru", "sector": "trade", "founded_on": "2023-01-15", "version": 2}

    response = surabaya.post(url("group_edit", group.pk), data)

    assert "changed by someone else" in " ".join(response.context["form"].non_field_errors())
    assert Group.objects.get(pk=group.pk).name == group.name


def test_edit_saves_and_records_history(surabaya: Client) -> None:
    group = GroupFactory()
    data = {"name": "Nama Baru", "sector": "trade", "founded_on": "2023-01-15", "version": group.version}
    data |= {"bank_name": "BRI", "bank_account_number": "123", "bank_account_name": "KUBE"}

    surabaya.post(url("group_edit", group.pk), data)

    group.refresh_from_db()
    assert group.name == "Nama Baru" and group.bank_name == "BRI"
    assert AuditEntry.objects.filter(object_id=str(group.pk), action="update", door="web").exists()


def _forming(roles: list[str]) -> Group:
    group = GroupFactory()
    for role in roles:
        MembershipFactory(group=group, role=role)
    return group


def test_activation_with_four_members_shows_the_services_message(surabaya: Client) -> None:
    group = _forming(["ketua", "sekretaris", "bendahara", "anggota"])

    response = surabaya.post(url("group_status", group.pk), {"status": "active", "on": "2024-06-01"})

    assert "5-20 members" in " ".join(response.context["form"].non_field_errors())
    assert Group.objects.get(pk=group.pk).status == Group.Status.FORMING


def test_activation_without_a_full_board_is_refused(surabaya: Client) -> None:
    group = _forming(["anggota"] * 5)

    response = surabaya.post(url("group_status", group.pk), {"status": "active", "on": "2024-06-01"})

    assert "complete board" in " ".join(response.context["form"].non_field_errors())


def test_a_complete_kube_is_activated(surabaya: Client) -> None:
    group = _forming(["ketua", "sekretaris", "bendahara", "anggota", "anggota"])

    response = surabaya.post(url("group_status", group.pk), {"status": "active", "on": "2024-06-01"})

    assert response.status_code == 302
    assert Group.objects.get(pk=group.pk).status == Group.Status.ACTIVE


def test_graduation_needs_a_reason(surabaya: Client) -> None:
    group = kube_with_members(5)

    response = surabaya.post(url("group_status", group.pk), {"status": "graduated", "on": "2024-06-01"})

    assert "reason" in response.context["form"].errors


def test_only_an_empty_forming_kube_can_be_deleted(surabaya: Client) -> None:
    empty, busy = GroupFactory(), _forming(["anggota"])

    assert surabaya.post(url("group_delete", empty.pk))["Location"] == url("group_list")
    assert surabaya.post(url("group_delete", busy.pk))["Location"] == url("group_detail", busy.pk)
    assert not Group.objects.filter(pk=empty.pk).exists() and Group.objects.filter(pk=busy.pk).exists()


def test_delete_is_post_only(surabaya: Client) -> None:
    group = GroupFactory()

    assert surabaya.get(url("group_delete", group.pk)).status_code == 405
    assert Group.objects.filter(pk=group.pk).exists()
