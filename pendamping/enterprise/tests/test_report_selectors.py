"""Reading the reports: lateness by the configurable due day, a month's timeliness per KUBE and per regency
(counted by the database, scoped), a KUBE's last months with their gaps, the filtered list and months."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.enterprise.models import EnterpriseSettings, PeriodLock
from pendamping.enterprise.selectors.reports import (
    LATE,
    MISSING,
    ON_TIME,
    PENDING,
    ReportFilters,
    add_months,
    group_reports,
    is_late,
    month_end,
    parse_month,
    report_for,
    report_list,
    report_timeliness,
    report_timeliness_all,
    this_month,
)
from pendamping.enterprise.tests.factories import MonthlyReportFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, village

pytestmark = pytest.mark.django_db
MARCH = dt.date(2025, 3, 1)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def active(**fields: Any) -> Group:
    return GroupFactory(status=Group.Status.ACTIVE, **fields)


def set_due_day(day: int) -> None:
    config = EnterpriseSettings.current()
    config.report_due_day = day
    config.save()


# --- months ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "month"),
    [("2025-03", MARCH), ("2025-3", MARCH), ("2025-03-31", MARCH), (dt.date(2025, 3, 9), MARCH), (" 2025-03 ", MARCH)],
)
def test_a_month_is_read_from_text_or_a_date(value: Any, month: dt.date) -> None:
    assert parse_month(value) == month


def test_month_arithmetic_crosses_years() -> None:
    assert add_months(dt.date(2025, 1, 1), -1) == dt.date(2024, 12, 1)
    assert add_months(dt.date(2024, 11, 1), 14) == dt.date(2026, 1, 1)
    assert month_end(dt.date(2024, 2, 1)) == dt.date(2024, 2, 29)


def test_a_wrong_month_is_a_field_error() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_month("2025-00", field="period_from")
    assert list(caught.value.message_dict) == ["period_from"]


# --- lateness ------------------------------------------------------------------------------------------------


def test_a_report_is_late_after_the_due_day_of_the_next_month() -> None:
    config = EnterpriseSettings.current()
    on_the_day = MonthlyReportFactory(period=MARCH, submitted_at=at(dt.date(2025, 4, 10), 23))
    next_day = MonthlyReportFactory(period=dt.date(2025, 2, 1), submitted_at=at(dt.date(2025, 3, 11), 0))

    assert config.report_due_day == 10
    assert not is_late(on_the_day, config) and is_late(next_day, config)


def test_changing_the_due_day_changes_what_is_late() -> None:
    report = MonthlyReportFactory(period=MARCH, submitted_at=at(dt.date(2025, 4, 8)))
    assert not is_late(report, EnterpriseSettings.current())

    set_due_day(5)

    assert is_late(report, EnterpriseSettings.current())


# --- timeliness ----------------------------------------------------------------------------------------------


@pytest.fixture
def month_of_reports() -> dict[str, Group]:
    """March 2025 in two regencies: Surabaya on time, late and missing; Malang on time and missing. Not
    expected: an inactive KUBE, one still forming, one founded in April."""
    malang = village(MALANG_VILLAGE)
    groups = {
        "on_time": active(name="Tepat"),
        "late": active(name="Telat"),
        "missing": active(name="Absen"),
        "malang_on_time": active(desa=malang, name="Malang Tepat"),
        "malang_missing": active(desa=malang, name="Malang Absen"),
    }
    MonthlyReportFactory(group=groups["on_time"], period=MARCH, submitted_at=at(dt.date(2025, 4, 10)))
    MonthlyReportFactory(group=groups["late"], period=MARCH, submitted_at=at(dt.date(2025, 4, 11)))
    MonthlyReportFactory(group=groups["malang_on_time"], period=MARCH, submitted_at=at(dt.date(2025, 3, 31)))
    MonthlyReportFactory(group=groups["missing"], period=dt.date(2025, 2, 1))  # another month: no help
    GroupFactory(status=Group.Status.INACTIVE)
    GroupFactory(status=Group.Status.FORMING)
    active(founded_on=dt.date(2025, 4, 1))
    return groups


def _counts(timeliness: Any) -> dict[str, tuple[int, int, int]]:
    return {r.code: (r.on_time, r.late, r.missing) for r in timeliness.regencies}


def test_timeliness_counts_each_active_kube_once_per_regency(admin: User, month_of_reports: dict[str, Group]) -> None:
    t = report_timeliness(user=admin, period=MARCH)

    assert _counts(t) == {"35.07": (1, 0, 1), "35.78": (1, 1, 1)}
    assert (t.totals.on_time, t.totals.late, t.totals.missing, t.totals.expected) == (2, 1, 2, 5)
    assert (t.due, t.overdue) == (dt.date(2025, 4, 10), True)
    statuses = {g.name: g.report_status for g in t.rows}
    assert statuses == {
        "Tepat": ON_TIME,
        "Telat": LATE,
        "Absen": MISSING,
        "Malang Tepat": ON_TIME,
        "Malang Absen": MISSING,
    }


def test_timeliness_rows_can_be_narrowed_to_the_missing(admin: User, month_of_reports: dict[str, Group]) -> None:
    t = report_timeliness(user=admin, period=MARCH, status=MISSING)

    assert [g.name for g in t.rows] == ["Malang Absen", "Absen"]  # by regency code, then name
    assert all(g.report_id is None for g in t.rows)
    assert _counts(t)["35.78"] == (1, 1, 1)  # the counts are not narrowed


def test_timeliness_follows_the_due_day(admin: User, month_of_reports: dict[str, Group]) -> None:
    set_due_day(11)

    assert _counts(report_timeliness(user=admin, period=MARCH))["35.78"] == (2, 0, 1)


def test_timeliness_is_scoped_and_filtered_by_regency(
    surabaya_officer: User, admin: User, month_of_reports: dict[str, Group]
) -> None:
    assert _counts(report_timeliness(user=surabaya_officer, period=MARCH)) == {"35.78": (1, 1, 1)}
    assert _counts(report_timeliness(user=surabaya_officer, period=MARCH, regency="35.07")) == {}
    assert _counts(report_timeliness(user=admin, period=MARCH, regency="35.07")) == {"35.07": (1, 0, 1)}


def test_a_companion_sees_the_timeliness_of_their_kube_only(
    companion_user: User, month_of_reports: dict[str, Group]
) -> None:
    AssignmentFactory(group=month_of_reports["late"], companion=CompanionFactory(user=companion_user))

    t = report_timeliness(user=companion_user, period=MARCH)

    assert _counts(t) == {"35.78": (0, 1, 0)} and [g.name for g in t.rows] == ["Telat"]


@pytest.mark.parametrize("who", ["norole", "officer_without_region", "evaluator"])
def test_users_without_scope_see_no_timeliness(
    request: pytest.FixtureRequest, who: str, month_of_reports: dict[str, Group]
) -> None:
    t = report_timeliness(user=request.getfixturevalue(who), period=MARCH)

    assert t.regencies == [] and not t.rows.exists()


def test_timeliness_marks_the_locked_regencies(admin: User, month_of_reports: dict[str, Group]) -> None:
    PeriodLock.objects.create(regency_id="35.07", period=MARCH)

    assert {r.code: r.locked for r in report_timeliness(user=admin, period=MARCH).regencies} == {
        "35.07": True,
        "35.78": False,
    }


def test_timeliness_takes_the_same_queries_for_many_kube(admin: User) -> None:
    """Counted by the database: the number of queries does not grow with the KUBE."""

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            t = report_timeliness(user=admin, period=MARCH)
            list(t.rows[:50])
        return len(captured)

    active()
    EnterpriseSettings.current()  # created on first use
    few = queries()
    for _ in range(20):
        MonthlyReportFactory(group=active(), period=MARCH)
    assert queries() == few


def test_the_provincewide_timeliness_is_the_admins(admin: User, month_of_reports: dict[str, Group]) -> None:
    assert _counts(report_timeliness_all(period=MARCH)) == _counts(report_timeliness(user=admin, period=MARCH))


def test_a_month_not_yet_due_is_not_overdue(admin: User) -> None:
    assert not report_timeliness(user=admin, period=this_month()).overdue


# --- a KUBE's months -----------------------------------------------------------------------------------------


def test_a_kubes_last_months_show_gaps_and_lateness() -> None:
    now = this_month()
    group = active(founded_on=dt.date(2020, 1, 1))
    two_ago, three_ago = add_months(now, -2), add_months(now, -3)
    MonthlyReportFactory(group=group, period=two_ago)  # the 5th of the next month: on time
    late = add_months(three_ago, 1).replace(day=20)
    MonthlyReportFactory(group=group, period=three_ago, submitted_at=at(late))
    MonthlyReportFactory(group=group, period=add_months(now, -12))  # outside the last 12 months

    rows = group_reports(group=group, months=12)

    assert [r.period for r in rows] == [add_months(now, -i) for i in range(12)]
    assert [r.status for r in rows[:4]] == [PENDING, rows[1].status, ON_TIME, LATE]
    assert rows[1].status == (PENDING if timezone.localdate() <= rows[1].due else MISSING)
    assert all(r.status == MISSING and r.report is None for r in rows[4:])


def test_a_young_kube_has_no_months_before_its_founding() -> None:
    founded = add_months(this_month(), -2)
    rows = group_reports(group=active(founded_on=founded.replace(day=15)))

    assert [r.period for r in rows] == [this_month(), add_months(this_month(), -1), founded]


def test_a_kubes_months_take_two_queries(django_assert_max_num_queries: Any) -> None:
    group = active()
    for i in range(6):
        MonthlyReportFactory(group=group, period=add_months(this_month(), -i))
    EnterpriseSettings.current()

    with django_assert_max_num_queries(2):
        group_reports(group=group)


# --- the list ------------------------------------------------------------------------------------------------


def test_the_list_is_scoped_newest_first_and_filtered(surabaya_officer: User, admin: User) -> None:
    mine = active(name="KUBE Lele Jaya")
    MonthlyReportFactory(group=mine, period=dt.date(2025, 1, 1))
    MonthlyReportFactory(group=mine, period=MARCH)
    MonthlyReportFactory(group=active(desa=village(MALANG_VILLAGE)), period=MARCH)

    def periods(user: User, **filters: Any) -> list[dt.date]:
        return [r.period for r in report_list(user=user, filters=ReportFilters(**filters))]

    assert periods(surabaya_officer) == [MARCH, dt.date(2025, 1, 1)]
    assert len(periods(admin)) == 3 and periods(admin, regency="35.07") == [MARCH]
    assert periods(admin, q="lele") == [MARCH, dt.date(2025, 1, 1)]
    assert periods(admin, q=mine.code) == [MARCH, dt.date(2025, 1, 1)]
    assert periods(admin, kecamatan="35.78.01", period_from=dt.date(2025, 2, 1)) == [MARCH]
    assert periods(admin, group=mine.pk, period_to=dt.date(2025, 2, 1)) == [dt.date(2025, 1, 1)]
    assert periods(surabaya_officer, regency="35.07") == []


def test_filters_from_a_query_string_ignore_what_is_malformed() -> None:
    filters = ReportFilters.from_params(
        {"group": "9" * 30, "period_from": "kemarin", "period_to": "2025-03", "q": " x "}
    )

    assert (filters.group, filters.period_from, filters.period_to, filters.q) == (None, None, MARCH, "x")


def test_one_report_is_found_only_in_scope(surabaya_officer: User, malang_officer: User) -> None:
    report = MonthlyReportFactory(group=active())

    assert report_for(user=surabaya_officer, pk=report.pk) == report
    with pytest.raises(report.DoesNotExist):
        report_for(user=malang_officer, pk=report.pk)
