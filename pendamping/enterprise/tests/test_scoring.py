"""The classification rules, one by one, on plain facts (no database): hand-computed values and points, the
edge cases (no data, a target that overrides the default, a falling trend), the weighted score, the levels,
the ranking's ties and the choice of the outstanding KUBE."""

import datetime as dt
from decimal import Decimal

from django.utils import translation

from pendamping.enterprise.scoring import (
    RULES,
    GroupFacts,
    IndicatorSpec,
    MemberFacts,
    ReportFacts,
    Standing,
    add_months,
    evaluate,
    level_for,
    outstanding_ids,
    ranked,
    score_of,
    shown,
    weighted_score,
    window_of,
)

TODAY = dt.date(2025, 7, 15)  # the window is January to June 2025; June's report was due on 10 July
JAN, FEB, MAR, APR, MAY, JUN = (dt.date(2025, m, 1) for m in range(1, 7))
LEVELS = [(1, Decimal(0), "tumbuh"), (2, Decimal(50), "berkembang"), (3, Decimal(75), "maju")]


def report(period: dt.date, *, submitted: dt.date | None = None, **figures: int) -> ReportFacts:
    values = {"revenue": 5_000_000, "profit": 1_000_000, "capital_assets": 10_000_000}
    values |= {"members_active": 5, "meetings_held": 2} | figures
    on = submitted or add_months(period, 1).replace(day=5)  # the 5th of the next month
    return ReportFacts(period=period, submitted_on=on, **values)


def facts(**fields: object) -> GroupFacts:
    return GroupFacts(today=TODAY, window=window_of(TODAY, 6), **fields)  # type: ignore[arg-type]


def outcome(rule: str, f: GroupFacts, target: str | None = None) -> tuple[float | None, Decimal, str]:
    result = RULES[rule].compute(f, Decimal(target) if target else RULES[rule].target)
    return result.value, result.points, result.note.explain()


# --- months ---------------------------------------------------------------------------------------------------


def test_the_window_is_the_whole_months_before_this_one() -> None:
    assert window_of(TODAY, 6) == (JAN, FEB, MAR, APR, MAY, JUN)
    assert window_of(dt.date(2025, 1, 31), 3) == (dt.date(2024, 10, 1), dt.date(2024, 11, 1), dt.date(2024, 12, 1))


def test_the_window_starts_no_earlier_than_the_founding_month() -> None:
    assert window_of(TODAY, 6, founded_on=dt.date(2025, 4, 20)) == (APR, MAY, JUN)
    assert window_of(TODAY, 6, founded_on=dt.date(2025, 7, 2)) == ()


# --- institutional --------------------------------------------------------------------------------------------


def test_board_complete_counts_the_seats_held() -> None:
    # 2 of 3 seats: 2 / 3 = 0.6667; with a target of 2 seats, full points
    assert outcome("board_complete", facts(board_filled=2))[:2] == (2.0, Decimal("0.6667"))
    assert outcome("board_complete", facts(board_filled=2), target="2")[1] == Decimal(1)
    assert outcome("board_complete", facts(board_filled=0))[1] == Decimal(0)


def test_meetings_per_month_average_the_reports_of_the_window() -> None:
    # (1 + 2 + 3 + 0) / 4 = 1.5 meetings a month; 1.5 / 2 = 0.75; an old report (December) is not looked at
    reports = (
        report(dt.date(2024, 12, 1), meetings_held=9),
        *(report(m, meetings_held=n) for m, n in zip((JAN, FEB, MAR, APR), (1, 2, 3, 0), strict=True)),
    )
    value, points, text = outcome("meetings_per_month", facts(reports=reports))
    assert (value, points) == (1.5, Decimal("0.75"))
    assert text == "Meetings a month on average: 1.5 (reports: 4); full points at 2."
    # a target of 1 meeting a month overrides the default 2: 1.5 / 1, capped at full points
    assert outcome("meetings_per_month", facts(reports=reports), target="1")[1] == Decimal(1)


def test_a_rule_without_data_gives_no_points_and_says_so() -> None:
    empty = facts()
    for rule in ("meetings_per_month", "member_participation", "profit_trend", "asset_growth", "income_change"):
        value, points, text = outcome(rule, empty)
        assert (value, points) == (None, Decimal(0)), rule
        assert text.startswith("No data"), rule


def test_reports_on_time_count_late_and_missing_months() -> None:
    # Jan on time, Feb late (20 March), Mar missing, Apr-Jun on time: 4 of 6 = 66.67 % -> 0.6667
    reports = (
        report(JAN),
        report(FEB, submitted=dt.date(2025, 3, 20)),
        *(report(m) for m in (APR, MAY, JUN)),
    )
    value, points, text = outcome("reports_on_time", facts(reports=reports, due_day=10))
    assert (value, points) == (66.67, Decimal("0.6667"))
    assert text == "4 of 6 monthly reports on time (1 late, 1 missing)."


def test_a_month_not_yet_due_is_not_missing() -> None:
    # On 5 July June's report is not due yet: 5 months count, all on time
    july_5 = dt.date(2025, 7, 5)
    reports = tuple(report(m) for m in (JAN, FEB, MAR, APR, MAY))
    early = GroupFacts(today=july_5, window=window_of(july_5, 6), reports=reports, due_day=10)
    value, points, _text = outcome("reports_on_time", early)
    assert (value, points) == (100.0, Decimal(1))
    # due on the 25th, February's report of 20 March is on time, and June's is not due yet on 15 July
    late_feb = (report(FEB, submitted=dt.date(2025, 3, 20)),)
    text = outcome("reports_on_time", facts(reports=late_feb, due_day=25))[2]
    assert text == "1 of 5 monthly reports on time (0 late, 4 missing)."


# --- social ---------------------------------------------------------------------------------------------------


def test_iks_regularity_is_the_share_of_months_with_a_contribution() -> None:
    # contributions in Jan, Mar, Apr (and last December, outside the window): 3 of 6 = 50 % -> 0.5
    months = frozenset({dt.date(2024, 12, 1), JAN, MAR, APR})
    assert outcome("iks_regular", facts(iks_months=months))[:2] == (50.0, Decimal("0.5"))
    assert outcome("iks_regular", facts(iks_months=months), target="50")[1] == Decimal(1)


def test_participation_is_the_average_share_of_current_members_active() -> None:
    # 5 current members (a sixth left); 5/5, 4/5, 6/5 capped at 1 -> (1 + 0.8 + 1) / 3 = 93.33 % -> 0.9333
    members = (*(MemberFacts(dt.date(2024, 1, 1)) for _ in range(5)), MemberFacts(dt.date(2024, 1, 1), JAN))
    reports = tuple(report(m, members_active=n) for m, n in zip((JAN, FEB, MAR), (5, 4, 6), strict=True))
    value, points, _text = outcome("member_participation", facts(members=members, reports=reports))
    assert (value, points) == (93.33, Decimal("0.9333"))


def test_retention_counts_members_still_there_a_year_after_joining() -> None:
    members = (
        MemberFacts(dt.date(2023, 1, 1)),  # still there
        MemberFacts(dt.date(2023, 1, 1), dt.date(2023, 6, 1)),  # left within the year
        MemberFacts(dt.date(2024, 1, 1), dt.date(2025, 3, 1)),  # stayed a full year, then left
        MemberFacts(dt.date(2025, 1, 1)),  # joined less than a year ago: not counted yet
    )
    # 2 of 3 -> 66.67 % -> 0.6667
    value, points, text = outcome("member_retention", facts(members=members))
    assert (value, points) == (66.67, Decimal("0.6667"))
    assert text == "Members who stayed a full year after joining: 2 of the 3 who joined at least a year ago."
    assert outcome("member_retention", facts(members=members[3:]))[:2] == (None, Decimal(0))


# --- economic -------------------------------------------------------------------------------------------------


def test_a_rising_profit_earns_full_points_at_the_target_slope() -> None:
    # profit 1.0, 1.1, ... 1.5 million (x = 0..5): slope 100,000 a month = 2 % of the 5 million revenue;
    # points = (2 + 2) / (2 * 2) = 1
    reports = tuple(report(m, profit=1_000_000 + 100_000 * i) for i, m in enumerate((JAN, FEB, MAR, APR, MAY, JUN)))
    value, points, text = outcome("profit_trend", facts(reports=reports))
    assert (value, points) == (2.0, Decimal(1))
    assert text.startswith("Profit changed by Rp 100,000 a month (reports: 6), 2% of the average monthly revenue")
    # a target of 4 % a month: (2 + 4) / 8 = 0.75
    assert outcome("profit_trend", facts(reports=reports), target="4")[1] == Decimal("0.75")


def test_a_flat_profit_earns_half_and_a_falling_one_less() -> None:
    flat = tuple(report(m, profit=1_000_000) for m in (JAN, FEB, MAR))
    assert outcome("profit_trend", facts(reports=flat))[:2] == (0.0, Decimal("0.5"))
    # falling 50,000 a month = -1 % of revenue: (-1 + 2) / 4 = 0.25; falling 2 % or more: nothing
    falling = tuple(report(m, profit=1_000_000 - 50_000 * i) for i, m in enumerate((JAN, FEB, MAR, APR)))
    assert outcome("profit_trend", facts(reports=falling))[:2] == (-1.0, Decimal("0.25"))
    crash = tuple(report(m, profit=1_000_000 - 500_000 * i) for i, m in enumerate((JAN, FEB, MAR)))
    assert outcome("profit_trend", facts(reports=crash))[1] == Decimal(0)


def test_the_profit_trend_follows_the_calendar_across_missing_months() -> None:
    # reports in Jan, Mar and Jun only (x = 0, 2, 5), profit rising 100,000 a month: the slope is still 100,000
    reports = tuple(report(m, profit=1_000_000 + 100_000 * x) for m, x in ((JAN, 0), (MAR, 2), (JUN, 5)))
    assert outcome("profit_trend", facts(reports=reports))[0] == 2.0


def test_the_profit_trend_needs_three_reports_and_some_revenue() -> None:
    assert outcome("profit_trend", facts(reports=(report(JAN), report(FEB))))[1] == Decimal(0)
    no_sales = tuple(report(m, revenue=0, profit=0) for m in (JAN, FEB, MAR))
    value, points, text = outcome("profit_trend", facts(reports=no_sales))
    assert (value, points) == (None, Decimal(0)) and "no revenue" in text


def test_assets_are_measured_against_the_grants() -> None:
    # latest assets (June) 12 million against 10 million of grants: 120 %; 120 / 150 = 0.8
    reports = (report(MAY, capital_assets=8_000_000), report(JUN, capital_assets=12_000_000))
    assert outcome("asset_growth", facts(reports=reports, grant_total=10_000_000))[:2] == (120.0, Decimal("0.8"))
    assert outcome("asset_growth", facts(reports=reports, grant_total=10_000_000), target="100")[1] == Decimal(1)
    value, points, text = outcome("asset_growth", facts(reports=reports))
    assert (value, points) == (None, Decimal(0)) and text == "No data: no grant recorded."


def test_income_change_is_the_median_family_change_since_joining() -> None:
    # +50 %, 0 %, +100 %: the median is 50 % -> full points at the default target 50; half at a target of 100
    incomes = ((1_000_000, 1_500_000), (800_000, 800_000), (500_000, 1_000_000))
    assert outcome("income_change", facts(incomes=incomes))[:2] == (50.0, Decimal(1))
    assert outcome("income_change", facts(incomes=incomes), target="100")[1] == Decimal("0.5")


def test_a_falling_income_earns_nothing_and_a_zero_base_is_skipped() -> None:
    assert outcome("income_change", facts(incomes=((1_000_000, 900_000),)))[:2] == (-10.0, Decimal(0))
    assert outcome("income_change", facts(incomes=((0, 900_000),)))[:2] == (None, Decimal(0))


# --- the score ------------------------------------------------------------------------------------------------


def test_the_score_is_the_weighted_share_of_points() -> None:
    # weights 10, 20, 30 with points 1, 0.5, 0.25: (10 + 10 + 7.5) / 60 * 100 = 45.833... -> 45.83
    assert weighted_score(
        [(Decimal(10), Decimal(1)), (Decimal(20), Decimal("0.5")), (Decimal(30), Decimal("0.25"))]
    ) == Decimal("45.83")
    assert weighted_score([]) == Decimal("0.00")


def test_an_indicator_line_records_what_the_page_explains() -> None:
    # board 3 of 3 (weight 20, 1 point), 1 meeting a month against 2 (weight 30, 0.5): (20 + 15) / 50 = 70.00
    f = facts(board_filled=3, reports=(report(JUN, meetings_held=1),))
    specs = [
        IndicatorSpec("board_complete", "Pengurus", "institutional", Decimal(20)),
        IndicatorSpec("meetings_per_month", "Rapat", "institutional", Decimal(30)),
    ]
    lines = [evaluate(f, spec) for spec in specs]
    assert score_of(lines) == Decimal("70.00")
    assert lines[1] | {"params": {}} == {
        "rule": "meetings_per_month",
        "label": "Rapat",
        "aspect": "institutional",
        "weight": "30",
        "target": 2.0,
        "value": 1.0,
        "points": "0.5000",
        "note": "Meetings a month on average: %(average)s (reports: %(n)s); full points at %(target)s.",
        "params": {},
    }


def test_an_unknown_rule_scores_nothing_instead_of_failing() -> None:
    line = evaluate(facts(), IndicatorSpec("retired_rule", "Lama", "social", Decimal(10)))
    assert (line["points"], line["value"]) == ("0", None)
    assert "unknown scoring rule" in line["note"]


def test_the_level_is_the_highest_threshold_reached() -> None:
    assert level_for(Decimal("49.99"), LEVELS) == (1, "tumbuh")
    assert level_for(Decimal("50.00"), LEVELS) == (2, "berkembang")
    assert level_for(Decimal("75.00"), LEVELS) == (3, "maju")
    assert level_for(Decimal("100.00"), list(reversed(LEVELS))) == (3, "maju")


# --- ranking --------------------------------------------------------------------------------------------------


def test_ties_go_to_more_months_reported_then_to_the_kube_code() -> None:
    rows = [
        Standing(1, "K-003", Decimal(80), 12, 3),
        Standing(2, "K-002", Decimal(80), 24, 3),
        Standing(3, "K-001", Decimal(80), 12, 3),
        Standing(4, "K-000", Decimal(60), 30, 2),
        Standing(5, "K-009", Decimal(90), 1, 3),
    ]
    assert [s.group_id for s in ranked(rows)] == [5, 2, 3, 1, 4]


def test_the_outstanding_are_the_best_eligible_of_the_regency() -> None:
    order = [
        Standing(1, "A", Decimal(95), 6, 3),  # too few months
        Standing(2, "B", Decimal(90), 12, 3),
        Standing(3, "C", Decimal(85), 24, 3),
        Standing(4, "D", Decimal(80), 24, 3),  # eligible, but the count is full
        Standing(5, "E", Decimal(70), 24, 2),  # level too low
    ]
    assert outstanding_ids(order, per_regency=2, min_level=3, min_months=12) == {2, 3}
    assert outstanding_ids(order, per_regency=5, min_level=2, min_months=24) == {3, 4, 5}
    assert outstanding_ids(order, per_regency=0, min_level=1, min_months=0) == set()


def test_numbers_in_explanations_are_written_the_readers_way() -> None:
    assert shown(1_234_567) == "1,234,567"
    assert shown(66.67) == "66.7"
    with translation.override("id"):
        assert shown(1_234_567) == "1.234.567"
        assert shown(66.67) == "66,7"
