"""The audit trail: every service write records one entry per changed row (who, through which door, what,
values before and after), and a refused call leaves neither an entry nor a partial write."""

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.audit.services import audit_record, diff, snapshot
from pendamping.companions.models import Assignment, Companion
from pendamping.companions.services import assignment_create, assignment_end, companion_create, companion_update
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.core.concurrency import StaleRecord
from pendamping.core.context import current_door, door
from pendamping.registry.models import BoardRole, Family, Grant, Group, Membership, Tranche
from pendamping.registry.services import (
    family_create,
    family_delete,
    family_update,
    grant_create,
    grant_update,
    group_create,
    group_delete,
    group_set_status,
    group_update,
    membership_add,
    membership_end,
    membership_set_role,
    tranche_add,
)
from pendamping.registry.tests.factories import (
    SURABAYA_VILLAGE,
    FamilyFactory,
    GrantFactory,
    GroupFactory,
    MembershipFactory,
    SchemeFactory,
    kube_with_members,
)

NIK = "3578014501900001"  # a woman born 5 January 1990, kec. Karang Pilang (Surabaya)
DAY = dt.date(2024, 3, 1)
Call = Callable[[], Any]
Expected = list[tuple[type[models.Model], str]]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _id(scenario: Any) -> str:
    return str(scenario.__name__).removeprefix("_refused_").strip("_")


def new_entries(after_id: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(id__gt=after_id).order_by("id"))


def last_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def family(actor: Any, **fields: Any) -> Family:
    data = {"nik": NIK, "desa_code": SURABAYA_VILLAGE, "kk_number": "3578010000000001", "head_name": "Siti Aminah"}
    return family_create(actor=actor, **{**data, **fields})


def member(group: Group, role: str) -> Membership:
    return group.memberships.current().filter(role=role).first() or pytest.fail(f"no {role}")


# --- one entry per changed row, for every service write ---------------------------------------------------
# Each scenario sets up what it needs and returns the write to audit and the rows it must record.


def _family_create(a: User) -> tuple[Call, Expected]:
    return lambda: family(a), [(Family, "create")]


def _family_update(a: User) -> tuple[Call, Expected]:
    f = FamilyFactory()
    return lambda: family_update(actor=a, family=f, address="Jl. Baru"), [(Family, "update")]


def _family_delete(a: User) -> tuple[Call, Expected]:
    f = FamilyFactory()
    return lambda: family_delete(actor=a, family=f), [(Family, "delete")]


def _group_create(a: User) -> tuple[Call, Expected]:
    data = {"desa_code": SURABAYA_VILLAGE, "name": "KUBE", "sector": "trade", "founded_on": DAY}
    return lambda: group_create(actor=a, **data), [(Group, "create")]


def _group_update(a: User) -> tuple[Call, Expected]:
    g = GroupFactory()
    return lambda: group_update(actor=a, group=g, name="KUBE Baru"), [(Group, "update")]


def _group_set_status(a: User) -> tuple[Call, Expected]:
    g = kube_with_members(5)
    return lambda: group_set_status(actor=a, group=g, status="inactive", on=DAY, reason="x"), [(Group, "update")]


def _group_delete(a: User) -> tuple[Call, Expected]:
    g = GroupFactory()
    return lambda: group_delete(actor=a, group=g), [(Group, "delete")]


def _membership_add(a: User) -> tuple[Call, Expected]:
    g = GroupFactory()
    f = FamilyFactory(desa=g.desa)
    return lambda: membership_add(actor=a, group=g, family=f, joined_on=DAY), [(Membership, "create")]


def _membership_end(a: User) -> tuple[Call, Expected]:
    m = MembershipFactory()
    return lambda: membership_end(actor=a, membership=m, left_on=DAY, reason="x"), [(Membership, "update")]


def _membership_role_swap(a: User) -> tuple[Call, Expected]:
    g = kube_with_members(6)
    m = member(g, BoardRole.ANGGOTA)
    return lambda: membership_set_role(actor=a, membership=m, role="ketua"), [
        (Membership, "update"),
        (Membership, "update"),
    ]


def _membership_role_empty_seat(a: User) -> tuple[Call, Expected]:
    m = MembershipFactory()
    return lambda: membership_set_role(actor=a, membership=m, role="bendahara"), [(Membership, "update")]


def _grant_create(a: User) -> tuple[Call, Expected]:
    g = GroupFactory()
    return lambda: grant_create(actor=a, group=g, amount="5.000.000", source="apbn", year=2024), [(Grant, "create")]


def _grant_create_with_tranches(a: User) -> tuple[Call, Expected]:
    g = GroupFactory()
    tranches = [("2.000.000", DAY), ("3.000.000", DAY)]
    return lambda: grant_create(actor=a, group=g, amount="5.000.000", source="apbn", year=2024, tranches=tranches), [
        (Grant, "create"),
        (Tranche, "create"),
        (Tranche, "create"),
    ]


def _grant_update(a: User) -> tuple[Call, Expected]:
    g = GrantFactory()
    return lambda: grant_update(actor=a, grant=g, amount="12.000.000"), [(Grant, "update")]


def _tranche_add(a: User) -> tuple[Call, Expected]:
    g = GrantFactory()
    return lambda: tranche_add(actor=a, grant=g, amount="1.000.000", disbursed_on=DAY), [(Tranche, "create")]


def _companion_create(a: User) -> tuple[Call, Expected]:
    data = {"nik": NIK, "home_desa_code": SURABAYA_VILLAGE, "name": "Dewi", "education": "s1"}
    return lambda: companion_create(actor=a, **data), [(Companion, "create")]


def _companion_update(a: User) -> tuple[Call, Expected]:
    c = CompanionFactory()
    return lambda: companion_update(actor=a, companion=c, phone="081111111111"), [(Companion, "update")]


def _assignment_create(a: User) -> tuple[Call, Expected]:
    c, g = CompanionFactory(), GroupFactory()
    return lambda: assignment_create(actor=a, companion=c, group=g, started_on=DAY), [(Assignment, "create")]


def _assignment_replace(a: User) -> tuple[Call, Expected]:
    old, c = AssignmentFactory(started_on=dt.date(2023, 1, 1)), CompanionFactory()
    return lambda: assignment_create(actor=a, companion=c, group=old.group, started_on=DAY, replace=True), [
        (Assignment, "update"),
        (Assignment, "create"),
    ]


def _assignment_end(a: User) -> tuple[Call, Expected]:
    x = AssignmentFactory(started_on=dt.date(2023, 1, 1))
    return lambda: assignment_end(actor=a, assignment=x, ended_on=DAY), [(Assignment, "update")]


WRITES = [
    _family_create,
    _family_update,
    _family_delete,
    _group_create,
    _group_update,
    _group_set_status,
    _group_delete,
    _membership_add,
    _membership_end,
    _membership_role_swap,
    _membership_role_empty_seat,
    _grant_create,
    _grant_create_with_tranches,
    _grant_update,
    _tranche_add,
    _companion_create,
    _companion_update,
    _assignment_create,
    _assignment_replace,
    _assignment_end,
]


@pytest.mark.parametrize("scenario", WRITES, ids=[_id(w) for w in WRITES])
def test_every_service_write_records_one_entry_per_changed_row(
    admin: User, scenario: Callable[[User], tuple[Call, Expected]]
) -> None:
    call, expected = scenario(admin)
    mark = last_id()

    call()

    entries = new_entries(mark)
    assert sorted((e.content_type.model_class().__name__, e.action) for e in entries) == sorted(  # type: ignore[union-attr]
        (model.__name__, action) for model, action in expected
    )
    assert len({(e.content_type_id, e.object_id) for e in entries}) == len(entries), "one entry per row"
    for entry in entries:
        assert (entry.actor, entry.actor_name, entry.door) == (admin, "admin", "system")
        assert entry.changes, "an entry records what changed"


# --- what an entry holds ----------------------------------------------------------------------------------


def test_a_create_records_every_value_as_after(admin: User) -> None:
    created = family(admin, monthly_income="1.500.000")

    entry = AuditEntry.objects.get()

    assert (entry.action, entry.object_id, entry.object_repr) == ("create", str(created.pk), "Siti Aminah")
    assert entry.content_type.model_class() is Family
    assert entry.changes["nik"] == [None, NIK]
    assert entry.changes["birth_date"] == [None, "1990-01-05"]
    assert entry.changes["sex"] == [None, "F"]
    assert entry.changes["desa_id"] == [None, SURABAYA_VILLAGE]
    assert entry.changes["monthly_income"] == [None, 1_500_000]
    assert set(entry.changes) == {k for k, v in snapshot(created).items() if v is not None}  # empty stays out


def test_an_update_records_only_the_changed_values_before_and_after(admin: User) -> None:
    f = family(admin, address="Jl. Lama")
    mark = last_id()

    family_update(actor=admin, family=f, version=1, address="Jl. Baru", monthly_income="Rp 750.000")

    (entry,) = new_entries(mark)
    assert entry.action == "update"
    assert entry.changes["address"] == ["Jl. Lama", "Jl. Baru"]
    assert entry.changes["monthly_income"] == [0, 750_000]
    assert entry.changes["version"] == [1, 2]
    assert not {"nik", "head_name", "desa_id", "kk_number"} & entry.changes.keys()


def test_a_delete_records_every_value_as_before(admin: User) -> None:
    f = family(admin)
    pk = f.pk
    mark = last_id()

    family_delete(actor=admin, family=f)

    (entry,) = new_entries(mark)
    assert (entry.action, entry.object_id) == ("delete", str(pk))
    assert entry.changes["nik"] == [NIK, None]
    assert entry.changes["head_name"] == ["Siti Aminah", None]


def test_a_role_swap_records_both_members_old_and_new_roles(admin: User) -> None:
    g = kube_with_members(6)
    ketua, newcomer = member(g, BoardRole.KETUA), member(g, BoardRole.ANGGOTA)
    mark = last_id()

    membership_set_role(actor=admin, membership=newcomer, role=BoardRole.KETUA)

    changes = {e.object_id: e.changes for e in new_entries(mark)}
    assert changes == {str(newcomer.pk): {"role": ["anggota", "ketua"]}, str(ketua.pk): {"role": ["ketua", "anggota"]}}


def test_ending_a_membership_records_the_leaving_date_and_reason(admin: User) -> None:
    m = MembershipFactory()
    mark = last_id()

    membership_end(actor=admin, membership=m, left_on=DAY, reason="pindah")

    (entry,) = new_entries(mark)
    assert entry.changes == {"left_on": [None, "2024-03-01"], "left_reason": ["", "pindah"]}


def test_a_replacement_records_the_relieved_companion_and_the_new_one(admin: User) -> None:
    old = AssignmentFactory(started_on=dt.date(2023, 1, 1))
    mark = last_id()

    new = assignment_create(actor=admin, companion=CompanionFactory(), group=old.group, started_on=DAY, replace=True)

    ended, created = new_entries(mark)
    assert (ended.object_id, ended.action, ended.changes["ended_on"]) == (str(old.pk), "update", [None, "2024-03-01"])
    assert (created.object_id, created.action) == (str(new.pk), "create")


def test_a_write_by_the_system_is_recorded_as_system() -> None:
    family(None)

    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_name) == (None, "system")


def test_an_entry_keeps_the_actors_name_when_the_user_is_deleted(admin: User) -> None:
    family(admin)

    admin.delete()

    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_name) == (None, "admin")


def test_diff_lists_only_the_keys_that_changed() -> None:
    assert diff({"a": 1, "b": 2, "c": None}, {"a": 1, "b": 3, "d": 4}) == {"b": [2, 3], "d": [None, 4]}


def test_snapshot_gives_json_ready_values(admin: User) -> None:
    values = snapshot(family(admin))

    assert values["birth_date"] == "1990-01-05"
    assert values["regency_id"] == "35.78"
    assert isinstance(values["created_at"], str)


# --- the door a write came through ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cli", "api", "web", "admin", "import"])
def test_the_door_context_sets_the_door_of_the_entry(admin: User, name: str) -> None:
    with door(name):
        family(admin)

    assert AuditEntry.objects.get().door == name


def test_a_write_outside_any_door_is_recorded_as_system(admin: User) -> None:
    family(admin)

    assert AuditEntry.objects.get().door == "system"


def test_the_door_is_restored_after_the_context_even_when_the_write_fails(admin: User) -> None:
    with door("api"), pytest.raises(ValidationError), door("cli"):
        family(admin, nik="123")
    assert current_door() == "system"


def test_nested_doors_restore_the_outer_one(admin: User) -> None:
    with door("cli"):
        with door("import"):
            family(admin)
        audit_record(actor=admin, action="update", obj=Family.objects.get(), before={}, after={"x": 1})

    assert list(AuditEntry.objects.order_by("id").values_list("door", flat=True)) == ["import", "cli"]


# --- a refused call leaves nothing behind -----------------------------------------------------------------

TABLES: list[type[models.Model]] = [Family, Group, Membership, Grant, Tranche, Companion, Assignment, AuditEntry]


def database_state() -> dict[str, list[dict[str, Any]]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in TABLES}  # type: ignore[attr-defined]


def _refused_duplicate_nik(a: User) -> Call:
    family(a)
    return lambda: family(a, kk_number="3578010000000002")


def _refused_stale_update(a: User) -> Call:
    f = family(a)
    family_update(actor=a, family=f, version=1, address="first")
    return lambda: family_update(actor=a, family=f, version=1, address="second")


def _refused_family_move(a: User) -> Call:
    m = MembershipFactory()
    return lambda: family_update(actor=a, family=m.family, desa_code="35.78.01.1002", address="moved")


def _refused_scheme_after_save(a: User) -> Call:
    # group_update saves the row before it checks the member count: the transaction must undo that save.
    g = kube_with_members(12)
    s = SchemeFactory(max_members=10)
    return lambda: group_update(actor=a, group=g, scheme=s, name="Renamed")


def _refused_21st_member(a: User) -> Call:
    g = kube_with_members(20)
    f = FamilyFactory(desa=g.desa)
    return lambda: membership_add(actor=a, group=g, family=f, joined_on=DAY)


def _refused_board_step_down(a: User) -> Call:
    g = kube_with_members(5)
    return lambda: membership_set_role(actor=a, membership=member(g, "ketua"), role="anggota")


def _refused_board_member_leaving(a: User) -> Call:
    g = kube_with_members(8)
    return lambda: membership_end(actor=a, membership=member(g, "bendahara"), left_on=DAY, reason="")


def _refused_second_tranche(a: User) -> Call:
    # grant_create has saved and audited the grant and its first tranche when the second is refused.
    g = GroupFactory()
    tranches = [("4.000.000", DAY), ("7.000.000", DAY)]
    return lambda: grant_create(actor=a, group=g, amount="10.000.000", source="apbn", year=2024, tranches=tranches)


def _refused_grant_lowered(a: User) -> Call:
    g = GrantFactory(amount=10_000_000)
    tranche_add(actor=a, grant=g, amount="6.000.000", disbursed_on=DAY)
    return lambda: grant_update(actor=a, grant=g, amount="5.000.000", note="lowered")


def _refused_replacement(a: User) -> Call:
    # The relieving date is before the current companion started: nothing may be ended or created.
    old = AssignmentFactory(started_on=dt.date(2024, 5, 1))
    c = CompanionFactory()
    return lambda: assignment_create(actor=a, companion=c, group=old.group, started_on=DAY, replace=True)


def _refused_companion_phone(a: User) -> Call:
    c = CompanionFactory()
    return lambda: companion_update(actor=a, companion=c, caseload_limit=5, phone="12")


REFUSALS = [
    _refused_duplicate_nik,
    _refused_stale_update,
    _refused_family_move,
    _refused_scheme_after_save,
    _refused_21st_member,
    _refused_board_step_down,
    _refused_board_member_leaving,
    _refused_second_tranche,
    _refused_grant_lowered,
    _refused_replacement,
    _refused_companion_phone,
]


@pytest.mark.parametrize("scenario", REFUSALS, ids=[_id(r) for r in REFUSALS])
def test_a_refused_call_leaves_no_audit_entry_and_no_partial_write(
    admin: User, scenario: Callable[[User], Call]
) -> None:
    call = scenario(admin)
    before = database_state()

    with pytest.raises(ValidationError):
        call()

    assert database_state() == before


def test_a_stale_record_is_refused_as_such(admin: User) -> None:
    with pytest.raises(StaleRecord):
        _refused_stale_update(admin)()
