"""Quarterly appraisal of companions: quarters, the indicators computed from data, and the score. Pure functions
over plain facts (no database); the selectors gather the facts, the services store what these return.

A score is Σ(weight × points) / Σ(weight) × 100 over the indicators that apply. A rating r (1-4) earns
(r - 1) / 3 points; a computed rule earns 0..1. A computed indicator the data cannot judge (no KUBE assigned for
a month, no follow-up due, no KUBE classified) is NOT APPLICABLE: it is left out of both sums and says why,
because "could not be measured" is not "did badly" (and not "did well" either).

The computed rules (their keys are what AppraisalIndicator.rule holds):

- visits_per_month: for every KUBE-month of the quarter (a KUBE the companion accompanied for at least half of a
  finished month), min(visits that month / target, 1); points are the mean. Ten visits to one KUBE do not make
  up for none at another.
- reports_on_time: the share of those KUBE-months whose monthly report arrived by its due day. A KUBE-month
  counts once its report is due; a KUBE still forming, founded after the month began, or closed before it, owes
  none.
- classification_trend: KUBE classification keeps only the current score, so the trend is taken against what
  the companion's last FINAL appraisal recorded: of the KUBE accompanied at the quarter's end (or today) that are
  classified now, the share that rose a level, or held above the lowest level (berkembang or better in the
  default rubric) without falling. A KUBE without an earlier record counts when it is above the lowest level.
  Each appraisal records the levels it saw, for the next one.
- followups_on_time: of the follow-ups (from the companion's visits) due in the quarter, the share done by their
  due date. One not yet due and not done is not judged yet."""

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from pendamping.enterprise.scoring import Note, add_months, due_on, weighted_score

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
HALF_MONTH = 15  # days a companion must accompany a KUBE in a month for that KUBE-month to count
ROLES = ("resource", "motivator", "facilitator", "data")  # the order pages show them in
_QUARTER = re.compile(r"([0-9]{4})\s*-?\s*[Qq]\s*([1-4])")


# --- quarters -----------------------------------------------------------------------------------------------


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_months(period: dt.date) -> tuple[dt.date, ...]:
    first = quarter_start(period)
    return tuple(add_months(first, i) for i in range(3))


def quarter_end(period: dt.date) -> dt.date:
    return add_months(quarter_start(period), 3) - dt.timedelta(days=1)


def add_quarters(period: dt.date, n: int) -> dt.date:
    return add_months(quarter_start(period), 3 * n)


def quarter_key(period: dt.date) -> str:
    """2026-07-01 -> "2026Q3", the form the pages, the API and the command take."""
    return f"{period.year}Q{(period.month - 1) // 3 + 1}"


def quarter_label(period: dt.date) -> str:
    return f"{period.year} Q{(period.month - 1) // 3 + 1}"


def parse_quarter(value: Any, *, field: str = "period") -> dt.date:
    """A quarter as its first day: from a date (any day in it), "2026Q3", "2026-Q3" or "2026-08-17"."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return quarter_start(value)
    text = str(value or "").strip()
    try:
        if match := _QUARTER.fullmatch(text):
            return dt.date(int(match[1]), 3 * int(match[2]) - 2, 1)
        return quarter_start(dt.date.fromisoformat(text))
    except ValueError:
        pass
    raise ValidationError({field: _("Give the quarter as YYYYQn, e.g. 2026Q3.")})


def finished_months(period: dt.date, today: dt.date) -> tuple[dt.date, ...]:
    """The quarter's months that were over before today."""
    return tuple(m for m in quarter_months(period) if add_months(m, 1) <= today)


# --- facts and outcomes ---------------------------------------------------------------------------------------

Level = tuple[int, Decimal]  # a KUBE's classification: level position and score


@dataclass(frozen=True)
class Stint:
    """One assignment of the companion to a KUBE."""

    group_id: int
    started_on: dt.date
    ended_on: dt.date | None = None

    def days_in(self, month: dt.date) -> int:
        first, last = month, add_months(month, 1) - dt.timedelta(days=1)
        start, end = max(first, self.started_on), min(last, self.ended_on or last)
        return max((end - start).days + 1, 0)

    def covers(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)


@dataclass(frozen=True)
class Reporting:
    """When a KUBE owes monthly reports: for months beginning on or after `since`, and before `until`."""

    since: dt.date | None  # None: it owes none (still forming)
    until: dt.date | None = None

    def owes(self, month: dt.date) -> bool:
        return self.since is not None and self.since <= month and (self.until is None or month < self.until)


@dataclass(frozen=True)
class QuarterFacts:
    """What the computed rules read about one companion in one quarter."""

    period: dt.date
    today: dt.date
    stints: tuple[Stint, ...] = ()
    visits: tuple[tuple[int, dt.date], ...] = ()  # (KUBE, date) of the companion's visits in the quarter
    reporting: dict[int, Reporting] = field(default_factory=dict)
    reports: dict[tuple[int, dt.date], dt.date] = field(default_factory=dict)  # (KUBE, month) -> submitted on
    due_day: int = 10
    follow_ups: tuple[tuple[dt.date, dt.date | None], ...] = ()  # (due on, done on) of those due in the quarter
    levels_now: dict[int, Level] = field(default_factory=dict)  # KUBE accompanied at the quarter's end
    levels_before: dict[int, Level] | None = None  # what the last final appraisal recorded; None: there is none
    lowest_level: int = 1
    lowest_name: str = "tumbuh"

    def kube_months(self) -> list[tuple[int, dt.date]]:
        """(KUBE, finished month) the companion accompanied the KUBE for at least half of."""
        days: Counter[tuple[int, dt.date]] = Counter()
        for month in finished_months(self.period, self.today):
            for stint in self.stints:
                days[(stint.group_id, month)] += stint.days_in(month)
        return sorted(key for key, n in days.items() if n >= HALF_MONTH)


class Outcome(NamedTuple):
    value: float | None
    points: Decimal | None  # None: not applicable, left out of the score
    note: Note
    extra: dict[str, Any] | None = None  # stored in the line as is


def share(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def pct(part: int, whole: int) -> float:
    return round(part / whole * 100, 2)


def not_applicable(text: str, **params: Any) -> Outcome:
    return Outcome(None, None, Note(text, params))


# --- the rules ----------------------------------------------------------------------------------------------


def visits_per_month(f: QuarterFacts, target: Decimal) -> Outcome:
    kube_months = f.kube_months()
    if not kube_months:
        return not_applicable(gettext_noop("Not applicable: no KUBE was accompanied for half of a finished month."))
    visits = Counter((group, on.replace(day=1)) for group, on in f.visits)
    target = target if target > 0 else ONE
    points = sum((min(Decimal(visits[km]) / target, ONE) for km in kube_months), ZERO) / len(kube_months)
    made = sum(visits[km] for km in kube_months)
    short = sum(1 for km in kube_months if visits[km] < target)
    text = gettext_noop(
        "%(visits)s visits over %(kube_months)s KUBE-months: %(average)s a KUBE a month; %(short)s KUBE-months "
        "below the target of %(target)s."
    )
    average = round(made / len(kube_months), 2)
    params = {"visits": made, "kube_months": len(kube_months), "average": average, "short": short}
    points = points.quantize(Decimal("0.0001"), ROUND_HALF_UP)
    return Outcome(average, points, Note(text, params | {"target": float(target)}))


def reports_on_time(f: QuarterFacts, target: Decimal) -> Outcome:
    on_time = late = missing = 0
    for group, month in f.kube_months():
        if not f.reporting.get(group, Reporting(None)).owes(month):
            continue
        submitted, due = f.reports.get((group, month)), due_on(month, f.due_day)
        if submitted is not None and submitted <= due:
            on_time += 1
        elif due < f.today:
            late, missing = (late + 1, missing) if submitted else (late, missing + 1)
    counted = on_time + late + missing
    if not counted:
        return not_applicable(gettext_noop("Not applicable: no monthly report of the companion's KUBE was due."))
    text = gettext_noop("%(on_time)s of %(due)s monthly reports on time (%(late)s late, %(missing)s missing).")
    params = {"on_time": on_time, "due": counted, "late": late, "missing": missing}
    return Outcome(pct(on_time, counted), share(on_time, counted), Note(text, params))


def classification_trend(f: QuarterFacts, target: Decimal) -> Outcome:
    recorded = {str(group): [level, str(score)] for group, (level, score) in sorted(f.levels_now.items())}
    if not f.levels_now:
        return not_applicable(gettext_noop("Not applicable: none of the companion's KUBE is classified."))
    before = f.levels_before or {}
    good = rose = fell = new = 0
    for group, (level, _score) in f.levels_now.items():
        earlier = before.get(group)
        went_up = earlier is not None and level > earlier[0]
        went_down = earlier is not None and level < earlier[0]
        good += went_up or (level > f.lowest_level and not went_down)
        rose, fell, new = rose + went_up, fell + went_down, new + (earlier is None)
    n = len(f.levels_now)
    text = gettext_noop(
        "%(good)s of %(n)s KUBE rose a level or held above %(lowest)s (%(rose)s rose, %(fell)s fell; %(new)s "
        "without an earlier appraisal's record)."
    )
    params = {"good": good, "n": n, "lowest": f.lowest_name, "rose": rose, "fell": fell, "new": new}
    return Outcome(pct(good, n), share(good, n), Note(text, params), {"groups": recorded})


def followups_on_time(f: QuarterFacts, target: Decimal) -> Outcome:
    judged = [(due, done) for due, done in f.follow_ups if done is not None or due < f.today]
    if not judged:
        return not_applicable(gettext_noop("Not applicable: no follow-up was due in the quarter."))
    on_time = sum(1 for due, done in judged if done is not None and done <= due)
    still_open = sum(1 for _due, done in judged if done is None)
    text = gettext_noop("%(on_time)s of %(due)s follow-ups due were done by their due date (%(open)s still open).")
    params = {"on_time": on_time, "due": len(judged), "open": still_open}
    return Outcome(pct(on_time, len(judged)), share(on_time, len(judged)), Note(text, params))


@dataclass(frozen=True)
class Rule:
    name: Promise
    unit: Any
    compute: Callable[[QuarterFacts, Decimal], Outcome]


RULES: dict[str, Rule] = {
    "visits_per_month": Rule(
        gettext_lazy("Visits per KUBE per month"), gettext_lazy("a KUBE a month"), visits_per_month
    ),
    "reports_on_time": Rule(gettext_lazy("Monthly reports on time"), "%", reports_on_time),
    "classification_trend": Rule(gettext_lazy("KUBE classification trend"), "%", classification_trend),
    "followups_on_time": Rule(gettext_lazy("Follow-ups done on time"), "%", followups_on_time),
}


def rule_choices() -> list[tuple[str, Any]]:
    return [("", gettext_lazy("— rated by the officer —")), *((key, rule.name) for key, rule in RULES.items())]


# --- lines and the score ------------------------------------------------------------------------------------


class IndicatorSpec(NamedTuple):
    id: int
    role: str
    rule: str
    label: str
    weight: Decimal


def rating_points(rating: int) -> Decimal:
    return (Decimal(rating - 1) / 3).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def _line(spec: IndicatorSpec, outcome: Outcome, **more: Any) -> dict[str, Any]:
    return {
        "indicator": spec.id,
        "role": spec.role,
        "rule": spec.rule,
        "label": spec.label,
        "weight": str(spec.weight),
        "value": outcome.value,
        "points": None if outcome.points is None else str(outcome.points),
        "note": outcome.note.text,
        "params": outcome.note.params,
        **more,
        **(outcome.extra or {}),
    }


def rated_line(spec: IndicatorSpec, rating: int | None) -> dict[str, Any]:
    """A rated indicator's line; without a rating yet it has no points (finalising needs them all)."""
    if rating is None:
        return _line(spec, not_applicable(gettext_noop("Not rated yet.")), rating=None)
    note = Note(gettext_noop("Rated %(rating)s of 4 by the supervising officer."), {"rating": rating})
    return _line(spec, Outcome(float(rating), rating_points(rating), note), rating=rating)


def computed_line(spec: IndicatorSpec, facts: QuarterFacts, target: Decimal) -> dict[str, Any]:
    rule = RULES.get(spec.rule)
    if rule is None:  # a rubric saved before a rule was retired: say so, and leave it out
        outcome = not_applicable(gettext_noop("Not applicable: unknown rule %(rule)s."), rule=spec.rule)
    else:
        outcome = rule.compute(facts, target)
    uses_target = spec.rule == "visits_per_month"
    return _line(spec, outcome, rating=None, target=float(target) if uses_target else None)


def score_of(lines: Iterable[dict[str, Any]]) -> Decimal:
    """Σ(weight × points) / Σ(weight) × 100 over the lines that apply, to two decimals."""
    pairs = [(Decimal(d["weight"]), Decimal(d["points"])) for d in lines if d.get("points") is not None]
    return weighted_score(pairs)


def levels_recorded(details: Sequence[dict[str, Any]]) -> dict[int, Level] | None:
    """The KUBE levels an appraisal's classification trend saw (the next quarter's baseline)."""
    for line in details or ():
        if line.get("rule") == "classification_trend" and isinstance(line.get("groups"), dict):
            return {int(group): (int(level), Decimal(score)) for group, (level, score) in line["groups"].items()}
    return None


class Drag(NamedTuple):
    """An indicator that pulls a score down, and by how many score points."""

    line: dict[str, Any]
    lost: Decimal


def pulling_down(details: Sequence[dict[str, Any]], *, limit: int = 3) -> list[Drag]:
    """The indicators that cost the most score points, weight × (1 - points) / Σ weight × 100, biggest first
    (a heavy indicator half met costs more than a light one missed); those at full points cost nothing."""
    applicable = [d for d in details or () if d.get("points") is not None]
    total = sum((Decimal(d["weight"]) for d in applicable), ZERO)
    if total <= 0:
        return []
    drags = [
        Drag(d, (Decimal(d["weight"]) * (ONE - Decimal(d["points"])) / total * HUNDRED).quantize(Decimal("0.01")))
        for d in applicable
    ]
    drags = [drag for drag in drags if drag.lost > 0]
    return sorted(drags, key=lambda drag: (-drag.lost, ROLES.index(drag.line.get("role", "data")), drag.line["label"]))[
        :limit
    ]
