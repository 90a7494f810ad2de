"""iks_contribute / iks_use / iks_entry_delete: amounts as people type them, a fund that never goes below zero
(on any day of its ledger), dates, the permission and the scope of companions and officers, and the audit."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.enterprise.models import IksEntry
from pendamping.enterprise.selectors.ledger import iks_balance
from pendamping.enterprise.services.ledger import (
    iks_available,
    iks_contribute,
    iks_entry_delete,
    iks_lowest_balance,
    iks_use,
)
from pendamping.enterprise.tests.factories import IksEntryFactory, MonthlyReportFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, village

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 10)


def refusal(call: Callable[[], Any], field: str | None = None) -> str:
    """Run a call that must be refused; return the messages (of `field`, if given) as one string."""
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    if field is None:
        return " ".join(error.messages)
    assert field in error.message_dict, f"expected an error on {field!r}, got {error.message_dict}"
    return " ".join(error.message_dict[field])


@pytest.fixture
def group() -> Group:
    return GroupFactory(status=Group.Status.ACTIVE)


def contribute(actor: Any, group: Group, amount: Any = "100.000", on: dt.date = DAY) -> IksEntry:
    return iks_contribute(actor=actor, group=group, on=on, amount=amount)


def use(actor: Any, group: Group, amount: Any, on: dt.date = DAY, purpose: str = "Bantuan anggota sakit") -> IksEntry:
    return iks_use(actor=actor, group=group, on=on, amount=amount, purpose=purpose, recipient="Bu Sri")


# --- contributions ------------------------------------------------------------------------------------------


def test_a_contribution_typed_with_separators_is_stored_in_whole_rupiah(admin: User, group: Group) -> None:
    entry = contribute(admin, group, "Rp 1.250.000")

    assert (entry.kind, entry.amount, entry.entered_by) == (IksEntry.Kind.IN, 1_250_000, admin)
    assert iks_balance(group=group) == 1_250_000
    assert AuditEntry.objects.filter(action="create", object_id=str(entry.pk)).exists()


@pytest.mark.parametrize("amount", ["-5000", "0", "150.000,50", "12.5", "seratus ribu", ""])
def test_negative_zero_decimal_or_wordy_amounts_are_refused(admin: User, group: Group, amount: str) -> None:
    assert refusal(lambda: contribute(admin, group, amount), "amount")
    assert not IksEntry.objects.exists() and not AuditEntry.objects.exists()


def test_a_contribution_dated_in_the_future_is_refused(admin: User, group: Group) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    assert "future" in refusal(lambda: contribute(admin, group, on=tomorrow), "on")


def test_a_contribution_before_the_kube_was_founded_is_refused(admin: User, group: Group) -> None:
    assert "founded" in refusal(lambda: contribute(admin, group, on=group.founded_on - dt.timedelta(days=1)), "on")


def test_the_system_may_record_a_contribution(group: Group) -> None:
    assert contribute(None, group).entered_by is None


# --- uses ---------------------------------------------------------------------------------------------------


def test_a_use_within_the_balance_is_recorded(admin: User, group: Group) -> None:
    contribute(admin, group, "300.000")

    entry = use(admin, group, "120.000")

    assert (entry.kind, entry.amount, entry.purpose, entry.recipient) == (
        "out",
        120_000,
        "Bantuan anggota sakit",
        "Bu Sri",
    )
    assert iks_balance(group=group) == 180_000


def test_a_use_of_the_whole_balance_is_allowed(admin: User, group: Group) -> None:
    contribute(admin, group, "300.000")

    use(admin, group, 300_000)

    assert iks_balance(group=group) == 0


def test_a_use_exceeding_the_balance_is_refused_and_the_message_states_the_balance(admin: User, group: Group) -> None:
    contribute(admin, group, "300.000")

    message = refusal(lambda: use(admin, group, "300.001"), "amount")

    assert "Rp 300.000" in message and "300.001" in message
    assert iks_balance(group=group) == 300_000 and IksEntry.objects.count() == 1


def test_a_use_of_an_empty_fund_is_refused(admin: User, group: Group) -> None:
    assert "Rp 0" in refusal(lambda: use(admin, group, 1), "amount")


def test_a_use_dated_before_the_money_came_in_is_refused(admin: User, group: Group) -> None:
    contribute(admin, group, "300.000", on=DAY)

    message = refusal(lambda: use(admin, group, "100.000", on=DAY - dt.timedelta(days=1)), "amount")

    assert "Rp 0" in message


def test_a_backdated_use_may_not_spend_what_a_later_use_already_took(admin: User, group: Group) -> None:
    """Balance 300,000 on the 10th; 250,000 used on the 20th. A use dated the 15th may take only 50,000,
    or the 20th would go below zero."""
    contribute(admin, group, "300.000", on=DAY)
    use(admin, group, "250.000", on=DAY + dt.timedelta(days=10))

    assert iks_available(group=group, on=DAY + dt.timedelta(days=5)) == 50_000
    assert "Rp 50.000" in refusal(lambda: use(admin, group, "60.000", on=DAY + dt.timedelta(days=5)), "amount")
    use(admin, group, "50.000", on=DAY + dt.timedelta(days=5))
    assert iks_balance(group=group) == 0


def test_contributions_recorded_with_a_report_count_in_the_balance(admin: User, group: Group) -> None:
    report = MonthlyReportFactory(group=group, period=dt.date(2025, 2, 1))
    IksEntryFactory(group=group, report=report, on=dt.date(2025, 2, 28), amount=200_000)

    use(admin, group, "200.000")

    assert iks_balance(group=group) == 0


@pytest.mark.parametrize("purpose", ["", "   "])
def test_a_use_needs_a_purpose(admin: User, group: Group, purpose: str) -> None:
    contribute(admin, group)

    assert refusal(lambda: use(admin, group, 1000, purpose=purpose), "purpose")


@pytest.mark.parametrize("amount", ["-5000", "0", "1.000,5"])
def test_a_use_with_a_bad_amount_is_refused(admin: User, group: Group, amount: str) -> None:
    contribute(admin, group)

    assert refusal(lambda: use(admin, group, amount), "amount")


def test_a_use_dated_in_the_future_is_refused(admin: User, group: Group) -> None:
    contribute(admin, group)

    assert refusal(lambda: use(admin, group, 1000, on=timezone.localdate() + dt.timedelta(days=1)), "on")


# --- deleting -----------------------------------------------------------------------------------------------


def test_a_direct_contribution_can_be_deleted_while_the_balance_stays_above_zero(admin: User, group: Group) -> None:
    first, _second = contribute(admin, group, "100.000"), contribute(admin, group, "100.000")
    use(admin, group, "100.000")

    iks_entry_delete(actor=admin, entry=first)

    assert iks_balance(group=group) == 0
    assert AuditEntry.objects.filter(action="delete", object_id=str(first.pk)).exists()


def test_a_contribution_already_spent_cannot_be_deleted(admin: User, group: Group) -> None:
    entry = contribute(admin, group, "100.000")
    use(admin, group, "60.000")

    assert "Rp -60.000" in refusal(lambda: iks_entry_delete(actor=admin, entry=entry))
    assert IksEntry.objects.filter(pk=entry.pk).exists()
    assert iks_balance(group=group) == 40_000


def test_a_contribution_spent_before_a_later_one_came_in_cannot_be_deleted(admin: User, group: Group) -> None:
    """The total would stay positive (300,000 in, 100,000 out), but on the 20th the fund would have been at
    -100,000: the use spent money that only this contribution had brought."""
    first = contribute(admin, group, "100.000", on=DAY)
    use(admin, group, "100.000", on=DAY + dt.timedelta(days=10))
    contribute(admin, group, "200.000", on=DAY + dt.timedelta(days=20))

    assert iks_lowest_balance(group=group) == 0
    assert iks_lowest_balance(group=group, changed=first.pk, amount=0) == -100_000
    assert iks_lowest_balance(group=group, changed=first.pk, amount=150_000) == 0
    assert "Rp -100.000" in refusal(lambda: iks_entry_delete(actor=admin, entry=first))


def test_a_use_can_always_be_deleted(admin: User, group: Group) -> None:
    contribute(admin, group, "100.000")
    spent = use(admin, group, "60.000")

    iks_entry_delete(actor=admin, entry=spent)

    assert iks_balance(group=group) == 100_000


def test_a_contribution_recorded_with_a_report_changes_only_with_the_report(admin: User, group: Group) -> None:
    report = MonthlyReportFactory(group=group, period=dt.date(2025, 2, 1))
    entry = IksEntryFactory(group=group, report=report, on=dt.date(2025, 2, 28))

    assert "monthly report" in refusal(lambda: iks_entry_delete(actor=admin, entry=entry))
    assert IksEntry.objects.filter(pk=entry.pk).exists()


# --- who may write ------------------------------------------------------------------------------------------


def test_the_assigned_companion_records_the_iks_of_their_kube(companion_user: User, group: Group) -> None:
    AssignmentFactory(group=group, companion=CompanionFactory(user=companion_user))

    contribute(companion_user, group)
    use(companion_user, group, 1000)

    assert iks_balance(group=group) == 99_000


def test_a_companion_cannot_write_the_iks_of_another_kube(companion_user: User, group: Group) -> None:
    AssignmentFactory(group=GroupFactory(), companion=CompanionFactory(user=companion_user))
    entry = IksEntryFactory(group=group)

    assert "not assigned" in refusal(lambda: contribute(companion_user, group), "group")
    assert refusal(lambda: use(companion_user, group, 1), "group")
    assert refusal(lambda: iks_entry_delete(actor=companion_user, entry=entry), "group")


def test_an_officer_writes_only_the_iks_of_their_regencies(surabaya_officer: User) -> None:
    malang = GroupFactory(desa=village(MALANG_VILLAGE), status=Group.Status.ACTIVE)

    assert refusal(lambda: contribute(surabaya_officer, malang), "group")
    contribute(surabaya_officer, GroupFactory())


@pytest.mark.parametrize("role", ["auditor", "evaluator", "norole"])
def test_roles_without_the_permission_are_refused(role: str, group: Group, request: pytest.FixtureRequest) -> None:
    actor = request.getfixturevalue(role)
    entry = IksEntryFactory(group=group)

    with pytest.raises(PermissionDenied):
        contribute(actor, group)
    with pytest.raises(PermissionDenied):
        use(actor, group, 1)
    with pytest.raises(PermissionDenied):
        iks_entry_delete(actor=actor, entry=entry)
