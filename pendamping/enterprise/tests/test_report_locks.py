"""period_lock / period_unlock, and what a locked month refuses: officers lock and unlock the months of their own
regencies (companions not at all); a locked month takes no new report and no correction until unlocked."""

import pytest
from django.core.exceptions import PermissionDenied

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.enterprise.models import MonthlyReport, PeriodLock
from pendamping.enterprise.selectors.reports import add_months, this_month
from pendamping.enterprise.services.reports import period_lock, period_unlock
from pendamping.enterprise.tests.test_report_services import MARCH, group, refusal, submit, update
from pendamping.registry.models import Group

__all__ = ["group"]  # the fixture
pytestmark = pytest.mark.django_db


def test_a_locked_month_refuses_new_reports_and_changes(surabaya_officer: User, group: Group) -> None:
    report = submit(surabaya_officer, group, period="2025-02")
    period_lock(actor=surabaya_officer, regency_code="35.78", period="2025-03")
    period_lock(actor=surabaya_officer, regency_code="35.78", period="2025-02")

    assert "March 2025 is locked in this regency" in refusal(lambda: submit(surabaya_officer, group), "period")
    assert "February 2025 is locked" in refusal(lambda: update(surabaya_officer, report, revenue="1"), "period")
    assert MonthlyReport.objects.get().revenue == 5_000_000


def test_a_lock_in_another_regency_does_not_apply(admin: User, group: Group) -> None:
    period_lock(actor=admin, regency_code="35.07", period="2025-03")

    assert submit(admin, group).period == MARCH


def test_unlocking_lets_the_report_be_corrected(surabaya_officer: User, group: Group) -> None:
    report = submit(surabaya_officer, group)
    period_lock(actor=surabaya_officer, regency_code="35.78", period=MARCH)

    period_unlock(actor=surabaya_officer, regency_code="35.78", period="2025-03")

    assert update(surabaya_officer, report, revenue="6.000.000").revenue == 6_000_000
    assert not PeriodLock.objects.exists()


def test_locking_is_audited_and_refuses_a_second_lock_or_a_future_month(surabaya_officer: User) -> None:
    lock = period_lock(actor=surabaya_officer, regency_code="35.78", period="2025-03-09")

    assert (lock.regency_id, lock.period, lock.locked_by) == ("35.78", MARCH, surabaya_officer)
    assert AuditEntry.objects.filter(action="create", object_id=str(lock.pk)).exists()
    assert "already locked" in refusal(lambda: period_lock(actor=surabaya_officer, regency_code="35.78", period=MARCH))
    future = add_months(this_month(), 1)
    assert "not begun" in refusal(lambda: period_lock(actor=surabaya_officer, regency_code="35.78", period=future))


def test_unlocking_a_month_that_is_not_locked_is_refused(admin: User) -> None:
    assert refusal(lambda: period_unlock(actor=admin, regency_code="35.78", period="2025-03"), "period") == (
        "March 2025 is not locked."
    )


def test_officers_lock_only_their_regencies_and_companions_not_at_all(
    surabaya_officer: User, companion_user: User
) -> None:
    refused = refusal(lambda: period_lock(actor=surabaya_officer, regency_code="35.07", period=MARCH), "regency")
    assert refused == "This is outside the regencies you work in."
    with pytest.raises(PermissionDenied):
        period_lock(actor=companion_user, regency_code="35.78", period=MARCH)
    assert "Unknown regency" in refusal(
        lambda: period_lock(actor=surabaya_officer, regency_code="35.78.01", period=MARCH)
    )
    assert not PeriodLock.objects.exists()


def test_an_officer_cannot_unlock_another_regency(admin: User, surabaya_officer: User) -> None:
    period_lock(actor=admin, regency_code="35.07", period=MARCH)

    assert "outside" in refusal(lambda: period_unlock(actor=surabaya_officer, regency_code="35.07", period=MARCH))
    assert PeriodLock.objects.count() == 1
