"""`pendamping report_status`: a month's on-time, late and missing counts per regency, and the missing codes."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from pendamping.enterprise.models import PeriodLock
from pendamping.enterprise.selectors.reports import add_months, this_month
from pendamping.enterprise.tests.factories import MonthlyReportFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, village

pytestmark = pytest.mark.django_db
MARCH = dt.date(2025, 3, 1)


def run(*args: str) -> str:
    out = StringIO()
    call_command("report_status", *args, stdout=out)
    return out.getvalue()


def active(code: str, **fields: object) -> Group:
    return GroupFactory(code=code, status=Group.Status.ACTIVE, **fields)


@pytest.fixture
def march() -> None:
    MonthlyReportFactory(group=active("SBY-1"), period=MARCH)
    MonthlyReportFactory(
        group=active("SBY-2"), period=MARCH, submitted_at=timezone.make_aware(dt.datetime(2025, 4, 15, 10))
    )
    active("SBY-3")
    active("SBY-4")
    active("MLG-1", desa=village(MALANG_VILLAGE))
    PeriodLock.objects.create(regency_id="35.07", period=MARCH)


def test_it_prints_the_counts_per_regency_and_the_missing_codes(march: None) -> None:
    assert run("--period", "2025-03").splitlines() == [
        "Reports for 2025-03, due by 2025-04-10",
        "35.07 Kabupaten Malang (locked): on time 0, late 0, missing 1 of 1",
        "  missing: MLG-1",
        "35.78 Kota Surabaya: on time 1, late 1, missing 2 of 4",
        "  missing: SBY-3 SBY-4",
    ]


def test_it_narrows_to_one_regency(march: None) -> None:
    output = run("--period", "2025-03", "--regency", "35.07")

    assert "35.07 Kabupaten Malang" in output and "Surabaya" not in output


def test_it_defaults_to_last_month() -> None:
    last = add_months(this_month(), -1)

    assert run().splitlines() == [
        f"Reports for {last:%Y-%m}, due by {add_months(last, 1):%Y-%m}-10",
        "No active KUBE had to report for this month.",
    ]


@pytest.mark.parametrize("args", [("--period", "maret"), ("--regency", "Surabaya")])
def test_bad_arguments_end_with_a_message(args: tuple[str, str]) -> None:
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert caught.value.returncode == 2
