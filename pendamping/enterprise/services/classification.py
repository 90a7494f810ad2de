"""KUBE classification: scores computed from the data under the rubric in use, ranked per regency, and the top
of each regency marked outstanding (berprestasi). Scores are derived data: never typed in, recomputed when the
data changes (services.rescore) or by `pendamping score_groups`.

Only ACTIVE KUBE are scored and ranked. A forming KUBE has no business yet; an inactive one has stopped; a
graduated (mandiri) KUBE has left the programme: nobody reports for it any more, so its score would only decay,
and the ranking compares the KUBE still being accompanied. Any of these loses its score row."""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require
from pendamping.audit.services import audit_record, snapshot
from pendamping.enterprise.models import EnterpriseSettings, GroupScore, Indicator, Level, Rubric
from pendamping.enterprise.scoring import (
    RULES,
    IndicatorSpec,
    Standing,
    evaluate,
    level_for,
    outstanding_ids,
    ranked,
    score_of,
)
from pendamping.enterprise.selectors.classification import scoring_facts
from pendamping.registry.models import Group

SCORE_FIELDS = ["regency", "rubric", "score", "level_position", "level_name", "months_reported", "details"]
RANK_FIELDS = ["rank_in_regency", "outstanding"]

# The default rubric (also written by migration 0002, which keeps its own copy): weights sum to 100, the
# economic aspect weighing most because the business is what lifts the families out of poverty.
DEFAULT_NAME = "Klasifikasi KUBE (bawaan)"  # data, like the level names: in the office's language
DEFAULT_LEVELS = [(1, "tumbuh", Decimal(0)), (2, "berkembang", Decimal(50)), (3, "maju", Decimal(75))]
DEFAULT_INDICATORS = [
    ("institutional", "board_complete", "Pengurus lengkap", 10),
    ("institutional", "meetings_per_month", "Pertemuan per bulan", 10),
    ("institutional", "reports_on_time", "Laporan tepat waktu", 10),
    ("social", "iks_regular", "IKS dibayar teratur", 10),
    ("social", "member_participation", "Partisipasi anggota", 10),
    ("social", "member_retention", "Retensi anggota", 10),
    ("economic", "profit_trend", "Tren laba 6 bulan", 15),
    ("economic", "asset_growth", "Aset terhadap bantuan", 15),
    ("economic", "income_change", "Perubahan pendapatan anggota", 10),
]


# --- the rubric -------------------------------------------------------------------------------------------------


def level_problems(levels: Sequence[tuple[int, Decimal]]) -> list[str]:
    """Levels as (position, min_score): at least one, the lowest from 0, thresholds rising with the position."""
    if not levels:
        return [_("A rubric needs at least one level.")]
    ordered = sorted(levels)
    problems = []
    if ordered[0][1] != 0:
        problems.append(_("The lowest level must start at score 0."))
    if any(b[1] <= a[1] for a, b in zip(ordered, ordered[1:], strict=False)):
        problems.append(_("Each level must start at a higher score than the level below it."))
    if any(not 0 <= score <= 100 for _position, score in ordered):
        problems.append(_("Level thresholds are scores from 0 to 100."))
    return problems


def indicator_problems(indicators: Sequence[tuple[str, Decimal | None]]) -> list[str]:
    """Indicators as (rule, weight): at least one, known rules, each once, weights above 0."""
    if not indicators:
        return [_("A rubric needs at least one indicator.")]
    problems = []
    rules = [rule for rule, _weight in indicators]
    if unknown := sorted({rule for rule in rules if rule not in RULES}):
        problems.append(_("Unknown scoring rules: %(rules)s.") % {"rules": ", ".join(unknown)})
    if len(set(rules)) != len(rules):
        problems.append(_("Each scoring rule may be used once per rubric."))
    if any(weight is None or weight <= 0 for _rule, weight in indicators):
        problems.append(_("Every indicator needs a weight above 0."))
    return problems


def min_level_problems(min_level: int, positions: Sequence[int]) -> list[str]:
    if positions and min_level not in positions:
        return [_("The lowest level for outstanding KUBE must be the position of one of the levels.")]
    return []


def rubric_check(rubric: Rubric) -> None:
    """Refuse a rubric that could not classify: the same checks as its admin page, for rubrics saved elsewhere."""
    levels = [(level.position, level.min_score) for level in rubric.levels.all()]
    indicators = [(i.rule, i.weight) for i in rubric.indicators.all()]
    problems = {
        "levels": level_problems(levels) + min_level_problems(rubric.outstanding_min_level, [p for p, _s in levels]),
        "indicators": indicator_problems(indicators),
    }
    if any(problems.values()):
        raise ValidationError({key: messages for key, messages in problems.items() if messages})


def active_rubric() -> Rubric | None:
    return Rubric.objects.filter(is_active=True).prefetch_related("levels", "indicators").first()


def rubric_ensure_default(*, actor: Any = None) -> Rubric:
    """The rubric in use; when there is none, the default one is created and put in use."""
    if (rubric := active_rubric()) is not None:
        return rubric
    require(actor, "classification.manage")
    with transaction.atomic():
        rubric = Rubric.objects.create(name=DEFAULT_NAME, is_active=True)
        Level.objects.bulk_create(
            Level(rubric=rubric, position=p, name=name, min_score=score) for p, name, score in DEFAULT_LEVELS
        )
        Indicator.objects.bulk_create(
            Indicator(rubric=rubric, aspect=aspect, rule=rule, label=label, weight=Decimal(weight), position=i)
            for i, (aspect, rule, label, weight) in enumerate(DEFAULT_INDICATORS)
        )
        audit_record(actor=actor, action="create", obj=rubric, after=snapshot(rubric))
    return active_rubric() or rubric


def rubrics_deactivate(*, actor: Any, keep: Rubric) -> None:
    """Take every other rubric out of use, so `keep` can be the one in use (one at a time)."""
    require(actor, "classification.manage")
    with transaction.atomic():
        for other in Rubric.objects.select_for_update().filter(is_active=True).exclude(pk=keep.pk):
            before = snapshot(other)
            other.is_active = False
            other.version += 1
            other.save(update_fields=["is_active", "version", "updated_at"])
            audit_record(actor=actor, action="update", obj=other, before=before, after=snapshot(other))


# --- scoring ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """A checked rubric in plain values, read once for a whole refresh."""

    rubric: Rubric
    specs: list[IndicatorSpec]
    levels: list[tuple[int, Decimal, str]]
    due_day: int


def _plan(rubric: Rubric | None = None) -> Plan | None:
    rubric = rubric or active_rubric()
    if rubric is None:
        return None
    rubric_check(rubric)
    aspects = list(Indicator.Aspect.values)  # institutional, social, economic: the order pages explain them in
    ordered = sorted(
        rubric.indicators.all(),
        key=lambda i: (aspects.index(i.aspect) if i.aspect in aspects else len(aspects), i.position, i.pk),
    )
    specs = [IndicatorSpec(i.rule, i.label, i.aspect, i.weight, i.target) for i in ordered]
    levels = [(level.position, level.min_score, level.name) for level in rubric.levels.all()]
    return Plan(rubric, specs, levels, EnterpriseSettings.current().report_due_day)


def _scores(groups: Sequence[Group], plan: Plan, *, today: dt.date, regency: str | None = None) -> list[GroupScore]:
    """Unsaved score rows of the KUBE (rank and outstanding not set)."""
    now = timezone.now()
    window = plan.rubric.window_months
    facts = scoring_facts(groups=groups, today=today, window_months=window, due_day=plan.due_day, regency=regency)
    rows = []
    for group in groups:
        details = [evaluate(facts[group.pk], spec) for spec in plan.specs]
        score = score_of(details)
        position, name = level_for(score, plan.levels)
        rows.append(
            GroupScore(
                group=group,
                regency_id=group.regency_id,
                rubric=plan.rubric,
                score=score,
                level_position=position,
                level_name=name,
                months_reported=facts[group.pk].months_reported(),
                details=details,
                computed_at=now,
            )
        )
    return rows


def group_score_compute(*, group: Group, rubric: Rubric | None = None) -> GroupScore | None:
    """Compute and save one KUBE's score (its rank comes from regency_rank). None when the KUBE is not classified
    (not active: its score row is removed) or no rubric is in use."""
    if group.status != Group.Status.ACTIVE:
        GroupScore.objects.filter(group=group).delete()
        return None
    plan = _plan(rubric)
    if plan is None:  # nothing to compute with: the scores stay as they were until a rubric is in use again
        return None
    row = _scores([group], plan, today=timezone.localdate())[0]
    values = {name: getattr(row, name) for name in (*SCORE_FIELDS, "computed_at")}
    score, _created = GroupScore.objects.update_or_create(group=group, defaults=values)
    return score


def _standing(row: GroupScore, code: str) -> Standing:
    return Standing(row.group_id, code, row.score, row.months_reported, row.level_position)


def _place(rows: Sequence[GroupScore], codes: dict[int, str], rubric: Rubric) -> list[GroupScore]:
    """Set rank and outstanding on a regency's rows; returns the rows whose rank or outstanding changed."""
    order = ranked(_standing(row, codes[row.group_id]) for row in rows)
    top = outstanding_ids(
        order,
        per_regency=rubric.outstanding_per_regency,
        min_level=rubric.outstanding_min_level,
        min_months=rubric.outstanding_min_months,
    )
    rank = {standing.group_id: i for i, standing in enumerate(order, start=1)}
    changed = []
    for row in rows:
        new = (rank[row.group_id], row.group_id in top)
        if (row.rank_in_regency, row.outstanding) != new:
            row.rank_in_regency, row.outstanding = new
            changed.append(row)
    return changed


def regency_rank(*, regency_code: str, rubric: Rubric | None = None) -> int:
    """Rank a regency's scored KUBE and mark its outstanding ones; rows of KUBE no longer active are removed.
    Returns the number ranked. The rows are locked, so two rescoring tasks of one regency rank in turn."""
    rubric = rubric or active_rubric()
    with transaction.atomic():
        rows = list(
            GroupScore.objects.select_for_update(of=("self",))
            .filter(regency_id=regency_code)
            .select_related("group")
            .order_by("pk")
        )
        gone = [row.pk for row in rows if row.group.status != Group.Status.ACTIVE]
        GroupScore.objects.filter(pk__in=gone).delete()
        rows = [row for row in rows if row.pk not in gone]
        if rubric is None or not rows:
            return len(rows)
        changed = _place(rows, {row.group_id: row.group.code for row in rows}, rubric)
        GroupScore.objects.bulk_update(changed, RANK_FIELDS)
    return len(rows)


def group_rescore(*, group_id: int) -> GroupScore | None:
    """What the rescoring task does after a KUBE's data changed: its score, then its regency's ranking."""
    group = Group.objects.filter(pk=group_id).first()
    if group is None:
        return None
    score = group_score_compute(group=group)
    regency_rank(regency_code=group.regency_id)
    return GroupScore.objects.filter(pk=score.pk).first() if score else None


def _refresh_regency(code: str, plan: Plan, today: dt.date) -> int:
    groups = list(
        Group.objects.filter(regency_id=code, status=Group.Status.ACTIVE).only("id", "code", "regency", "founded_on")
    )
    rows = _scores(groups, plan, today=today, regency=code)
    _place(rows, {g.pk: g.code for g in groups}, plan.rubric)
    with transaction.atomic():
        GroupScore.objects.filter(regency_id=code).exclude(group__in=[g.pk for g in groups]).delete()
        GroupScore.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["group"],
            update_fields=[*SCORE_FIELDS, *RANK_FIELDS, "computed_at"],
        )
    return len(rows)


def group_scores_refresh(
    *,
    regencies: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
) -> int:
    """Recompute every active KUBE's score (or those of `regencies`), regency by regency, and rank each regency.
    `progress(done, total)` is told the KUBE scored so far after each regency. `today` (default: today) is the
    day the months looked at end before (the demo passes its own). Returns the number scored."""
    plan = _plan()
    if plan is None:
        raise ValidationError(_("No classification rubric is in use; make one active in the administration."))
    active = Group.objects.filter(status=Group.Status.ACTIVE)
    stale = GroupScore.objects.exclude(group__status=Group.Status.ACTIVE)
    if regencies is not None:
        active, stale = active.filter(regency_id__in=regencies), stale.filter(regency_id__in=regencies)
    stale.delete()
    codes = sorted(set(active.values_list("regency_id", flat=True)))
    total, done = active.count(), 0
    for code in codes:
        done += _refresh_regency(code, plan, today or timezone.localdate())
        if progress is not None:
            progress(done, total)
    return done
