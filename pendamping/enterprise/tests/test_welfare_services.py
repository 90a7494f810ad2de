"""welfare_record_add / welfare_record_delete: one record per family and day, a decile from 1 to 10, no future
dates, the record at joining once and before every follow-up, members only, and who may write for which family."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.enterprise.models import WelfareRecord
from pendamping.enterprise.services.ledger import welfare_record_add, welfare_record_delete
from pendamping.enterprise.tests.factories import WelfareRecordFactory
from pendamping.registry.models import Family, Group, Membership
from pendamping.registry.tests.factories import MALANG_VILLAGE, FamilyFactory, GroupFactory, MembershipFactory, village

pytestmark = pytest.mark.django_db
JOINED = dt.date(2024, 2, 1)


def refusal(call: Callable[[], Any], field: str | None = None) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    if field is None:
        return " ".join(error.messages)
    assert field in error.message_dict, f"expected an error on {field!r}, got {error.message_dict}"
    return " ".join(error.message_dict[field])


@pytest.fixture
def membership() -> Membership:
    return MembershipFactory(group=GroupFactory(status=Group.Status.ACTIVE), joined_on=JOINED)


@pytest.fixture
def family(membership: Membership) -> Family:
    return membership.family


def add(actor: Any, family: Family, on: dt.date = JOINED, income: Any = "800.000", **extra: Any) -> WelfareRecord:
    return welfare_record_add(actor=actor, family=family, recorded_on=on, monthly_income=income, **extra)


# --- a record -----------------------------------------------------------------------------------------------


def test_a_record_at_joining_is_stored_with_the_kube_of_the_family(
    admin: User, family: Family, membership: Membership
) -> None:
    record = add(admin, family, income="Rp 1.250.000", welfare_decile=2, kind="joining", note=" survei awal ")

    assert (record.kind, record.monthly_income, record.welfare_decile, record.note) == (
        "joining",
        1_250_000,
        2,
        "survei awal",
    )
    assert (record.group_id, record.entered_by) == (membership.group_id, admin)
    assert AuditEntry.objects.filter(action="create", object_id=str(record.pk)).exists()


def test_a_follow_up_is_the_default_kind_and_the_decile_may_be_unknown(admin: User, family: Family) -> None:
    record = add(admin, family, welfare_decile=None)

    assert (record.kind, record.welfare_decile) == ("update", None)


def test_an_income_of_zero_is_a_fact_not_an_error(admin: User, family: Family) -> None:
    assert add(admin, family, income="0").monthly_income == 0


@pytest.mark.parametrize("income", ["-1", "800.000,50", "1.5", "delapan ratus ribu", ""])
def test_a_negative_decimal_or_wordy_income_is_refused(admin: User, family: Family, income: str) -> None:
    assert refusal(lambda: add(admin, family, income=income), "monthly_income")
    assert not WelfareRecord.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize("decile", [0, 11, -1, "abc", 2.5, True])
def test_a_decile_outside_one_to_ten_is_refused(admin: User, family: Family, decile: Any) -> None:
    assert "1 to 10" in refusal(lambda: add(admin, family, welfare_decile=decile), "welfare_decile")


@pytest.mark.parametrize(("decile", "stored"), [(1, 1), (10, 10), ("7", 7), ("", None)])
def test_deciles_from_one_to_ten_are_taken(admin: User, family: Family, decile: Any, stored: int | None) -> None:
    assert add(admin, family, welfare_decile=decile).welfare_decile == stored


def test_a_record_dated_in_the_future_is_refused(admin: User, family: Family) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    assert "future" in refusal(lambda: add(admin, family, on=tomorrow), "recorded_on")


def test_an_unknown_kind_is_refused(admin: User, family: Family) -> None:
    assert refusal(lambda: add(admin, family, kind="baseline"), "kind")


def test_a_second_record_on_the_same_day_is_refused_and_nothing_is_overwritten(admin: User, family: Family) -> None:
    first = add(admin, family, income="800.000")

    message = refusal(lambda: add(admin, family, income="900.000"), "recorded_on")

    assert "already has a welfare record on 2024-02-01" in message
    assert list(WelfareRecord.objects.values_list("pk", "monthly_income")) == [(first.pk, 800_000)]


def test_a_family_never_in_a_kube_is_not_followed_up(admin: User) -> None:
    assert "KUBE members" in refusal(lambda: add(admin, FamilyFactory()), "family")


def test_a_past_member_is_recorded_with_the_kube_of_that_day(admin: User, membership: Membership) -> None:
    Membership.objects.filter(pk=membership.pk).update(left_on=dt.date(2024, 12, 31))
    later = MembershipFactory(family=membership.family, group=GroupFactory(), joined_on=dt.date(2025, 1, 15))

    before = add(admin, membership.family, on=dt.date(2024, 6, 1))
    after = add(admin, membership.family, on=dt.date(2025, 3, 1))

    assert (before.group_id, after.group_id) == (membership.group_id, later.group_id)


# --- joining first, and once --------------------------------------------------------------------------------


def test_the_record_at_joining_comes_only_once(admin: User, family: Family) -> None:
    add(admin, family, kind="joining")

    assert "already has its record at joining" in refusal(
        lambda: add(admin, family, on=JOINED + dt.timedelta(days=1), kind="joining"), "kind"
    )


def test_the_record_at_joining_cannot_come_after_a_follow_up(admin: User, family: Family) -> None:
    add(admin, family, on=dt.date(2024, 6, 1))

    assert "after a follow-up (2024-06-01)" in refusal(
        lambda: add(admin, family, on=dt.date(2024, 7, 1), kind="joining"), "kind"
    )


def test_a_record_at_joining_dated_before_the_follow_ups_is_taken(admin: User, family: Family) -> None:
    add(admin, family, on=dt.date(2024, 6, 1))

    assert add(admin, family, on=dt.date(2024, 1, 20), kind="joining").kind == "joining"


def test_a_follow_up_cannot_come_before_the_record_at_joining(admin: User, family: Family) -> None:
    add(admin, family, kind="joining")

    assert "before the record at joining" in refusal(
        lambda: add(admin, family, on=JOINED - dt.timedelta(days=1)), "recorded_on"
    )


# --- who may write ------------------------------------------------------------------------------------------


def test_the_companion_of_the_familys_kube_records_its_welfare(companion_user: User, membership: Membership) -> None:
    AssignmentFactory(group=membership.group, companion=CompanionFactory(user=companion_user))

    record = add(companion_user, membership.family)
    welfare_record_delete(actor=companion_user, record=record)

    assert not WelfareRecord.objects.exists()


def test_a_companion_cannot_record_a_family_of_another_kube(companion_user: User, family: Family) -> None:
    AssignmentFactory(group=GroupFactory(), companion=CompanionFactory(user=companion_user))
    record = WelfareRecordFactory(family=family)

    assert "not in a KUBE assigned to you" in refusal(lambda: add(companion_user, family), "family")
    assert refusal(lambda: welfare_record_delete(actor=companion_user, record=record), "family")


def test_a_companion_cannot_record_a_family_that_left_their_kube(companion_user: User, membership: Membership) -> None:
    AssignmentFactory(group=membership.group, companion=CompanionFactory(user=companion_user))
    Membership.objects.filter(pk=membership.pk).update(left_on=dt.date(2024, 12, 31))

    assert refusal(lambda: add(companion_user, membership.family), "family")


def test_an_officer_records_only_families_of_their_regencies(surabaya_officer: User, family: Family) -> None:
    malang = MembershipFactory(group=GroupFactory(desa=village(MALANG_VILLAGE))).family

    assert "outside the regencies" in refusal(lambda: add(surabaya_officer, malang), "family")
    assert add(surabaya_officer, family).entered_by == surabaya_officer


@pytest.mark.parametrize("role", ["auditor", "evaluator", "norole"])
def test_roles_without_the_permission_are_refused(role: str, family: Family, request: pytest.FixtureRequest) -> None:
    actor, record = request.getfixturevalue(role), WelfareRecordFactory(family=family)

    with pytest.raises(PermissionDenied):
        add(actor, family, on=dt.date(2024, 6, 1))
    with pytest.raises(PermissionDenied):
        welfare_record_delete(actor=actor, record=record)


def test_a_deleted_record_is_on_the_audit_trail(admin: User, family: Family) -> None:
    record = WelfareRecordFactory(family=family)

    welfare_record_delete(actor=admin, record=record)

    assert not WelfareRecord.objects.exists()
    assert AuditEntry.objects.filter(action="delete", object_id=str(record.pk)).exists()
