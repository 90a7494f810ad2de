"""The appraisal's pure parts: quarters, each computed rule on facts worked out by hand, the score, and which
indicators pull a score down."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from pendamping.companions.appraisal_rules import (
    IndicatorSpec,
    QuarterFacts,
    Reporting,
    Stint,
    add_quarters,
    classification_trend,
    computed_line,
    finished_months,
    followups_on_time,
    levels_recorded,
    parse_quarter,
    pulling_down,
    quarter_end,
    quarter_key,
    rated_line,
    rating_points,
    reports_on_time,
    score_of,
    visits_per_month,
)

Q1 = dt.date(2025, 1, 1)
AFTER = dt.date(2025, 6, 1)  # the whole quarter is over and every report of it due
D = Decimal


def facts(**kwargs: object) -> QuarterFacts:
    base: dict[str, object] = {"period": Q1, "today": AFTER, "stints": (Stint(1, dt.date(2024, 1, 1)),)}
    return QuarterFacts(**(base | kwargs))  # type: ignore[arg-type]


# --- quarters -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("2026Q3", dt.date(2026, 7, 1)),
        ("2026-Q1", dt.date(2026, 1, 1)),
        ("2026 q4", dt.date(2026, 10, 1)),
        ("2026-08-17", dt.date(2026, 7, 1)),
        (dt.date(2026, 6, 30), dt.date(2026, 4, 1)),
    ],
)
def test_a_quarter_is_read_from_its_key_or_any_day_in_it(text: object, first: dt.date) -> None:
    assert parse_quarter(text) == first


@pytest.mark.parametrize("text", ["", "2026Q5", "Q3", "2026-13-01", "kuartal tiga"])
def test_anything_else_is_not_a_quarter(text: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse_quarter(text)
    assert "YYYYQn" in str(exc.value.message_dict["period"])


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_day_falls_in_the_quarter_its_key_names(day: dt.date) -> None:
    first = parse_quarter(day)
    assert first <= day <= quarter_end(first)
    assert parse_quarter(quarter_key(first)) == first
    assert add_quarters(first, 1) == quarter_end(first) + dt.timedelta(days=1)


def test_only_the_months_over_before_today_count() -> None:
    assert finished_months(Q1, dt.date(2025, 2, 28)) == (dt.date(2025, 1, 1),)
    assert finished_months(Q1, dt.date(2025, 3, 1)) == (dt.date(2025, 1, 1), dt.date(2025, 2, 1))
    assert finished_months(Q1, dt.date(2025, 1, 31)) == ()


# --- visits per month -----------------------------------------------------------------------------------------


def test_visits_are_counted_per_kube_month_so_many_visits_to_one_kube_do_not_cover_another() -> None:
    stints = (Stint(1, dt.date(2024, 1, 1)), Stint(2, dt.date(2024, 1, 1)))
    visits = tuple((1, dt.date(2025, m, d)) for m in (1, 2, 3) for d in (5, 12, 19, 26))  # KUBE 1: 4 a month
    outcome = visits_per_month(facts(stints=stints, visits=visits), D(1))
    # 6 KUBE-months: KUBE 1's three at full points, KUBE 2's three at none.
    assert outcome.points == D("0.5000")
    assert outcome.value == 2.0  # 12 visits / 6 KUBE-months
    assert outcome.note.params == {"visits": 12, "kube_months": 6, "average": 2.0, "short": 3, "target": 1.0}


def test_a_target_of_two_visits_gives_half_points_for_one() -> None:
    visits = ((1, dt.date(2025, 1, 9)), (1, dt.date(2025, 2, 9)), (1, dt.date(2025, 3, 9)), (1, dt.date(2025, 3, 23)))
    outcome = visits_per_month(facts(visits=visits), D(2))
    assert outcome.points == D("0.6667")  # (0.5 + 0.5 + 1) / 3


def test_a_kube_accompanied_for_less_than_half_a_month_is_not_counted_that_month() -> None:
    # Assigned on 20 February: February (9 days) does not count, March does.
    outcome = visits_per_month(
        facts(stints=(Stint(1, dt.date(2025, 2, 20)),), visits=((1, dt.date(2025, 3, 3)),)), D(1)
    )
    assert (outcome.points, outcome.note.params["kube_months"]) == (D(1), 1)


def test_a_kube_left_ten_days_into_the_quarter_gives_no_kube_month() -> None:
    stints = (Stint(1, dt.date(2024, 1, 1), dt.date(2025, 1, 10)),)  # 10 days of January, then nothing
    outcome = visits_per_month(facts(stints=stints), D(1))
    assert outcome.points is None and "Not applicable" in outcome.note.text


def test_visits_are_not_judged_before_a_month_is_over() -> None:
    outcome = visits_per_month(facts(today=dt.date(2025, 1, 20)), D(1))
    assert outcome.points is None


# --- reports on time ------------------------------------------------------------------------------------------


def test_reports_on_time_counts_on_time_late_and_missing_against_the_due_day() -> None:
    reporting = {1: Reporting(dt.date(2023, 1, 1))}
    reports = {
        (1, dt.date(2025, 1, 1)): dt.date(2025, 2, 10),  # due 10 February: on time, on the day
        (1, dt.date(2025, 2, 1)): dt.date(2025, 3, 11),  # a day late
    }  # March: missing
    outcome = reports_on_time(facts(reporting=reporting, reports=reports, due_day=10), D(100))
    assert outcome.points == D("0.3333")
    assert outcome.note.params == {"on_time": 1, "due": 3, "late": 1, "missing": 1}


def test_a_report_not_due_yet_is_not_missing() -> None:
    reporting = {1: Reporting(dt.date(2023, 1, 1))}
    # 5 April: January, February and March are over; only January's and February's reports are due.
    today = dt.date(2025, 4, 5)
    outcome = reports_on_time(facts(today=today, reporting=reporting), D(100))
    assert outcome.note.params == {"on_time": 0, "due": 2, "late": 0, "missing": 2}


def test_a_kube_still_forming_or_founded_later_or_closed_owes_no_report() -> None:
    stints = tuple(Stint(g, dt.date(2024, 1, 1)) for g in (1, 2, 3))
    reporting = {
        1: Reporting(None),  # forming
        2: Reporting(dt.date(2025, 2, 10)),  # founded on 10 February: owes March only
        3: Reporting(dt.date(2020, 1, 1), until=dt.date(2025, 1, 15)),  # closed on 15 January: owes January only
    }
    outcome = reports_on_time(facts(stints=stints, reporting=reporting), D(100))
    assert outcome.note.params["due"] == 2


def test_reports_on_time_is_not_applicable_without_a_report_due() -> None:
    outcome = reports_on_time(facts(reporting={1: Reporting(None)}), D(100))
    assert outcome.points is None and outcome.value is None


# --- classification trend -------------------------------------------------------------------------------------


def test_without_an_earlier_record_a_kube_counts_when_above_the_lowest_level() -> None:
    outcome = classification_trend(facts(levels_now={1: (2, D("55")), 2: (1, D("20"))}), D(0))
    assert outcome.points == D("0.5000")
    assert outcome.note.params == {"good": 1, "n": 2, "lowest": "tumbuh", "rose": 0, "fell": 0, "new": 2}
    assert outcome.extra == {"groups": {"1": [2, "55"], "2": [1, "20"]}}


def test_a_kube_that_rose_counts_one_that_fell_does_not_even_above_the_lowest() -> None:
    now = {1: (2, D("52")), 2: (2, D("60")), 3: (1, D("30")), 4: (3, D("80"))}
    before = {1: (1, D("40")), 2: (3, D("76")), 3: (1, D("35")), 4: (3, D("78"))}
    outcome = classification_trend(facts(levels_now=now, levels_before=before), D(0))
    # 1 rose (good); 2 fell from maju to berkembang (not); 3 stayed at tumbuh (not); 4 held at maju (good).
    assert outcome.points == D("0.5000")
    assert outcome.note.params == {"good": 2, "n": 4, "lowest": "tumbuh", "rose": 1, "fell": 1, "new": 0}


def test_the_trend_is_not_applicable_when_no_kube_is_classified() -> None:
    assert classification_trend(facts(), D(0)).points is None


def test_the_levels_an_appraisal_recorded_are_read_back_as_the_next_baseline() -> None:
    spec = IndicatorSpec(9, "data", "classification_trend", "Tren", D(10))
    line = computed_line(spec, facts(levels_now={7: (2, D("61.25"))}), D(1))
    assert levels_recorded([line]) == {7: (2, D("61.25"))}
    assert levels_recorded([]) is None


# --- follow-ups -----------------------------------------------------------------------------------------------


def test_follow_ups_done_by_their_due_date_count_open_and_late_ones_do_not() -> None:
    follow_ups = (
        (dt.date(2025, 1, 10), dt.date(2025, 1, 10)),  # on the day
        (dt.date(2025, 2, 10), dt.date(2025, 2, 11)),  # a day late
        (dt.date(2025, 3, 10), None),  # still open, overdue
        (dt.date(2025, 3, 30), dt.date(2025, 3, 1)),  # early
    )
    outcome = followups_on_time(facts(follow_ups=follow_ups), D(0))
    assert outcome.points == D("0.5000")
    assert outcome.note.params == {"on_time": 2, "due": 4, "open": 1}


def test_a_follow_up_not_due_yet_and_not_done_is_not_judged() -> None:
    outcome = followups_on_time(facts(today=dt.date(2025, 3, 15), follow_ups=((dt.date(2025, 3, 20), None),)), D(0))
    assert outcome.points is None


# --- the score ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rating", "points"), [(1, "0.0000"), (2, "0.3333"), (3, "0.6667"), (4, "1.0000")])
def test_a_rating_r_earns_r_minus_one_thirds(rating: int, points: str) -> None:
    assert rating_points(rating) == D(points)


def test_the_score_is_the_weighted_share_of_points_over_the_indicators_that_apply() -> None:
    lines = [
        rated_line(IndicatorSpec(1, "resource", "", "A", D(20)), 4),  # 20 × 1
        rated_line(IndicatorSpec(2, "motivator", "", "B", D(20)), 2),  # 20 × 0.3333
        computed_line(IndicatorSpec(3, "data", "followups_on_time", "C", D(10)), facts(), D(1)),  # n/a: left out
        computed_line(IndicatorSpec(4, "data", "visits_per_month", "D", D(10)), facts(), D(1)),  # 10 × 0
    ]
    # (20 + 6.666 + 0) / 50 × 100 = 53.33
    assert score_of(lines) == D("53.33")
    assert lines[2]["points"] is None and lines[3]["points"] == "0.0000"


def test_an_unknown_rule_is_left_out_and_says_so() -> None:
    line = computed_line(IndicatorSpec(5, "data", "retired_rule", "X", D(10)), facts(), D(1))
    assert line["points"] is None and line["params"] == {"rule": "retired_rule"}


def test_the_indicators_that_cost_most_score_points_come_first() -> None:
    details = [
        rated_line(IndicatorSpec(1, "resource", "", "Heavy, half met", D(30)), 3),  # loses 30 × 0.3333 = 10
        rated_line(IndicatorSpec(2, "motivator", "", "Light, missed", D(5)), 1),  # loses 5 × 1 = 5
        rated_line(IndicatorSpec(3, "facilitator", "", "Full", D(15)), 4),  # loses nothing
        rated_line(IndicatorSpec(4, "facilitator", "", "Heavy, a third met", D(50)), 2),  # loses 50 × 0.6667
    ]
    drags = pulling_down(details, limit=3)
    assert [d.line["label"] for d in drags] == ["Heavy, a third met", "Heavy, half met", "Light, missed"]
    # Score points lost: weight × missing points / total weight (100) × 100
    assert [d.lost for d in drags] == [D("33.34"), D("10.00"), D("5.00")]
    assert pulling_down(details[2:3]) == []
