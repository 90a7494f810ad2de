"""KUBE classification rules: pure functions over plain facts about one KUBE (no database).

Each rule turns the facts into an Outcome: the measured value, points from 0 to 1, and a note that explains
them. `target` is the value that earns full points (the indicator's own target, else the rule's default). A
rule without the data it needs gives 0 points and says so; it never raises. The services gather the facts in
bulk (selectors.classification.scoring_facts) and store what these functions return.

The months looked at (the window) are the rubric's `window_months` calendar months before the current one,
never before the KUBE was founded: a month still running has no report yet."""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any, NamedTuple

from django.utils import formats
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
BOARD_SEATS = 3  # ketua, sekretaris, bendahara


# --- months -------------------------------------------------------------------------------------------------


def add_months(month: dt.date, n: int) -> dt.date:
    """The first day of the month `n` months after `month` (n may be negative)."""
    year, index = divmod(month.year * 12 + month.month - 1 + n, 12)
    return dt.date(year, index + 1, 1)


def month_span(first: dt.date, last: dt.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def window_of(today: dt.date, months: int, founded_on: dt.date | None = None) -> tuple[dt.date, ...]:
    """The months looked at, oldest first: `months` whole months before today's, from the founding month on."""
    last = add_months(today.replace(day=1), -1)
    first = add_months(last, -(months - 1))
    if founded_on is not None:
        first = max(first, founded_on.replace(day=1))
    return tuple(add_months(first, i) for i in range(month_span(first, last) + 1))


def due_on(period: dt.date, due_day: int) -> dt.date:
    """The last day a report for `period` is on time (as EnterpriseSettings.due_date)."""
    return add_months(period, 1).replace(day=due_day)


def one_year_after(day: dt.date) -> dt.date:
    return day.replace(year=day.year + 1, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=day.year + 1)


# --- facts and outcomes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFacts:
    period: dt.date
    revenue: int
    profit: int
    capital_assets: int
    members_active: int
    meetings_held: int
    submitted_on: dt.date


@dataclass(frozen=True)
class MemberFacts:
    joined_on: dt.date
    left_on: dt.date | None = None


@dataclass(frozen=True)
class GroupFacts:
    """What the rules read about one KUBE. `incomes` holds (income at joining, latest income) of each current
    member family with a follow-up record; `board_filled` the board seats held by current members."""

    today: dt.date
    window: tuple[dt.date, ...]
    reports: tuple[ReportFacts, ...] = ()  # every report, oldest first
    members: tuple[MemberFacts, ...] = ()  # every membership, past ones too
    board_filled: int = 0
    grant_total: int = 0
    iks_months: frozenset[dt.date] = frozenset()
    incomes: tuple[tuple[int, int], ...] = ()
    due_day: int = 10

    def in_window(self) -> list[ReportFacts]:
        months = set(self.window)
        return [r for r in self.reports if r.period in months]

    def current_members(self) -> int:
        return sum(1 for m in self.members if m.left_on is None)

    def months_reported(self) -> int:
        return len({r.period for r in self.reports})


class Note(NamedTuple):
    """An explanation kept as an English msgid and its numbers, so each reader sees it in their language."""

    text: str
    params: dict[str, Any]

    def explain(self) -> str:
        return _(self.text) % {key: shown(value) for key, value in self.params.items()}


def shown(value: Any) -> str:
    """A number as the reader's language writes it: thousands grouped, at most one decimal."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    places = 0 if float(value).is_integer() else 1
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)  # number_format truncates
    return str(formats.number_format(rounded, places, use_l10n=True, force_grouping=True))


class Outcome(NamedTuple):
    value: float | None
    points: Decimal
    note: Note


def fraction(value: float, target: Decimal) -> Decimal:
    """value / target, clamped to 0..1 and kept to four decimals."""
    if target <= 0:
        return ONE if value > 0 else ZERO
    share = Decimal(str(value)) / target
    return min(max(share, ZERO), ONE).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def no_data(text: str, **params: Any) -> Outcome:
    return Outcome(None, ZERO, Note(text, params))


def pct(part: float, whole: float) -> float:
    return round(part / whole * 100, 2)


def _t(target: Decimal) -> dict[str, Any]:
    return {"target": float(target)}


# --- the rules ----------------------------------------------------------------------------------------------


def board_complete(f: GroupFacts, target: Decimal) -> Outcome:
    text = gettext_noop("Board seats held: %(filled)s of 3 (chair, secretary, treasurer).")
    return Outcome(float(f.board_filled), fraction(f.board_filled, target), Note(text, {"filled": f.board_filled}))


def meetings_per_month(f: GroupFacts, target: Decimal) -> Outcome:
    reports = f.in_window()
    if not reports:
        return no_data(gettext_noop("No data: no report in the last %(months)s months."), months=len(f.window))
    average = round(sum(r.meetings_held for r in reports) / len(reports), 2)
    text = gettext_noop("Meetings a month on average: %(average)s (reports: %(n)s); full points at %(target)s.")
    return Outcome(average, fraction(average, target), Note(text, {"average": average, "n": len(reports)} | _t(target)))


def reports_on_time(f: GroupFacts, target: Decimal) -> Outcome:
    """A month counts once its report is due (or in, on time); a month not yet due is not missing yet."""
    by_month = {r.period: r for r in f.reports}
    on_time = late = missing = 0
    for month in f.window:
        report, due = by_month.get(month), due_on(month, f.due_day)
        if report is not None and report.submitted_on <= due:
            on_time += 1
        elif due < f.today:
            late, missing = (late + 1, missing) if report else (late, missing + 1)
    counted = on_time + late + missing
    if not counted:
        return no_data(gettext_noop("No data: no monthly report is due yet."))
    share = pct(on_time, counted)
    text = gettext_noop("%(on_time)s of %(months)s monthly reports on time (%(late)s late, %(missing)s missing).")
    params = {"on_time": on_time, "months": counted, "late": late, "missing": missing}
    return Outcome(share, fraction(share, target), Note(text, params))


def iks_regular(f: GroupFacts, target: Decimal) -> Outcome:
    if not f.window:
        return no_data(gettext_noop("No data: the KUBE has no whole month behind it yet."))
    paid = sum(1 for month in f.window if month in f.iks_months)
    share = pct(paid, len(f.window))
    text = gettext_noop("Months with an IKS contribution: %(paid)s of the last %(months)s.")
    return Outcome(share, fraction(share, target), Note(text, {"paid": paid, "months": len(f.window)}))


def member_participation(f: GroupFacts, target: Decimal) -> Outcome:
    reports, members = f.in_window(), f.current_members()
    if not reports or not members:
        return no_data(
            gettext_noop("No data: no report in the last %(months)s months, or no members."), months=len(f.window)
        )
    share = round(sum(min(r.members_active / members, 1.0) for r in reports) / len(reports) * 100, 2)
    text = gettext_noop("Members active on average: %(share)s%% of the %(members)s current members (reports: %(n)s).")
    return Outcome(share, fraction(share, target), Note(text, {"share": share, "members": members, "n": len(reports)}))


def member_retention(f: GroupFacts, target: Decimal) -> Outcome:
    """Of the members who joined at least a year ago, the share still in the KUBE a year after joining."""
    cohort = [m for m in f.members if one_year_after(m.joined_on) <= f.today]
    if not cohort:
        return no_data(gettext_noop("No data: no member joined at least a year ago."))
    stayed = sum(1 for m in cohort if m.left_on is None or m.left_on >= one_year_after(m.joined_on))
    share = pct(stayed, len(cohort))
    text = gettext_noop(
        "Members who stayed a full year after joining: %(stayed)s of the %(joined)s who joined at least a year ago."
    )
    return Outcome(share, fraction(share, target), Note(text, {"stayed": stayed, "joined": len(cohort)}))


def slope(points: Sequence[tuple[float, float]]) -> float:
    """The least-squares slope of y over x (0 when every x is the same)."""
    n = len(points)
    mean_x, mean_y = sum(x for x, _y in points) / n, sum(y for _x, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _y in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


def profit_trend(f: GroupFacts, target: Decimal) -> Outcome:
    """The profit's monthly slope as a share of the average monthly revenue. A flat profit earns half the points,
    a rise of `target` % a month all of them, a fall of `target` % a month none."""
    reports = f.in_window()
    if len(reports) < 3:
        return no_data(
            gettext_noop("No data: fewer than 3 reports in the last %(months)s months."), months=len(f.window)
        )
    revenue = sum(r.revenue for r in reports) / len(reports)
    if revenue <= 0:
        return no_data(
            gettext_noop("No data: no revenue reported in the last %(months)s months."), months=len(f.window)
        )
    first = f.window[0]
    per_month = slope([(month_span(first, r.period), r.profit) for r in reports])
    relative = round(per_month / revenue * 100, 2)
    points = fraction(relative + float(target), 2 * target)
    text = gettext_noop(
        "Profit changed by Rp %(slope)s a month (reports: %(n)s), %(relative)s%% of the average monthly revenue of "
        "Rp %(revenue)s. A flat profit earns half the points, a rise of %(target)s%% a month all of them."
    )
    params = {"slope": round(per_month), "n": len(reports), "relative": relative, "revenue": round(revenue)}
    return Outcome(relative, points, Note(text, params | _t(target)))


def asset_growth(f: GroupFacts, target: Decimal) -> Outcome:
    reports = f.in_window()
    if not reports:
        return no_data(gettext_noop("No data: no report in the last %(months)s months."), months=len(f.window))
    if f.grant_total <= 0:
        return no_data(gettext_noop("No data: no grant recorded."))
    latest = reports[-1]
    share = pct(latest.capital_assets, f.grant_total)
    text = gettext_noop(
        "Capital and assets of Rp %(assets)s (%(period)s) are %(share)s%% of the grants of Rp %(grant)s; full "
        "points at %(target)s%%."
    )
    params = {"assets": latest.capital_assets, "period": latest.period.strftime("%m/%Y"), "share": share}
    return Outcome(share, fraction(share, target), Note(text, params | {"grant": f.grant_total} | _t(target)))


def income_change(f: GroupFacts, target: Decimal) -> Outcome:
    changes = [pct(latest - base, base) for base, latest in f.incomes if base > 0]
    if not changes:
        return no_data(gettext_noop("No data: no member family has an income at joining and a follow-up record."))
    middle = round(median(changes), 2)
    text = gettext_noop(
        "Median change of the member families' income since joining: %(median)s%% (families: %(families)s)."
    )
    return Outcome(middle, fraction(middle, target), Note(text, {"median": middle, "families": len(changes)}))


# --- the registry of rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    aspect: str
    name: Promise
    unit: Any  # how the value reads: "%", or a (lazy) word such as "seats"
    target: Decimal  # the default value for full points
    compute: Callable[[GroupFacts, Decimal], Outcome]


RULES: dict[str, Rule] = {
    "board_complete": Rule(
        "institutional", gettext_lazy("Board complete"), gettext_lazy("seats"), Decimal(3), board_complete
    ),
    "meetings_per_month": Rule(
        "institutional", gettext_lazy("Meetings per month"), gettext_lazy("a month"), Decimal(2), meetings_per_month
    ),
    "reports_on_time": Rule("institutional", gettext_lazy("Reports on time"), "%", HUNDRED, reports_on_time),
    "iks_regular": Rule("social", gettext_lazy("IKS paid regularly"), "%", HUNDRED, iks_regular),
    "member_participation": Rule("social", gettext_lazy("Member participation"), "%", HUNDRED, member_participation),
    "member_retention": Rule("social", gettext_lazy("Member retention"), "%", HUNDRED, member_retention),
    "profit_trend": Rule(
        "economic", gettext_lazy("Profit trend"), format_lazy("% {}", gettext_lazy("a month")), Decimal(2), profit_trend
    ),
    "asset_growth": Rule("economic", gettext_lazy("Assets against the grant"), "%", Decimal(150), asset_growth),
    "income_change": Rule("economic", gettext_lazy("Members' income change"), "%", Decimal(50), income_change),
}


def rule_choices() -> list[tuple[str, Any]]:
    return [(key, rule.name) for key, rule in RULES.items()]


# --- a score from the indicators ----------------------------------------------------------------------------


class IndicatorSpec(NamedTuple):
    rule: str
    label: str
    aspect: str
    weight: Decimal
    target: Decimal | None = None


def evaluate(facts: GroupFacts, spec: IndicatorSpec) -> dict[str, Any]:
    """One indicator's line of a score's details (JSON-ready)."""
    rule = RULES.get(spec.rule)
    if rule is None:  # a rubric saved before a rule was retired: no points, and say why
        target, outcome = spec.target, no_data(gettext_noop("No data: unknown scoring rule %(rule)s."), rule=spec.rule)
    else:
        target = spec.target if spec.target is not None else rule.target
        outcome = rule.compute(facts, target)
    return {
        "rule": spec.rule,
        "label": spec.label,
        "aspect": spec.aspect,
        "weight": str(spec.weight),
        "target": None if target is None else float(target),
        "value": outcome.value,
        "points": str(outcome.points),
        "note": outcome.note.text,
        "params": outcome.note.params,
    }


def weighted_score(lines: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Σ(weight × points) / Σ(weight) × 100, to two decimals; 0 without weights."""
    pairs = list(lines)
    total = sum((weight for weight, _points in pairs), ZERO)
    if total <= 0:
        return Decimal("0.00")
    earned = sum((weight * points for weight, points in pairs), ZERO)
    return (earned / total * HUNDRED).quantize(Decimal("0.01"), ROUND_HALF_UP)


def score_of(details: Iterable[dict[str, Any]]) -> Decimal:
    return weighted_score((Decimal(d["weight"]), Decimal(d["points"])) for d in details)


def level_for(score: Decimal, levels: Sequence[tuple[int, Decimal, str]]) -> tuple[int, str]:
    """The highest level (position, min_score, name) whose threshold the score reaches; the lowest otherwise."""
    ordered = sorted(levels)
    reached = [level for level in ordered if level[1] <= score]
    position, _min, name = reached[-1] if reached else ordered[0]
    return position, name


# --- ranking and the outstanding KUBE -----------------------------------------------------------------------


class Standing(NamedTuple):
    group_id: int
    code: str
    score: Decimal
    months_reported: int
    level_position: int


def ranked(standings: Iterable[Standing]) -> list[Standing]:
    """Best first: by score, then more months reported, then KUBE code (a stable, visible tie-break)."""
    return sorted(standings, key=lambda s: (-s.score, -s.months_reported, s.code))


def outstanding_ids(order: Sequence[Standing], *, per_regency: int, min_level: int, min_months: int) -> set[int]:
    """The first `per_regency` of a regency's ranking (`order`) among those at `min_level` or above with at
    least `min_months` months of reports."""
    eligible = [s for s in order if s.level_position >= min_level and s.months_reported >= min_months]
    return {s.group_id for s in eligible[:per_regency]}
