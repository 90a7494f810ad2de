"""Reads of the quarterly appraisal: the rubric in use, the scoped list, one appraisal explained line by line, the
facts its computed indicators read, and the HEADLINE indicator (the share of companions performing well against
the 20% baseline of the original evaluation) with the companions who need coaching and why."""

import datetime as dt
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, FloatField, Q, QuerySet
from django.db.models.functions import Cast, NullIf
from django.utils import timezone

from pendamping.companions.appraisal_rules import (
    ROLES,
    RULES,
    Drag,
    IndicatorSpec,
    QuarterFacts,
    Reporting,
    Stint,
    add_quarters,
    levels_recorded,
    parse_quarter,
    pulling_down,
    quarter_end,
    quarter_label,
    quarter_start,
)
from pendamping.companions.models import (
    Appraisal,
    AppraisalIndicator,
    AppraisalRubric,
    Assignment,
    Companion,
    FollowUp,
    Visit,
)
from pendamping.enterprise.models import GroupScore, MonthlyReport
from pendamping.enterprise.scoring import Note
from pendamping.enterprise.selectors.classification import level_choices
from pendamping.enterprise.selectors.reports import report_settings
from pendamping.registry.models import Group

BASELINE = 20  # % of companions playing their role well, found by the original evaluation
TREND_QUARTERS = 8


# --- quarters and the rubric --------------------------------------------------------------------------------------


def this_quarter() -> dt.date:
    return quarter_start(timezone.localdate())


def recent_quarters(count: int = TREND_QUARTERS) -> list[dt.date]:
    """The current quarter and those before it, newest first."""
    return [add_quarters(this_quarter(), -i) for i in range(count)]


def rubric_in_use() -> AppraisalRubric | None:
    return AppraisalRubric.objects.filter(is_active=True).prefetch_related("indicators").first()


def rubric_specs(rubric: AppraisalRubric) -> list[IndicatorSpec]:
    """The rubric's indicators, the three roles' rated ones first, then those computed from data."""
    rows = sorted(rubric.indicators.all(), key=lambda i: (ROLES.index(i.role), i.position, i.pk))
    return [IndicatorSpec(i.pk, i.role, i.rule, i.label, i.weight) for i in rows]


def role_label(role: str) -> str:
    return str(AppraisalIndicator.Role(role).label) if role in AppraisalIndicator.Role.values else role


# --- lists ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppraisalFilters:
    """A value of the wrong shape is ignored, so a forged one cannot widen the list (the scope comes first)."""

    period: str = ""
    regency: str = ""
    performing: str = ""  # "yes" or "no"
    status: str = ""
    q: str = ""
    companion: str = ""

    @classmethod
    def from_params(cls, params: Any) -> "AppraisalFilters":
        return cls(**{k: str(params.get(k, "") or "").strip()[:60] for k in cls.__dataclass_fields__})


def _quarter_or_none(value: str) -> dt.date | None:
    try:
        return parse_quarter(value) if value else None
    except ValidationError:
        return None  # a malformed filter is ignored, as the other lists do


def appraisal_list(*, user: Any, filters: AppraisalFilters) -> QuerySet[Appraisal]:
    qs = Appraisal.objects.visible_to(user).select_related("companion", "regency")
    if period := _quarter_or_none(filters.period):
        qs = qs.filter(period=period)
    if re.fullmatch(r"[0-9]{2}\.[0-9]{2}", filters.regency):
        qs = qs.filter(regency_id=filters.regency)
    if filters.performing in ("yes", "no"):
        qs = qs.filter(status=Appraisal.Status.FINAL, performing_well=filters.performing == "yes")
    if filters.status in Appraisal.Status.values:
        qs = qs.filter(status=filters.status)
    if filters.companion.isdigit() and len(filters.companion) < 19:
        qs = qs.filter(companion_id=int(filters.companion))
    if filters.q:
        qs = qs.filter(companion__name__icontains=filters.q)
    return qs.order_by("-period", "companion__name", "id")


def appraisal_get(*, user: Any, pk: Any) -> Appraisal:
    related = ("companion", "regency", "rubric", "appraiser")
    return Appraisal.objects.visible_to(user).select_related(*related).get(pk=pk)


def companion_appraisals(*, user: Any, companion: Companion) -> QuerySet[Appraisal]:
    return Appraisal.objects.visible_to(user).filter(companion=companion).order_by("-period")


def companions_to_start(*, user: Any) -> QuerySet[Companion]:
    """Active companions the user may appraise (the start form's choices)."""
    return Companion.objects.visible_to(user).filter(status=Companion.Status.ACTIVE).order_by("name", "id")


def is_appraisable(companion: Companion) -> bool:
    return companion.status == Companion.Status.ACTIVE


def active_companions(*, regency: str | None = None) -> QuerySet[Companion]:
    """Every active companion (of `regency`) and the appraisals of the quarter by companion (the command: the
    system sees everything)."""
    qs = Companion.objects.filter(status=Companion.Status.ACTIVE)
    return qs.filter(regency_id=regency) if regency else qs


def appraisals_of_quarter(*, period: dt.date) -> dict[int, Appraisal]:
    """The quarter's appraisals by companion (the command: the system sees everything)."""
    return {a.companion_id: a for a in Appraisal.objects.filter(period=period)}


# --- one appraisal explained ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    indicator: int
    role: str
    role_label: str
    rule: str
    label: str
    weight: Decimal
    rating: int | None
    value: float | None
    unit: Any
    target: float | None
    points: Decimal | None  # None: not applicable (or not rated yet)
    contribution: Decimal | None  # score points it adds
    explanation: str


def lines_of(details: list[dict[str, Any]]) -> list[Line]:
    """An appraisal's stored lines in the reader's language, with what each adds to the score."""
    applicable = [d for d in details or () if d.get("points") is not None]
    total = sum((Decimal(d["weight"]) for d in applicable), Decimal(0)) or Decimal(1)
    lines = []
    for d in details or ():
        weight, points = Decimal(d["weight"]), None if d.get("points") is None else Decimal(d["points"])
        rule = RULES.get(d.get("rule") or "")
        lines.append(
            Line(
                indicator=d["indicator"],
                role=d["role"],
                role_label=role_label(d["role"]),
                rule=d.get("rule") or "",
                label=d["label"],
                weight=weight,
                rating=d.get("rating"),
                value=d.get("value"),
                unit=rule.unit if rule else "",
                target=d.get("target"),
                points=points,
                contribution=None if points is None else (weight * points / total * 100).quantize(Decimal("0.01")),
                explanation=Note(d.get("note") or "", d.get("params") or {}).explain(),
            )
        )
    return lines


def ratings_of(appraisal: Appraisal) -> dict[int, int]:
    return dict(appraisal.ratings.values_list("indicator_id", "value"))


# --- the facts of the computed indicators ------------------------------------------------------------------------


def _reporting(groups: list[tuple[int, dt.date, str, dt.date | None]]) -> dict[int, Reporting]:
    """A KUBE owes reports for the months that begin after its founding, until it closed (inactive, graduated)."""
    closed = (Group.Status.INACTIVE, Group.Status.GRADUATED)
    reporting = {}
    for pk, founded_on, status, changed_on in groups:
        since = None if status == Group.Status.FORMING else founded_on
        until = changed_on if status in closed else None
        reporting[pk] = Reporting(since, until)
    return reporting


def appraisal_facts(*, companion: Companion, period: dt.date, today: dt.date | None = None) -> QuarterFacts:
    """Everything the computed rules read about a companion's quarter, in eight small queries."""
    today = today or timezone.localdate()
    first, last = period, quarter_end(period)
    rows = Assignment.objects.filter(companion=companion, started_on__lte=last).exclude(ended_on__lt=first)
    stints = tuple(Stint(*row) for row in rows.values_list("group_id", "started_on", "ended_on").order_by("pk"))
    ids = {s.group_id for s in stints}
    groups = Group.objects.filter(pk__in=ids).values_list("pk", "founded_on", "status", "status_changed_on")
    reports = MonthlyReport.objects.filter(group_id__in=ids, period__range=(first, last))
    follow_ups = FollowUp.objects.filter(visit__companion=companion, due_on__range=(first, last))
    visits = Visit.objects.filter(companion=companion, on__range=(first, last)).values_list("group_id", "on")
    end = min(last, today)
    held = {s.group_id for s in stints if s.covers(end)}
    scores = GroupScore.objects.filter(group_id__in=held, group__status=Group.Status.ACTIVE)
    levels = level_choices()
    return QuarterFacts(
        period=period,
        today=today,
        stints=stints,
        visits=tuple(visits),
        reporting=_reporting(list(groups)),
        reports={
            (g, p): timezone.localdate(at) for g, p, at in reports.values_list("group_id", "period", "submitted_at")
        },
        due_day=report_settings().report_due_day,
        follow_ups=tuple(follow_ups.values_list("due_on", "done_on").order_by("due_on", "pk")),
        levels_now={g: (lv, s) for g, lv, s in scores.values_list("group_id", "level_position", "score")},
        levels_before=_levels_before(companion, period),
        lowest_level=levels[0][0] if levels else 1,
        lowest_name=levels[0][1] if levels else "tumbuh",
    )


def _levels_before(companion: Companion, period: dt.date) -> dict[int, tuple[int, Decimal]] | None:
    earlier = Appraisal.objects.filter(companion=companion, status=Appraisal.Status.FINAL, period__lt=period)
    details = earlier.order_by("-period").values_list("details", flat=True).first()
    return levels_recorded(details) if details else None


# --- the headline indicator --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareRow:
    code: str
    name: str
    appraised: int  # final appraisals of the quarter
    performing_well: int
    share: float | None  # % performing well; None: nobody appraised
    active: int = 0  # active companions now

    @property
    def against_baseline(self) -> float | None:
        return None if self.share is None else round(self.share - BASELINE, 1)


@dataclass(frozen=True)
class TrendPoint:
    period: dt.date
    appraised: int
    performing_well: int
    share: float | None

    @property
    def label(self) -> str:
        return quarter_label(self.period)


@dataclass(frozen=True)
class Headline:
    period: dt.date
    baseline: int
    province_wide: bool  # the total is the whole province's (admins), not only the user's regencies
    total: ShareRow
    regencies: list[ShareRow]
    trend: list[TrendPoint]


def _appraised() -> Count:
    return Count("pk")


def _well() -> Count:
    return Count("pk", filter=Q(performing_well=True))


def _share() -> Any:
    # NULLIF: no appraisal gives no share (PostgreSQL refuses a division by zero, even of floats)
    return Cast(_well(), FloatField()) * 100.0 / NullIf(Cast(_appraised(), FloatField()), 0.0)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def performing_well_share(*, user: Any, period: dt.date) -> Headline:
    """Of the quarter's FINAL appraisals the user sees, the share performing well: in all and per regency, counted
    and divided by the database; and the same share for each of the last quarters up to this one."""
    final = Appraisal.objects.visible_to(user).filter(status=Appraisal.Status.FINAL)
    of_quarter = final.filter(period=period)
    rows = (
        of_quarter.values("regency_id", regency_name=F("regency__name"))
        .annotate(appraised=_appraised(), well=_well(), share=_share())
        .order_by("regency_id")
    )
    regencies = {
        r["regency_id"]: ShareRow(r["regency_id"], r["regency_name"], r["appraised"], r["well"], _rounded(r["share"]))
        for r in rows
    }
    active = (
        Companion.objects.visible_to(user)
        .filter(status=Companion.Status.ACTIVE)
        .values("regency_id", regency_name=F("regency__name"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    for a in active:
        row = regencies.get(a["regency_id"]) or ShareRow(a["regency_id"], a["regency_name"], 0, 0, None)
        regencies[a["regency_id"]] = replace(row, active=a["n"])
    totals = of_quarter.aggregate(appraised=_appraised(), well=_well(), share=_share())
    active_total = sum(r.active for r in regencies.values())
    total = ShareRow("", "", totals["appraised"], totals["well"] or 0, _rounded(totals["share"]), active_total)
    since = add_quarters(period, 1 - TREND_QUARTERS)
    trend_rows = (
        final.filter(period__range=(since, period))
        .values("period")
        .annotate(appraised=_appraised(), well=_well(), share=_share())
        .order_by("period")
    )
    trend = [TrendPoint(t["period"], t["appraised"], t["well"], _rounded(t["share"])) for t in trend_rows]
    province_wide = bool(getattr(user, "is_province_admin", False))
    return Headline(period, BASELINE, province_wide, total, [regencies[code] for code in sorted(regencies)], trend)


def latest_appraised_quarter(*, user: Any) -> dt.date:
    """The newest quarter with a final appraisal the user sees; else the last finished quarter."""
    final = Appraisal.objects.visible_to(user).filter(status=Appraisal.Status.FINAL)
    latest = final.order_by("-period").values_list("period", flat=True).first()
    return latest or add_quarters(this_quarter(), -1)


# --- who needs coaching ------------------------------------------------------------------------------------------


def companions_needing_coaching(*, user: Any, period: dt.date, regency: str = "") -> QuerySet[Appraisal]:
    """The quarter's final appraisals NOT performing well, lowest score first; `coaching_reasons` says why."""
    qs = Appraisal.objects.visible_to(user).filter(status=Appraisal.Status.FINAL, period=period, performing_well=False)
    if re.fullmatch(r"[0-9]{2}\.[0-9]{2}", regency):
        qs = qs.filter(regency_id=regency)
    return qs.select_related("companion", "regency").order_by("score", "companion__name", "id")


@dataclass(frozen=True)
class Reason:
    label: str
    role_label: str
    weight: Decimal
    points: Decimal
    lost: Decimal  # score points this indicator costs
    explanation: str


def coaching_reasons(appraisal: Appraisal, *, limit: int = 3) -> list[Reason]:
    """The indicators that pull the score down most (weight × missing points), from the stored details."""
    return [_reason(drag) for drag in pulling_down(appraisal.details, limit=limit)]


def _reason(drag: Drag) -> Reason:
    d = drag.line
    explanation = Note(d.get("note") or "", d.get("params") or {}).explain()
    return Reason(d["label"], role_label(d["role"]), Decimal(d["weight"]), Decimal(d["points"]), drag.lost, explanation)
