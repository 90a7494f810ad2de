"""Two people saving the same report at the same moment, on PostgreSQL with two threads: the same month sent
twice gives one report and one clear refusal; two edits from the same version give one save and one "changed
by someone else"; a month locked while a report is being saved is never changed after the lock."""

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from pendamping.accounts.models import User
from pendamping.core.concurrency import StaleRecord
from pendamping.enterprise.models import IksEntry, MonthlyReport, PeriodLock
from pendamping.enterprise.services import reports as services
from pendamping.enterprise.services.reports import period_lock, report_submit, report_update
from pendamping.registry.tests.factories import kube_with_members

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
FIGURES = {
    "revenue": "5.000.000",
    "operating_costs": "3.000.000",
    "capital_assets": "20.000.000",
    "cash_savings": "1.000.000",
    "members_active": 5,
    "meetings_held": 2,
}


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result is the return value or the exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001  # the outcome under test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_same_month_sent_twice_at_once_gives_one_report(surabaya_officer: User, admin: User) -> None:
    group = kube_with_members(5)

    results = race(
        lambda: report_submit(actor=surabaya_officer, group=group, period="2025-03", iks_collected=10, **FIGURES),
        lambda: report_submit(actor=admin, group=group, period="2025-03", iks_collected=20, **FIGURES),
    )

    saved = [r for r in results if isinstance(r, MonthlyReport)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert "already has a report for March 2025" in " ".join(refused[0].messages)
    assert MonthlyReport.objects.count() == 1 and IksEntry.objects.get().amount == saved[0].iks_collected


def test_two_edits_from_the_same_version_save_once(surabaya_officer: User, admin: User) -> None:
    group = kube_with_members(5)
    report = report_submit(actor=admin, group=group, period=dt.date(2025, 3, 1), **FIGURES)

    results = race(
        lambda: report_update(actor=surabaya_officer, report=report, version=1, revenue="6.000.000"),
        lambda: report_update(actor=admin, report=report, version=1, revenue="7.000.000"),
    )

    saved = [r for r in results if isinstance(r, MonthlyReport)]
    assert len(saved) == 1 and sum(isinstance(r, StaleRecord) for r in results) == 1, results
    stored = MonthlyReport.objects.get()
    assert (stored.revenue, stored.version) == (saved[0].revenue, 2)


def test_a_correction_racing_the_months_lock_waits_for_it_and_is_refused(
    surabaya_officer: User, admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock holds its regency's KUBE rows until it commits; a correction that arrives meanwhile waits, then
    finds the month locked. Without that it would read "not locked" and save into a locked month."""
    group = kube_with_members(5)
    report = report_submit(actor=admin, group=group, period=dt.date(2025, 3, 1), **FIGURES)
    holding = threading.Event()
    real_audit = services.audit_record

    def slow_audit(**kwargs: Any) -> Any:
        entry = real_audit(**kwargs)
        if isinstance(kwargs["obj"], PeriodLock):
            holding.set()
            time.sleep(0.5)  # the lock's transaction is still open: the correction must wait, not slip in
        return entry

    monkeypatch.setattr(services, "audit_record", slow_audit)

    def correct() -> Any:
        holding.wait(5)
        return report_update(actor=surabaya_officer, report=report, version=1, revenue="9.000.000")

    locked, corrected = race(lambda: period_lock(actor=admin, regency_code="35.78", period="2025-03"), correct)

    assert isinstance(locked, PeriodLock), locked
    assert isinstance(corrected, ValidationError) and "is locked" in " ".join(corrected.messages), corrected
    assert MonthlyReport.objects.get().revenue == 5_000_000
