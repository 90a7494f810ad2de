"""KUBE and membership services: the rules of a KUBE (one desa, one KUBE per family, 5-20 members, one of each
board role), the database constraints behind them, and a property test that no sequence of calls breaks them."""

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.core.concurrency import StaleRecord
from pendamping.registry.models import BOARD, BoardRole, Family, Group, Membership
from pendamping.registry.services import (
    group_create,
    group_delete,
    group_set_status,
    group_update,
    membership_add,
    membership_end,
    membership_set_role,
)
from pendamping.registry.tests.factories import (
    MALANG_VILLAGE,
    SURABAYA_VILLAGE,
    FamilyFactory,
    GrantFactory,
    GroupFactory,
    MembershipFactory,
    SchemeFactory,
    kube_with_members,
    village,
)

KEBRAON = "35.78.01.1002"  # another kelurahan of kec. Karang Pilang, Surabaya
JOINED = dt.date(2024, 2, 1)
TODAY = dt.date(2024, 6, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def refusal(call: Callable[[], Any], field: str | None = None) -> str:
    """Run a call that must be refused; return the messages (of `field`, if given) as one string."""
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    if field is None:
        return " ".join(error.messages)
    assert hasattr(error, "error_dict"), f"expected an error on {field!r}, got {error.messages}"
    assert field in error.message_dict, f"expected an error on {field!r}, got {error.message_dict}"
    return " ".join(error.message_dict[field])


def create(actor: Any, **fields: Any) -> Group:
    data: dict[str, Any] = {
        "desa_code": SURABAYA_VILLAGE,
        "name": "KUBE Sejahtera",
        "sector": Group.Sector.FOOD,
        "founded_on": dt.date(2024, 1, 10),
    }
    data.update(fields)
    return group_create(actor=actor, **data)


def add(actor: Any, group: Group, family: Family | None = None, role: str = BoardRole.ANGGOTA) -> Membership:
    family = family or FamilyFactory(desa=group.desa)
    return membership_add(actor=actor, group=group, family=family, role=role, joined_on=JOINED)


def current_roles(group: Group) -> list[str]:
    return sorted(group.memberships.current().values_list("role", flat=True))


def member(group: Group, role: str) -> Membership:
    return group.memberships.current().filter(role=role).first() or pytest.fail(f"no {role}")


def forming_with_board(members: int = 3) -> Group:
    group = GroupFactory()
    roles = [*BOARD, *[BoardRole.ANGGOTA] * (members - 3)]
    for role in roles:
        MembershipFactory(group=group, role=role)
    return group


# --- group_create ---------------------------------------------------------------------------------------


def test_group_create_founds_a_forming_kube_in_the_desa(admin: User) -> None:
    group = create(admin)

    group.refresh_from_db()
    assert (group.status, group.desa_id, group.regency_id, group.version) == ("forming", SURABAYA_VILLAGE, "35.78", 1)


def test_kube_codes_are_numbered_per_desa_in_sequence(admin: User) -> None:
    codes = [create(admin, name=f"KUBE {i}").code for i in range(3)]
    elsewhere = create(admin, desa_code=KEBRAON).code

    assert codes == ["3578011001-001", "3578011001-002", "3578011001-003"]
    assert elsewhere == "3578011002-001"


def test_kube_codes_continue_after_the_highest_not_the_count(admin: User) -> None:
    GroupFactory(code="3578011001-007")

    assert create(admin).code == "3578011001-008"


def test_kube_codes_pass_ten_in_order(admin: User) -> None:
    GroupFactory(code="3578011001-009")

    assert [create(admin).code, create(admin).code] == ["3578011001-010", "3578011001-011"]


def test_the_kube_name_is_stored_with_single_spaces(admin: User) -> None:
    assert create(admin, name="  KUBE   Maju  ").name == "KUBE Maju"


def test_a_kube_without_a_name_is_refused(admin: User) -> None:
    refusal(lambda: create(admin, name="  "), "name")
    assert not Group.objects.exists()


def test_an_other_sector_needs_a_name(admin: User) -> None:
    assert "Name the sector" in refusal(lambda: create(admin, sector="other", sector_other=" "), "sector_other")
    assert not Group.objects.exists()


def test_an_other_sector_with_a_name_is_kept_and_shown(admin: User) -> None:
    group = create(admin, sector="other", sector_other="Batik tulis")

    assert group.sector_label() == "Batik tulis"


def test_a_named_sector_drops_a_stray_other_name(admin: User) -> None:
    group = create(admin, sector=Group.Sector.CRAFTS, sector_other="Batik tulis")

    group.refresh_from_db()
    assert group.sector_other == ""


def test_an_unknown_sector_is_refused(admin: User) -> None:
    refusal(lambda: create(admin, sector="mining"), "sector")
    assert not Group.objects.exists()


def test_a_founding_date_in_the_future_is_refused(admin: User) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    assert "future" in refusal(lambda: create(admin, founded_on=tomorrow), "founded_on")
    assert not Group.objects.exists()


def test_a_kube_founded_today_is_accepted(admin: User) -> None:
    assert create(admin, founded_on=timezone.localdate()).pk is not None


def test_a_kube_without_a_founding_date_is_refused(admin: User) -> None:
    refusal(lambda: create(admin, founded_on=None), "founded_on")


def test_a_kube_in_an_unknown_desa_is_refused(admin: User) -> None:
    assert "Unknown village" in refusal(lambda: create(admin, desa_code="35.78.01"), "desa")


def test_a_surabaya_officer_cannot_found_a_kube_in_malang(surabaya_officer: User) -> None:
    refusal(lambda: create(surabaya_officer, desa_code=MALANG_VILLAGE), "desa")
    assert not Group.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_malang_officer_founds_a_kube_in_malang(malang_officer: User) -> None:
    assert create(malang_officer, desa_code=MALANG_VILLAGE).regency_id == "35.07"


@pytest.mark.parametrize("role", ["companion_user", "auditor", "evaluator", "norole"])
def test_roles_that_may_not_write_kube_cannot_found_one(role: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        create(request.getfixturevalue(role))
    assert not Group.objects.exists()


# --- group_update ----------------------------------------------------------------------------------------


def test_group_update_changes_fields_and_version(admin: User) -> None:
    group = create(admin)

    group_update(actor=admin, group=group, version=1, name="KUBE Baru", bank_name="Bank Jatim")

    group.refresh_from_db()
    assert (group.name, group.bank_name, group.version) == ("KUBE Baru", "Bank Jatim", 2)


def test_group_update_with_a_stale_version_is_refused_and_changes_nothing(admin: User) -> None:
    group = create(admin)
    group_update(actor=admin, group=group, version=1, name="KUBE Dua")

    with pytest.raises(StaleRecord):
        group_update(actor=admin, group=group, version=1, name="KUBE Tiga")
    group.refresh_from_db()
    assert (group.name, group.version) == ("KUBE Dua", 2)


def test_group_update_cannot_change_the_desa_or_status(admin: User) -> None:
    group = create(admin)

    group_update(actor=admin, group=group, desa_id=MALANG_VILLAGE, status="active", code="X")

    group.refresh_from_db()
    assert (group.desa_id, group.status, group.code) == (SURABAYA_VILLAGE, "forming", "3578011001-001")


def test_a_narrower_scheme_that_the_active_kube_does_not_fit_is_refused(admin: User) -> None:
    group = kube_with_members(12)

    message = refusal(lambda: group_update(actor=admin, group=group, scheme=SchemeFactory(max_members=10)))
    assert "5-10" in message and "12" in message
    group.refresh_from_db()
    assert (group.scheme_id, group.version) == (None, 1)


def test_group_update_refuses_a_future_founding_date(admin: User) -> None:
    group = create(admin)

    refusal(lambda: group_update(actor=admin, group=group, founded_on=timezone.localdate() + dt.timedelta(days=3)))
    group.refresh_from_db()
    assert group.founded_on == dt.date(2024, 1, 10)


def test_a_surabaya_officer_cannot_change_a_malang_kube(surabaya_officer: User) -> None:
    group = GroupFactory(desa=village(MALANG_VILLAGE), name="KUBE Malang")

    refusal(lambda: group_update(actor=surabaya_officer, group=group, name="Forged"), "group")
    group.refresh_from_db()
    assert group.name == "KUBE Malang"


# --- group_set_status -------------------------------------------------------------------------------------


def test_a_kube_with_five_members_and_a_full_board_becomes_active(admin: User) -> None:
    group = forming_with_board(5)

    group_set_status(actor=admin, group=group, status="active", on=TODAY)

    group.refresh_from_db()
    assert (group.status, group.status_changed_on, group.version) == ("active", TODAY, 2)


@pytest.mark.parametrize("members", [3, 4])
def test_a_kube_with_fewer_than_five_members_cannot_become_active(admin: User, members: int) -> None:
    group = forming_with_board(members)

    message = refusal(lambda: group_set_status(actor=admin, group=group, status="active", on=TODAY))
    assert f"5-20 members; this one would have {members}" in message
    group.refresh_from_db()
    assert group.status == "forming"


def test_a_kube_with_a_narrower_scheme_needs_its_minimum_to_become_active(admin: User) -> None:
    group = forming_with_board(6)
    group.scheme = SchemeFactory(min_members=8, max_members=10)
    group.save()

    assert "8-10" in refusal(lambda: group_set_status(actor=admin, group=group, status="active", on=TODAY))


def test_a_kube_without_a_full_board_cannot_become_active(admin: User) -> None:
    group = GroupFactory()
    MembershipFactory(group=group, role=BoardRole.KETUA)
    for _ in range(4):
        MembershipFactory(group=group)

    message = refusal(lambda: group_set_status(actor=admin, group=group, status="active", on=TODAY))
    assert "complete board" in message
    assert "secretary (sekretaris)" in message and "treasurer (bendahara)" in message
    assert "chair" not in message


def test_a_board_held_by_former_members_does_not_count(admin: User) -> None:
    group = forming_with_board(5)
    ketua = member(group, BoardRole.KETUA)
    ketua.left_on = JOINED
    ketua.save()
    MembershipFactory(group=group)

    assert "chair (ketua)" in refusal(lambda: group_set_status(actor=admin, group=group, status="active", on=TODAY))


@pytest.mark.parametrize("status", ["inactive", "graduated"])
def test_deactivating_or_graduating_a_kube_needs_a_reason(admin: User, status: str) -> None:
    group = kube_with_members(5)

    assert "reason" in refusal(lambda: group_set_status(actor=admin, group=group, status=status, on=TODAY), "reason")
    group.refresh_from_db()
    assert group.status == "active"


@pytest.mark.parametrize("status", ["inactive", "graduated"])
def test_a_kube_is_deactivated_or_graduated_with_a_reason(admin: User, status: str) -> None:
    group = kube_with_members(5)

    group_set_status(actor=admin, group=group, status=status, on=TODAY, reason="  usaha mandiri ")

    group.refresh_from_db()
    assert (group.status, group.status_reason, group.status_changed_on) == (status, "usaha mandiri", TODAY)


def test_an_unknown_status_is_refused_with_a_message(admin: User) -> None:
    group = kube_with_members(5)

    assert "closed" in refusal(lambda: group_set_status(actor=admin, group=group, status="closed", on=TODAY), "status")
    group.refresh_from_db()
    assert group.status == "active"


def test_a_surabaya_officer_cannot_change_the_status_of_a_malang_kube(surabaya_officer: User) -> None:
    group = kube_with_members(5, desa=village(MALANG_VILLAGE))

    refusal(
        lambda: group_set_status(actor=surabaya_officer, group=group, status="inactive", on=TODAY, reason="forged"),
        "group",
    )
    group.refresh_from_db()
    assert group.status == "active"


def test_a_companion_cannot_change_a_kube_status(companion_user: User) -> None:
    group = forming_with_board(5)

    with pytest.raises(PermissionDenied):
        group_set_status(actor=companion_user, group=group, status="active", on=TODAY)


# --- group_delete -----------------------------------------------------------------------------------------


def test_an_empty_kube_can_be_deleted(admin: User) -> None:
    group = create(admin)

    group_delete(actor=admin, group=group)

    assert not Group.objects.exists()


@pytest.mark.parametrize("history", ["member", "former member", "grant"])
def test_a_kube_with_members_or_grants_cannot_be_deleted(admin: User, history: str) -> None:
    group = GroupFactory()
    if history == "grant":
        GrantFactory(group=group)
    else:
        MembershipFactory(group=group, left_on=JOINED if history == "former member" else None)

    assert "set its status" in refusal(lambda: group_delete(actor=admin, group=group))
    assert Group.objects.filter(pk=group.pk).exists()


def test_a_surabaya_officer_cannot_delete_a_malang_kube(surabaya_officer: User) -> None:
    group = GroupFactory(desa=village(MALANG_VILLAGE))

    refusal(lambda: group_delete(actor=surabaya_officer, group=group), "group")
    assert Group.objects.filter(pk=group.pk).exists()


def test_a_companion_cannot_delete_a_kube(companion_user: User) -> None:
    group = GroupFactory()

    with pytest.raises(PermissionDenied):
        group_delete(actor=companion_user, group=group)


# --- membership_add ---------------------------------------------------------------------------------------


def test_membership_add_makes_the_family_a_current_member(admin: User) -> None:
    group = GroupFactory()

    membership = add(admin, group, role=BoardRole.KETUA)

    membership.refresh_from_db()
    assert (membership.group_id, membership.role, membership.joined_on, membership.left_on) == (
        group.pk,
        "ketua",
        JOINED,
        None,
    )


def test_a_member_from_another_desa_is_refused_naming_both_villages(admin: User) -> None:
    group = GroupFactory()  # in Karang Pilang
    family = FamilyFactory(desa=village(KEBRAON), head_name="Slamet Riyadi")

    message = refusal(lambda: add(admin, group, family), "family")

    assert "Slamet Riyadi" in message and "Kebraon" in message and "Karang Pilang" in message
    assert not Membership.objects.exists()


def test_the_21st_member_is_refused(admin: User) -> None:
    group = kube_with_members(20)

    assert "already has 20 members" in refusal(lambda: add(admin, group))
    assert group.memberships.current().count() == 20


def test_a_forming_kube_also_stops_at_20_members(admin: User) -> None:
    group = forming_with_board(20)

    assert "20 members" in refusal(lambda: add(admin, group))


def test_a_scheme_of_at_most_ten_refuses_the_11th_member(admin: User) -> None:
    group = kube_with_members(10, scheme=SchemeFactory(max_members=10))

    assert "already has 10 members" in refusal(lambda: add(admin, group))
    assert group.memberships.current().count() == 10


def test_the_20th_member_is_welcome(admin: User) -> None:
    group = kube_with_members(19)

    add(admin, group)

    assert group.memberships.current().count() == 20


def test_a_family_already_in_another_kube_is_refused_naming_that_kube(admin: User) -> None:
    first = GroupFactory(name="KUBE Melati")
    family = MembershipFactory(group=first).family
    second = GroupFactory()

    message = refusal(lambda: add(admin, second, family), "family")

    assert "KUBE Melati" in message
    assert not second.memberships.exists()


def test_a_family_cannot_join_its_own_kube_twice(admin: User) -> None:
    membership = MembershipFactory()

    refusal(lambda: add(admin, membership.group, membership.family), "family")
    assert Membership.objects.count() == 1


def test_a_family_that_left_a_kube_may_join_another(admin: User) -> None:
    family = MembershipFactory(left_on=JOINED).family

    add(admin, GroupFactory(), family)

    assert family.memberships.current().count() == 1


def test_a_second_ketua_is_refused_with_the_holders_name(admin: User) -> None:
    group = GroupFactory()
    MembershipFactory(group=group, role=BoardRole.KETUA, family__head_name="Siti Aminah")

    message = refusal(lambda: add(admin, group, role=BoardRole.KETUA), "role")

    assert "chair (ketua)" in message and "Siti Aminah" in message
    assert group.memberships.count() == 1


@pytest.mark.parametrize("role", [BoardRole.SEKRETARIS, BoardRole.BENDAHARA])
def test_a_second_holder_of_any_board_role_is_refused(admin: User, role: str) -> None:
    group = GroupFactory()
    MembershipFactory(group=group, role=role)

    refusal(lambda: add(admin, group, role=role), "role")


def test_a_former_ketua_does_not_block_a_new_one(admin: User) -> None:
    group = GroupFactory()
    MembershipFactory(group=group, role=BoardRole.KETUA, left_on=JOINED)

    assert add(admin, group, role=BoardRole.KETUA).role == "ketua"


@pytest.mark.parametrize(
    "status", [Family.Status.MOVED, Family.Status.DECEASED, Family.Status.INACTIVE, Family.Status.GRADUATED]
)
def test_a_family_that_is_not_active_cannot_join(admin: User, status: str) -> None:
    group = GroupFactory()
    family = FamilyFactory(desa=group.desa, status=status)

    assert "Only active families" in refusal(lambda: add(admin, group, family), "family")
    assert not Membership.objects.exists()


def test_an_unknown_board_role_is_refused_with_a_message(admin: User) -> None:
    group = GroupFactory()

    assert "boss" in refusal(lambda: add(admin, group, role="boss"), "role")
    assert not Membership.objects.exists()


def test_a_surabaya_officer_cannot_add_a_member_to_a_malang_kube(surabaya_officer: User) -> None:
    group = GroupFactory(desa=village(MALANG_VILLAGE))

    refusal(lambda: add(surabaya_officer, group), "group")
    assert not Membership.objects.exists()


def test_a_surabaya_officer_cannot_add_a_forged_malang_family(surabaya_officer: User) -> None:
    group = GroupFactory()
    family = FamilyFactory(desa=village(MALANG_VILLAGE))

    refusal(lambda: add(surabaya_officer, group, family), "family")
    assert not Membership.objects.exists()


@pytest.mark.parametrize("role", ["companion_user", "auditor", "evaluator", "norole"])
def test_roles_that_may_not_write_kube_cannot_add_members(role: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        add(request.getfixturevalue(role), GroupFactory())
    assert not Membership.objects.exists()


# --- membership_end ---------------------------------------------------------------------------------------


def test_membership_end_keeps_the_row_as_history(admin: User) -> None:
    group = kube_with_members(6)
    leaving = member(group, BoardRole.ANGGOTA)

    membership_end(actor=admin, membership=leaving, left_on=TODAY, reason=" pindah ")

    leaving.refresh_from_db()
    assert (leaving.left_on, leaving.left_reason) == (TODAY, "pindah")
    assert group.memberships.count() == 6 and group.memberships.current().count() == 5


def test_ending_a_membership_twice_is_refused(admin: User) -> None:
    membership = MembershipFactory(left_on=JOINED)

    assert "already left" in refusal(
        lambda: membership_end(actor=admin, membership=membership, left_on=TODAY, reason="")
    )
    membership.refresh_from_db()
    assert membership.left_on == JOINED


@pytest.mark.parametrize("role", BOARD)
def test_a_board_member_of_an_active_kube_cannot_leave(admin: User, role: str) -> None:
    group = kube_with_members(8)
    holder = member(group, role)

    message = refusal(lambda: membership_end(actor=admin, membership=holder, left_on=TODAY, reason="x"))
    assert f"Give the {BoardRole(role).label} role to another member" in message
    holder.refresh_from_db()
    assert holder.left_on is None


def test_a_board_member_of_a_forming_kube_may_leave(admin: User) -> None:
    group = forming_with_board(3)

    membership_end(actor=admin, membership=member(group, BoardRole.KETUA), left_on=TODAY, reason="x")

    assert current_roles(group) == ["bendahara", "sekretaris"]


def test_leaving_is_refused_when_it_would_drop_an_active_kube_below_five(admin: User) -> None:
    group = kube_with_members(5)

    message = refusal(
        lambda: membership_end(actor=admin, membership=member(group, "anggota"), left_on=TODAY, reason="")
    )
    assert "would have 4" in message
    assert group.memberships.current().count() == 5


def test_a_scheme_minimum_also_holds_when_members_leave(admin: User) -> None:
    group = kube_with_members(8, scheme=SchemeFactory(min_members=8, max_members=12))

    assert "8-12" in refusal(
        lambda: membership_end(actor=admin, membership=member(group, "anggota"), left_on=TODAY, reason="")
    )


def test_a_leaving_date_before_the_joining_date_is_refused(admin: User) -> None:
    membership = MembershipFactory(joined_on=JOINED)

    refusal(
        lambda: membership_end(actor=admin, membership=membership, left_on=JOINED - dt.timedelta(days=1), reason=""),
        "left_on",
    )
    membership.refresh_from_db()
    assert membership.left_on is None


def test_leaving_on_the_joining_day_is_accepted(admin: User) -> None:
    membership = MembershipFactory(joined_on=JOINED)

    assert membership_end(actor=admin, membership=membership, left_on=JOINED, reason="").left_on == JOINED


def test_a_surabaya_officer_cannot_end_a_malang_membership(surabaya_officer: User) -> None:
    membership = MembershipFactory(group=GroupFactory(desa=village(MALANG_VILLAGE)))

    refusal(lambda: membership_end(actor=surabaya_officer, membership=membership, left_on=TODAY, reason=""), "group")


def test_a_companion_cannot_end_a_membership(companion_user: User) -> None:
    with pytest.raises(PermissionDenied):
        membership_end(actor=companion_user, membership=MembershipFactory(), left_on=TODAY, reason="")


# --- membership_set_role ----------------------------------------------------------------------------------


def assert_one_of_each_board_role(group: Group) -> None:
    roles = current_roles(group)
    for role in BOARD:
        assert roles.count(role) == 1, roles


def test_giving_a_member_the_ketua_role_swaps_with_the_old_ketua(admin: User) -> None:
    group = kube_with_members(6)
    old_ketua, newcomer = member(group, BoardRole.KETUA), member(group, BoardRole.ANGGOTA)

    membership_set_role(actor=admin, membership=newcomer, role=BoardRole.KETUA)

    old_ketua.refresh_from_db()
    newcomer.refresh_from_db()
    assert (newcomer.role, old_ketua.role) == ("ketua", "anggota")
    assert_one_of_each_board_role(group)


def test_two_board_members_swap_their_roles(admin: User) -> None:
    group = kube_with_members(5)
    ketua, bendahara = member(group, BoardRole.KETUA), member(group, BoardRole.BENDAHARA)

    membership_set_role(actor=admin, membership=ketua, role=BoardRole.BENDAHARA)

    ketua.refresh_from_db()
    bendahara.refresh_from_db()
    assert (ketua.role, bendahara.role) == ("bendahara", "ketua")
    assert_one_of_each_board_role(group)


def test_a_board_member_of_an_active_kube_cannot_step_down_without_a_successor(admin: User) -> None:
    group = kube_with_members(6)
    sekretaris = member(group, BoardRole.SEKRETARIS)

    assert "secretary (sekretaris)" in refusal(
        lambda: membership_set_role(actor=admin, membership=sekretaris, role=BoardRole.ANGGOTA)
    )
    assert_one_of_each_board_role(group)


def test_a_board_member_of_a_forming_kube_may_step_down(admin: User) -> None:
    group = forming_with_board(4)

    membership_set_role(actor=admin, membership=member(group, BoardRole.KETUA), role=BoardRole.ANGGOTA)

    assert current_roles(group) == ["anggota", "anggota", "bendahara", "sekretaris"]


def test_a_member_takes_an_empty_board_seat(admin: User) -> None:
    group = GroupFactory()
    membership = MembershipFactory(group=group)

    membership_set_role(actor=admin, membership=membership, role=BoardRole.BENDAHARA)

    assert current_roles(group) == ["bendahara"]


def test_a_former_member_cannot_be_given_a_role(admin: User) -> None:
    membership = MembershipFactory(left_on=JOINED)

    assert "already left" in refusal(
        lambda: membership_set_role(actor=admin, membership=membership, role=BoardRole.KETUA)
    )
    membership.refresh_from_db()
    assert membership.role == "anggota"


def test_an_unknown_role_change_is_refused_with_a_message(admin: User) -> None:
    group = kube_with_members(5)

    refusal(lambda: membership_set_role(actor=admin, membership=member(group, "anggota"), role="boss"), "role")
    assert_one_of_each_board_role(group)


def test_giving_a_ketua_the_ketua_role_again_changes_nothing(admin: User) -> None:
    group = kube_with_members(5)
    ketua = member(group, BoardRole.KETUA)

    membership_set_role(actor=admin, membership=ketua, role=BoardRole.KETUA)

    assert_one_of_each_board_role(group)


def test_a_surabaya_officer_cannot_change_roles_in_a_malang_kube(surabaya_officer: User) -> None:
    group = kube_with_members(5, desa=village(MALANG_VILLAGE))

    refusal(
        lambda: membership_set_role(actor=surabaya_officer, membership=member(group, "anggota"), role="ketua"), "group"
    )
    assert_one_of_each_board_role(group)


def test_a_companion_cannot_change_roles(companion_user: User) -> None:
    group = kube_with_members(5)

    with pytest.raises(PermissionDenied):
        membership_set_role(actor=companion_user, membership=member(group, "anggota"), role="ketua")


# --- the database constraints, bypassing the services -----------------------------------------------------


def test_the_database_refuses_two_current_memberships_of_one_family() -> None:
    family = MembershipFactory().family

    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(family=family, group=GroupFactory())
    assert family.memberships.count() == 1


def test_the_database_allows_a_current_membership_beside_former_ones() -> None:
    family = MembershipFactory(left_on=JOINED).family
    MembershipFactory(family=family, left_on=TODAY)

    MembershipFactory(family=family)

    assert family.memberships.current().count() == 1


@pytest.mark.parametrize("role", BOARD)
def test_the_database_refuses_two_current_holders_of_a_board_role(role: str) -> None:
    group = GroupFactory()
    MembershipFactory(group=group, role=role)

    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(group=group, role=role)
    assert group.memberships.count() == 1


def test_the_database_allows_many_anggota_and_former_ketua() -> None:
    group = GroupFactory()
    MembershipFactory(group=group, role=BoardRole.KETUA, left_on=JOINED)
    MembershipFactory(group=group, role=BoardRole.KETUA)
    for _ in range(3):
        MembershipFactory(group=group)

    assert group.memberships.count() == 5


def test_the_database_refuses_leaving_before_joining() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(joined_on=TODAY, left_on=JOINED)


# --- property: no sequence of service calls breaks a KUBE's invariants -------------------------------------

ROLES = st.sampled_from([*BOARD, BoardRole.ANGGOTA, BoardRole.ANGGOTA])
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, 9), ROLES),
        st.tuples(st.just("end"), st.integers(0, 30), st.none()),
        st.tuples(st.just("role"), st.integers(0, 30), ROLES),
        st.tuples(st.just("status"), st.integers(0, 1), st.none()),
    ),
    min_size=1,
    max_size=25,
)


def assert_kube_invariants(group: Group) -> None:
    group.refresh_from_db()
    current = list(Membership.objects.current().filter(group=group).values_list("family_id", "role"))
    families = [f for f, _ in current]
    roles = [r for _, r in current]
    assert not Membership.objects.current().filter(family_id__in=families).exclude(group=group).exists()
    assert len(families) == len(set(families))
    for role in BOARD:
        assert roles.count(role) <= 1, roles
    if group.status == Group.Status.ACTIVE:
        low, high = group.member_range()
        assert low <= len(current) <= high, (group.status, len(current))
        assert all(role in roles for role in BOARD), roles


def _world(start_active: bool, narrow: bool) -> tuple[Group, list[Family]]:
    scheme = SchemeFactory(min_members=5, max_members=7) if narrow else None
    group = kube_with_members(5, scheme=scheme) if start_active else forming_with_board(3)
    if scheme and not start_active:
        group.scheme = scheme
        group.save()
    pool = [FamilyFactory(desa=group.desa) for _ in range(7)]
    pool.append(FamilyFactory(desa=village(KEBRAON)))  # lives elsewhere
    pool.append(MembershipFactory(group=GroupFactory()).family)  # already in another KUBE
    pool.append(FamilyFactory(desa=group.desa, status=Family.Status.MOVED))
    return group, pool


def _step(actor: User, group: Group, pool: list[Family], operation: tuple[str, int, Any]) -> None:
    kind, index, role = operation
    history = list(group.memberships.order_by("pk"))
    if kind == "add":
        membership_add(actor=actor, group=group, family=pool[index], role=role, joined_on=JOINED)
    elif kind == "end" and history:
        membership_end(actor=actor, membership=history[index % len(history)], left_on=TODAY, reason="")
    elif kind == "role" and (current := [m for m in history if m.left_on is None]):
        membership_set_role(actor=actor, membership=current[index % len(current)], role=role)
    elif kind == "status":
        status = Group.Status.ACTIVE if index else Group.Status.FORMING
        group_set_status(actor=actor, group=group, status=status, on=TODAY)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start_active=st.booleans(), narrow=st.booleans(), operations=OPERATIONS)
def test_no_sequence_of_membership_changes_breaks_the_kube_rules(
    admin: User, start_active: bool, narrow: bool, operations: list[tuple[str, int, Any]]
) -> None:
    with transaction.atomic():  # each example starts from nothing: roll its rows back at the end
        group, pool = _world(start_active, narrow)
        assert_kube_invariants(group)
        for operation in operations:
            try:
                _step(admin, group, pool, operation)
                event(f"{operation[0]}: done")  # --hypothesis-show-statistics shows how much really happened
            except ValidationError:
                event(f"{operation[0]}: refused")  # a refusal is fine; what it leaves behind is checked below
            assert_kube_invariants(group)
        transaction.set_rollback(True)
