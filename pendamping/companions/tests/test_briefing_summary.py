"""The seven-element summary of a batch and its results: hours per module against the curriculum, methods,
budget totals and variance, days, instructors and clashes, facilities; attendance shares, the mean gain and the
paired tests, checked against scipy on a hand-made batch."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from scipy import stats

from pendamping.companions.models import Briefing, Session
from pendamping.companions.selectors.briefing import companion_briefings
from pendamping.companions.selectors.briefing_summary import attendance_grid, briefing_plan, briefing_results
from pendamping.companions.services.briefing import (
    attendance_record,
    briefing_finish,
    budget_line_add,
    equipment_add,
    scores_record,
)
from pendamping.companions.tests.briefing_factories import (
    JUL1,
    JUL2,
    batch,
    instructor,
    join,
    malang,
    module,
    person,
    session,
)

pytestmark = pytest.mark.django_db

PRE = [40, 55, 60, 35, 70, 50]
POST = [65, 71, 58, 61, 88, 72]  # gains 25, 16, -2, 26, 18, 22: no ties, no zeros (the exact Wilcoxon test)


@pytest.fixture
def planned() -> Briefing:
    """Two modules (4 h and 2 h planned), three sessions (3.5 h and 2 h scheduled), budget and equipment."""
    briefing = batch(venue_capacity=2)
    sri, joko = instructor(), instructor("Joko Widodo", "Dinas Sosial")
    peran, usaha = module(briefing, "Peran pendamping", 4), module(briefing, "Usaha ekonomi", 2)
    session(briefing, peran, start=(8, 0), end=(10, 0), instructors=[sri])
    session(briefing, peran, start=(10, 30), end=(12, 0), method="discussion", instructors=[sri, joko])
    session(briefing, usaha, on=JUL2, start=(8, 0), end=(10, 0), method="lecture", instructors=[joko])
    budget_line_add(actor=None, briefing=briefing, item="Konsumsi", planned="1.500.000", actual="1.475.000")
    budget_line_add(actor=None, briefing=briefing, item="Transport", planned=900_000)
    equipment_add(actor=None, briefing=briefing, item="Proyektor", ready=True)
    equipment_add(actor=None, briefing=briefing, item="Spanduk")
    join(briefing, person("Ani"), person("Budi", status="active"))
    return briefing


def test_scheduled_hours_are_checked_against_each_modules_planned_hours(planned: Briefing) -> None:
    plan = briefing_plan(briefing=planned)
    rows = {m.module.title: (m.module.hours, m.scheduled, m.sessions, m.mismatch, m.difference) for m in plan.modules}
    assert rows == {
        "Peran pendamping": (Decimal(4), Decimal("3.5"), 2, True, Decimal("-0.5")),
        "Usaha ekonomi": (Decimal(2), Decimal(2), 1, False, Decimal(0)),
    }
    assert (plan.planned_hours, plan.total_hours, plan.mismatches) == (Decimal(6), Decimal("5.5"), 1)


def test_the_plan_counts_methods_days_budget_people_and_equipment(planned: Briefing) -> None:
    plan = briefing_plan(briefing=planned)
    assert plan.methods == [("discussion", 1, Decimal("1.5")), ("lecture", 2, Decimal(4))]
    assert [(day, len(rows), hours) for day, rows, hours in plan.days] == [(JUL1, 2, Decimal("3.5")), (JUL2, 1, 2)]
    assert (plan.planned_total, plan.actual_total, plan.variance) == (2_400_000, 1_475_000, -925_000)
    assert [row.variance for row in plan.budget_lines] == [-25_000, None] and plan.lines_without_actual == 1
    assert plan.participant_count == 2 and sorted(plan.by_status) == [("active", 1), ("trainee (briefing)", 1)]
    assert (plan.capacity, plan.over_capacity) == (2, False)
    assert (plan.equipment_ready, plan.equipment_missing) == (1, 1)
    loads = {x.instructor.name: (len(x.sessions), x.hours) for x in plan.instructors}
    assert loads == {"Dr. Sri Rahayu": (2, Decimal("3.5")), "Joko Widodo": (2, Decimal("3.5"))}
    assert plan.clashes == []


def test_a_clash_that_reached_the_database_some_other_way_is_shown(planned: Briefing) -> None:
    # The services refuse double bookings; an import or an admin edit could still leave one behind.
    other = batch("Angkatan II")
    sri = instructor("Dr. Sri Rahayu (2)")
    mine = planned.sessions.get(on=JUL1, starts_at=dt.time(8))
    mine.instructors.add(sri)
    theirs = Session.objects.create(
        briefing=other, module=module(other), on=JUL1, starts_at=dt.time(9), ends_at=dt.time(11), method="lecture"
    )
    theirs.instructors.add(sri)
    plan = briefing_plan(briefing=planned)
    assert [(c.instructor, c.session, c.other) for c in plan.clashes] == [(sri, mine, theirs)]


def test_more_participants_than_the_venue_holds_is_flagged(planned: Briefing) -> None:
    Briefing.objects.filter(pk=planned.pk).update(venue_capacity=1)  # as an old record might have it
    planned.refresh_from_db()
    assert briefing_plan(briefing=planned).over_capacity


@pytest.fixture
def tested(admin: Any) -> Briefing:
    """Six participants with both scores (one from Malang), one with the pre-test only; two 2-hour sessions,
    the second attended by the first three only."""
    briefing = batch(venue_capacity=None)
    mod = module(briefing, hours=4)
    first, second = session(briefing, mod), session(briefing, mod, on=JUL2)
    people = [person(n) for n in ("Ani", "Budi", "Citra", "Dedi")] + [malang("Eko"), person("Fitri"), person("Gita")]
    participants = join(briefing, *people)
    scores: dict[int, dict[str, Any]] = {
        p.pk: {"pre_score": a, "post_score": b} for p, a, b in zip(participants, PRE, POST, strict=False)
    }
    scores[participants[6].pk] = {"pre_score": 45}
    scores_record(actor=admin, briefing=briefing, scores=scores)
    attendance_record(actor=admin, session=first, present=[p.pk for p in participants])
    attendance_record(actor=admin, session=second, present=[p.pk for p in participants[:3]])
    return briefing


def test_the_mean_gain_and_the_paired_tests_match_scipy(tested: Briefing, admin: Any) -> None:
    results = briefing_results(user=admin, briefing=tested)
    assert results.pairs == 6
    assert results.mean_gain == pytest.approx(105 / 6)  # (25 + 16 - 2 + 26 + 18 + 22) / 6 = 17.5
    assert (results.mean_pre, results.mean_post) == (pytest.approx(310 / 6), pytest.approx(415 / 6))
    wilcoxon, t = results.tests
    assert wilcoxon.result is not None and t.result is not None
    assert wilcoxon.result.pvalue == pytest.approx(stats.wilcoxon(PRE, POST).pvalue) == pytest.approx(0.0625)
    assert wilcoxon.result.statistic == 1  # the one pair that fell (60 → 58) has rank 1
    assert t.result.pvalue == pytest.approx(stats.ttest_rel(PRE, POST).pvalue)
    assert t.result.statistic == pytest.approx(stats.ttest_rel(PRE, POST).statistic)


def test_attendance_shares_and_completion_per_participant(tested: Briefing, admin: Any) -> None:
    results = briefing_results(user=admin, briefing=tested)
    rows = {r.participant.companion.name: (r.attended, r.share, r.meets) for r in results.rows}
    assert rows["Ani"] == (Decimal(4), Decimal("100.0"), True)
    assert rows["Dedi"] == (Decimal(2), Decimal("50.0"), False)
    assert (results.completed, results.participants, results.total_hours) == (3, 7, Decimal(4))
    assert [r.gain for r in results.rows if r.participant.companion.name in ("Ani", "Citra", "Gita")] == [
        Decimal(25), Decimal(-2), None
    ]  # fmt: skip
    briefing_finish(actor=admin, briefing=tested)
    tested.refresh_from_db()
    finished = briefing_results(user=admin, briefing=tested)
    assert finished.finished and finished.completed == 3


def test_an_officer_sees_only_their_regencys_participants_but_the_whole_batchs_figures(
    tested: Briefing, surabaya_officer: Any, malang_officer: Any
) -> None:
    mine = briefing_results(user=surabaya_officer, briefing=tested)
    assert "Eko" not in {r.participant.companion.name for r in mine.rows} and len(mine.rows) == 6
    assert mine.pairs == 6 and mine.mean_gain == pytest.approx(17.5)
    theirs = briefing_results(user=malang_officer, briefing=tested)
    assert [r.participant.companion.name for r in theirs.rows] == ["Eko"]
    grid = attendance_grid(user=malang_officer, briefing=tested, sessions=list(tested.sessions.all()))
    assert [(p.companion.name, marks) for p, marks in grid] == [("Eko", [True, False])]


def test_too_few_pairs_or_no_variation_is_not_testable_with_the_reason(admin: Any) -> None:
    briefing = batch()
    ani, budi, citra = join(briefing, person("Ani"), person("Budi"), person("Citra"))
    scores_record(actor=admin, briefing=briefing, scores={ani.pk: {"pre_score": 40, "post_score": 60}})
    results = briefing_results(user=admin, briefing=briefing)
    assert [t.reason for t in results.tests] == [
        "Not testable: 1 participant(s) have both scores; at least 2 are needed."
    ] * 2
    same = {p.pk: {"pre_score": 50, "post_score": 70} for p in (budi, citra)}
    scores_record(actor=admin, briefing=briefing, scores={**same, ani.pk: {"pre_score": 30, "post_score": 50}})
    wilcoxon, t = briefing_results(user=admin, briefing=briefing).tests
    assert wilcoxon.result is not None  # every pair gained 20 points: ranks are tied, the test still runs
    assert t.result is None and t.reason.startswith("Not testable: no variation")


def test_the_companion_page_panel_lists_the_batches_with_attendance(tested: Briefing, admin: Any) -> None:
    eko = tested.participants.get(companion__name="Eko").companion
    (row,) = companion_briefings(user=admin, companion=eko)
    assert (row.participant.briefing, row.attended, row.total, row.share) == (tested, 2, 4, Decimal("50.0"))
