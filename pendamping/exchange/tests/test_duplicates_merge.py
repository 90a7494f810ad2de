"""Deciding a possible duplicate: merging two families (what moves, what is refused), dismissing, resolving a
companion who is a member of their own KUBE, and who may decide."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.core.concurrency import StaleRecord
from pendamping.enterprise.models import WelfareRecord
from pendamping.enterprise.tests.factories import WelfareRecordFactory
from pendamping.exchange.models import PossibleDuplicate
from pendamping.exchange.services.duplicates import duplicate_dismiss, duplicate_resolve, duplicates_scan
from pendamping.exchange.services.merge import duplicate_merge
from pendamping.regions.models import Region
from pendamping.registry.models import Family, Membership
from pendamping.registry.tests.factories import (
    FamilyFactory,
    GroupFactory,
    MembershipFactory,
    regency_of,
)

pytestmark = pytest.mark.django_db
KK = "3578010101990001"


def flag_for(a: Family, b: Family, *, reason: str = "kk_name") -> PossibleDuplicate:
    first, second = sorted((a.pk, b.pk))
    return PossibleDuplicate.objects.create(
        reason=reason, first_id=first, second_id=second, regency_id=a.regency_id, score=0.9
    )


def twins(**fields: Any) -> tuple[Family, Family]:
    """Two registrations of one household: the older one kept in the tests."""
    keep = FamilyFactory(kk_number=KK, head_name="Slamet Riyadi", address="", dtks_id="", **fields)
    other = FamilyFactory(kk_number=KK, head_name="H. Slamet Riyadi", address="Jl. Kenanga 4", dtks_id="DT-77")
    return keep, other


def test_a_merge_moves_memberships_and_welfare_records_and_deletes_the_other(surabaya_officer: User) -> None:
    keep, other = twins()
    membership = MembershipFactory(group=GroupFactory(desa=keep.desa), family=other)
    old = MembershipFactory(family=keep, joined_on=dt.date(2020, 1, 1), left_on=dt.date(2021, 1, 1))
    WelfareRecordFactory(family=other, recorded_on=dt.date(2024, 1, 15))
    WelfareRecordFactory(family=keep, recorded_on=dt.date(2024, 2, 15))
    flag = flag_for(keep, other)

    kept = duplicate_merge(actor=surabaya_officer, duplicate=flag, keep_id=keep.pk)

    assert kept == keep and not Family.objects.filter(pk=other.pk).exists()
    assert set(Membership.objects.filter(family=keep)) == {membership, old}
    assert WelfareRecord.objects.filter(family=keep).count() == 2
    keep.refresh_from_db()
    assert (keep.address, keep.dtks_id, keep.head_name, keep.version) == ("Jl. Kenanga 4", "DT-77", "Slamet Riyadi", 2)
    flag.refresh_from_db()
    assert (flag.status, flag.decided_by) == ("merged", surabaya_officer) and str(keep.pk) in flag.note
    actions = set(AuditEntry.objects.values_list("action", "content_type__model", "object_id"))
    assert {("delete", "family", str(other.pk)), ("update", "family", str(keep.pk))} <= actions
    assert ("update", "membership", str(membership.pk)) in actions
    assert ("update", "possibleduplicate", str(flag.pk)) in actions


def test_a_merge_closes_the_other_open_flags_naming_the_family_removed(admin: User) -> None:
    keep, other = twins()
    third = FamilyFactory(kk_number=KK, head_name="Slamet R.")
    flag, naming_other, naming_keep = flag_for(keep, other), flag_for(other, third), flag_for(keep, third)

    duplicate_merge(actor=admin, duplicate=flag, keep_id=keep.pk)

    naming_other.refresh_from_db()
    naming_keep.refresh_from_db()
    assert naming_other.status == "merged" and f"flag {flag.pk}" in naming_other.note
    assert naming_keep.status == "open"  # still a question: keep and third


def test_a_merge_is_refused_when_both_families_are_current_kube_members(surabaya_officer: User) -> None:
    keep, other = twins()
    MembershipFactory(group=GroupFactory(desa=keep.desa, name="KUBE Mawar"), family=keep)
    MembershipFactory(group=GroupFactory(desa=keep.desa, name="KUBE Melati"), family=other)
    flag = flag_for(keep, other)

    with pytest.raises(ValidationError, match="end one membership first") as exc:
        duplicate_merge(actor=surabaya_officer, duplicate=flag, keep_id=keep.pk)

    assert "KUBE Mawar" in str(exc.value) and "KUBE Melati" in str(exc.value)
    assert Family.objects.filter(pk=other.pk).exists() and Membership.objects.filter(family=other).exists()
    flag.refresh_from_db()
    assert flag.status == "open"


def test_a_merge_that_would_break_a_unique_rule_is_refused_naming_it(surabaya_officer: User) -> None:
    keep, other = twins()
    WelfareRecordFactory(family=keep, recorded_on=dt.date(2024, 1, 15))
    WelfareRecordFactory(family=other, recorded_on=dt.date(2024, 1, 15))

    with pytest.raises(ValidationError, match="welfare_one_per_family_date") as exc:
        duplicate_merge(actor=surabaya_officer, duplicate=flag_for(keep, other), keep_id=keep.pk)

    assert "2024-01-15" in str(exc.value)
    assert WelfareRecord.objects.filter(family=other).count() == 1


def test_a_merge_is_refused_when_the_kept_family_lives_outside_the_kube_village(admin: User) -> None:
    keep, other = twins()
    elsewhere = Region.objects.filter(level="desa_kelurahan", code__startswith="35.78.").exclude(pk=keep.desa_id)[0]
    Family.objects.filter(pk=keep.pk).update(desa=elsewhere, regency=regency_of(elsewhere))
    MembershipFactory(group=GroupFactory(desa=other.desa, name="KUBE Kenanga"), family=other)

    with pytest.raises(ValidationError, match="KUBE Kenanga"):
        duplicate_merge(actor=admin, duplicate=flag_for(other, keep), keep_id=keep.pk)


def test_keep_id_must_name_one_of_the_two_families(surabaya_officer: User) -> None:
    keep, other = twins()

    with pytest.raises(ValidationError) as exc:
        duplicate_merge(actor=surabaya_officer, duplicate=flag_for(keep, other), keep_id=FamilyFactory().pk)

    assert "keep_id" in exc.value.message_dict


def test_a_decided_flag_cannot_be_decided_again(surabaya_officer: User, admin: User) -> None:
    keep, other = twins()
    flag = flag_for(keep, other)
    duplicate_dismiss(actor=admin, duplicate=flag, note="dua orang")

    with pytest.raises(StaleRecord, match="already decided"):
        duplicate_merge(actor=surabaya_officer, duplicate=flag, keep_id=keep.pk)
    with pytest.raises(StaleRecord, match="admin"):
        duplicate_dismiss(actor=surabaya_officer, duplicate=flag, note="lagi")
    assert Family.objects.filter(pk=other.pk).exists()


def test_dismissing_needs_a_note(surabaya_officer: User) -> None:
    flag = flag_for(*twins())

    with pytest.raises(ValidationError) as exc:
        duplicate_dismiss(actor=surabaya_officer, duplicate=flag, note="   ")

    assert "note" in exc.value.message_dict
    flag.refresh_from_db()
    assert flag.status == "open"


def test_an_officer_of_another_regency_cannot_decide(malang_officer: User) -> None:
    keep, other = twins()
    flag = flag_for(keep, other)

    with pytest.raises(ValidationError, match="outside the regencies"):
        duplicate_merge(actor=malang_officer, duplicate=flag, keep_id=keep.pk)
    with pytest.raises(ValidationError, match="outside the regencies"):
        duplicate_dismiss(actor=malang_officer, duplicate=flag, note="x")
    flag.refresh_from_db()
    assert flag.status == "open"


@pytest.mark.parametrize("role", ["auditor", "companion_user", "evaluator"])
def test_only_admins_and_officers_review_duplicates(role: str, request: pytest.FixtureRequest) -> None:
    keep, other = twins()

    with pytest.raises(PermissionDenied):
        duplicate_merge(actor=request.getfixturevalue(role), duplicate=flag_for(keep, other), keep_id=keep.pk)


# --- a companion who is a member of a KUBE they accompany ------------------------------------------------------


def companion_case() -> tuple[PossibleDuplicate, Any]:
    family = FamilyFactory(head_name="Dewi Lestari")
    group = GroupFactory(desa=family.desa, name="KUBE Anggrek")
    MembershipFactory(group=group, family=family)
    assignment = AssignmentFactory(group=group, companion=CompanionFactory(nik=family.nik, name="Dewi Lestari"))
    duplicates_scan()
    return PossibleDuplicate.objects.get(reason="companion_member"), assignment


def test_a_companion_flag_is_never_merged(surabaya_officer: User) -> None:
    flag, _ = companion_case()

    with pytest.raises(ValidationError, match="different records"):
        duplicate_merge(actor=surabaya_officer, duplicate=flag, keep_id=flag.second_id)


def test_a_companion_flag_is_resolved_only_once_the_conflict_is_gone(surabaya_officer: User) -> None:
    flag, assignment = companion_case()

    with pytest.raises(ValidationError, match="KUBE Anggrek"):
        duplicate_resolve(actor=surabaya_officer, duplicate=flag, note="sudah diganti")
    assignment.ended_on = dt.date(2024, 6, 30)
    assignment.save()
    duplicate_resolve(actor=surabaya_officer, duplicate=flag, note="pendamping diganti")

    flag.refresh_from_db()
    assert (flag.status, flag.note) == ("merged", "pendamping diganti")


def test_a_family_pair_is_not_resolved_but_merged_or_dismissed(surabaya_officer: User) -> None:
    with pytest.raises(ValidationError, match="merge or dismiss"):
        duplicate_resolve(actor=surabaya_officer, duplicate=flag_for(*twins()), note="x")
