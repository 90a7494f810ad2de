"""Reads of the KUBE classification: the scoped ranking, the outstanding KUBE (internship hosts), one KUBE's
score explained, and the facts the scoring rules read, gathered for a whole regency in a few queries."""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from pendamping.enterprise.models import (
    GroupScore,
    IksEntry,
    Indicator,
    Level,
    MonthlyReport,
    Rubric,
    WelfareRecord,
)
from pendamping.enterprise.scoring import RULES, GroupFacts, MemberFacts, Note, ReportFacts, window_of
from pendamping.registry.models import BOARD, Grant, Group, Membership

# --- lists ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassificationFilters:
    """The ranking's filters; a value of the wrong shape is ignored, so a forged one cannot widen the list."""

    regency: str = ""
    level: str = ""
    outstanding: str = ""
    q: str = ""

    @classmethod
    def from_params(cls, params: Any) -> "ClassificationFilters":
        return cls(**{k: str(params.get(k, "") or "").strip()[:60] for k in cls.__dataclass_fields__})

    @property
    def outstanding_only(self) -> bool:
        return self.outstanding.lower() in {"1", "true", "on", "yes"}


def classification_list(*, user: Any, filters: ClassificationFilters) -> QuerySet[GroupScore]:
    """Scores of the active KUBE the user sees, by regency then rank."""
    qs = GroupScore.objects.visible_to(user).filter(group__status=Group.Status.ACTIVE)
    if re.fullmatch(r"\d{2}\.\d{2}", filters.regency):
        qs = qs.filter(regency_id=filters.regency)
    if filters.level.isdigit():
        qs = qs.filter(level_position=int(filters.level))
    if filters.outstanding_only:
        qs = qs.filter(outstanding=True)
    if filters.q:
        qs = qs.filter(Q(group__name__icontains=filters.q) | Q(group__code__startswith=filters.q))
    rank = F("rank_in_regency").asc(nulls_last=True)
    return qs.select_related("group", "group__desa", "regency").order_by("regency__name", "regency_id", rank, "pk")


def outstanding_groups(*, user: Any = None, regency: str | None = None, sector: str | None = None) -> QuerySet[Group]:
    """The outstanding (berprestasi) active KUBE: the eligible internship hosts, best first in each regency, each
    with its `score`. `user=None` is the system (every regency)."""
    qs = Group.objects.all() if user is None else Group.objects.visible_to(user)
    qs = qs.filter(status=Group.Status.ACTIVE, score__outstanding=True)
    if regency:
        qs = qs.filter(regency_id=regency)
    if sector:
        qs = qs.filter(sector=sector)
    return qs.select_related("score", "regency", "desa").order_by("regency_id", "score__rank_in_regency", "code")


def group_score(*, group: Group) -> GroupScore | None:
    """The KUBE's score, if it is classified (active KUBE only)."""
    return GroupScore.objects.filter(group=group, group__status=Group.Status.ACTIVE).first()


def is_classified(group: Group) -> bool:
    """Whether the KUBE takes part in the classification: active KUBE only (see services.classification)."""
    return group.status == Group.Status.ACTIVE


def regency_ranked(*, regency_id: str) -> int:
    """How many KUBE the regency's ranking holds (a number, no names: "3rd of 17")."""
    return GroupScore.objects.filter(regency_id=regency_id, group__status=Group.Status.ACTIVE).count()


def rubric_in_use() -> Rubric | None:
    """The rubric in use with its levels, for pages that state the rules."""
    return Rubric.objects.filter(is_active=True).prefetch_related("levels").first()


def level_choices() -> list[tuple[int, str]]:
    """The levels of the rubric in use, lowest first (the ranking's level filter)."""
    levels = Level.objects.filter(rubric__is_active=True).order_by("position")
    return [(level.position, level.name) for level in levels]


def last_computed(*, user: Any) -> dt.datetime | None:
    """When the scores the user sees were last computed."""
    latest = GroupScore.objects.visible_to(user).order_by("-computed_at")
    return latest.values_list("computed_at", flat=True).first()


@dataclass(frozen=True)
class RegencySummary:
    regency_id: str
    regency: str
    scored: int
    outstanding: int
    levels: dict[str, int]  # level name -> KUBE at that level


def regency_summaries(*, regencies: Sequence[str] | None = None) -> list[RegencySummary]:
    """Per regency: KUBE scored, how many at each level, how many outstanding (the command's summary)."""
    qs = GroupScore.objects.filter(group__status=Group.Status.ACTIVE)
    if regencies:
        qs = qs.filter(regency_id__in=regencies)
    rows = qs.values("regency_id", "regency__name", "level_position", "level_name").annotate(
        n=Count("pk"), top=Count("pk", filter=Q(outstanding=True))
    )
    merged: dict[str, list[Any]] = {}
    for row in sorted(rows, key=lambda r: (r["regency_id"], r["level_position"])):
        entry = merged.setdefault(row["regency_id"], [row["regency__name"], 0, 0, {}])
        entry[1], entry[2] = entry[1] + row["n"], entry[2] + row["top"]
        entry[3][row["level_name"]] = entry[3].get(row["level_name"], 0) + row["n"]
    return [RegencySummary(code, name, n, top, levels) for code, (name, n, top, levels) in merged.items()]


# --- one score explained --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorLine:
    rule: str
    label: str
    aspect: str
    weight: Decimal
    target: float | None
    unit: Any
    value: float | None
    points: Decimal
    contribution: Decimal  # score points this indicator adds (weight × points / total weight × 100)
    explanation: str


@dataclass(frozen=True)
class AspectTotal:
    aspect: str
    label: Any
    weight: Decimal
    possible: Decimal  # the most this aspect can add to the score
    earned: Decimal
    lines: list[IndicatorLine]


@dataclass(frozen=True)
class Breakdown:
    lines: list[IndicatorLine]
    aspects: list[AspectTotal]


def score_breakdown(*, score: GroupScore) -> Breakdown:
    """The score's indicators in the reader's language, and what each aspect adds to the score."""
    details = list(score.details or [])
    total = sum((Decimal(d["weight"]) for d in details), Decimal(0)) or Decimal(1)
    lines = [_line(d, total) for d in details]
    aspects = []
    for aspect, label in Indicator.Aspect.choices:
        mine = [line for line in lines if line.aspect == aspect]
        if mine:
            weight = sum((line.weight for line in mine), Decimal(0))
            possible = (weight / total * 100).quantize(Decimal("0.01"))
            earned = sum((line.contribution for line in mine), Decimal(0))
            aspects.append(AspectTotal(aspect, label, weight, possible, earned, mine))
    return Breakdown(lines=lines, aspects=aspects)


def _line(detail: dict[str, Any], total: Decimal) -> IndicatorLine:
    weight, points = Decimal(detail["weight"]), Decimal(detail["points"])
    rule = RULES.get(detail["rule"])
    return IndicatorLine(
        rule=detail["rule"],
        label=detail["label"],
        aspect=detail["aspect"],
        weight=weight,
        target=detail.get("target"),
        unit=rule.unit if rule else "",
        value=detail.get("value"),
        points=points,
        contribution=(weight * points / total * 100).quantize(Decimal("0.01")),
        explanation=Note(detail["note"], detail.get("params") or {}).explain(),
    )


# --- the facts the rules read ---------------------------------------------------------------------------------


def scoring_facts(
    *, groups: Sequence[Group], today: dt.date, window_months: int, due_day: int, regency: str | None = None
) -> dict[int, GroupFacts]:
    """Facts for each KUBE of `groups`, in six queries whatever their number. With `regency`, the queries select
    by regency (all of `groups` must be in it) rather than by a long list of ids."""
    ids = [g.pk for g in groups]
    where: dict[str, Any] = {"group__regency_id": regency} if regency else {"group_id__in": ids}
    windows = {g.pk: window_of(today, window_months, g.founded_on) for g in groups}
    reports, report_iks = _reports(where)
    members, board, family_group = _members(where)
    grants = dict(
        Grant.objects.filter(**where).values("group_id").annotate(t=Sum("amount")).values_list("group_id", "t")
    )
    since = min((w[0] for w in windows.values() if w), default=today)
    iks = _iks_months(where, since)
    incomes = _incomes(where, family_group)
    return {
        pk: GroupFacts(
            today=today,
            window=windows[pk],
            reports=tuple(reports.get(pk, ())),
            members=tuple(members.get(pk, ())),
            board_filled=len(board.get(pk, ())),
            grant_total=int(grants.get(pk) or 0),
            iks_months=frozenset(iks.get(pk, set()) | report_iks.get(pk, set())),
            incomes=tuple(incomes.get(pk, ())),
            due_day=due_day,
        )
        for pk in ids
    }


def _reports(where: dict[str, Any]) -> tuple[dict[int, list[ReportFacts]], dict[int, set[dt.date]]]:
    """Every report of the KUBE, oldest first, and the months whose report collected IKS."""
    fields = ("group_id", "period", "revenue", "profit", "capital_assets", "members_active", "meetings_held")
    rows = MonthlyReport.objects.filter(**where).order_by("group_id", "period")
    reports: dict[int, list[ReportFacts]] = defaultdict(list)
    iks: dict[int, set[dt.date]] = defaultdict(set)
    for row in rows.values_list(*fields, "submitted_at", "iks_collected"):
        group_id, period, revenue, profit, assets, active, meetings, submitted_at, collected = row
        submitted = timezone.localdate(submitted_at)
        reports[group_id].append(ReportFacts(period, revenue, profit, assets, active, meetings, submitted))
        if collected:
            iks[group_id].add(period)
    return reports, iks


def _members(where: dict[str, Any]) -> tuple[dict[int, list[MemberFacts]], dict[int, set[str]], dict[int, int]]:
    """Memberships per KUBE (past ones too), the board roles held now, and each current member's KUBE."""
    members: dict[int, list[MemberFacts]] = defaultdict(list)
    board: dict[int, set[str]] = defaultdict(set)
    family_group: dict[int, int] = {}
    rows = Membership.objects.filter(**where).values_list("group_id", "family_id", "role", "joined_on", "left_on")
    for group_id, family_id, role, joined_on, left_on in rows:
        members[group_id].append(MemberFacts(joined_on, left_on))
        if left_on is None:
            family_group[family_id] = group_id
            if role in BOARD:
                board[group_id].add(role)
    return members, board, family_group


def _iks_months(where: dict[str, Any], since: dt.date) -> dict[int, set[dt.date]]:
    """Months with an IKS contribution: a report's line counts for the report's month, others by their date.
    The month is taken in Python: PostgreSQL's COALESCE of a date and DATE_TRUNC gives a timestamp, and a
    datetime never equals the date of a window month."""
    rows = (
        IksEntry.objects.filter(kind=IksEntry.Kind.IN, on__gte=since - dt.timedelta(days=62), **where)
        .values_list("group_id", "report__period", "on")
        .order_by()
    )
    months: dict[int, set[dt.date]] = defaultdict(set)
    for group_id, period, on in rows:
        months[group_id].add(period or on.replace(day=1))
    return months


def _incomes(where: dict[str, Any], family_group: dict[int, int]) -> dict[int, list[tuple[int, int]]]:
    """Per KUBE, (income at joining, latest later income) of each current member family that has both."""
    current = Membership.objects.filter(left_on__isnull=True, **where).values("family_id")
    rows = WelfareRecord.objects.filter(family_id__in=current).order_by("family_id", "recorded_on", "id")
    records: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for family_id, *record in rows.values_list("family_id", "group_id", "kind", "recorded_on", "monthly_income"):
        records[family_id].append(tuple(record))
    incomes: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for family_id, history in records.items():
        kube = family_group.get(family_id)
        pair = _income_pair(history, kube) if kube is not None else None
        if kube is not None and pair is not None:
            incomes[kube].append(pair)
    return incomes


def _income_pair(history: list[tuple[Any, ...]], kube: int) -> tuple[int, int] | None:
    """History rows are (KUBE, kind, date, income), oldest first. The base is the joining record made for this
    KUBE, else the family's latest joining record, else its first record; the latest record after it is compared."""
    joinings = [r for r in history if r[1] == WelfareRecord.Kind.JOINING]
    here = [r for r in joinings if r[0] == kube]
    base = (here or joinings or history[:1])[-1]
    later = [r for r in history if r[2] > base[2]]
    return (base[3], later[-1][3]) if later else None
