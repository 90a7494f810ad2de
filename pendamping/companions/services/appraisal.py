"""Writes of the quarterly appraisal: the rubric in use, starting a companion's appraisal for a quarter, the
supervising officer's ratings, finalising (the score and "performing well"), and the bulk computation the
`appraise_companions` command runs. The rules and the arithmetic are in companions.appraisal_rules.

A draft holds every line of the rubric: the computed ones as of its last computation, the rated ones as rated so
far. Finalising recomputes the data part, needs every rated indicator, and freezes the result."""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require, require_regency
from pendamping.audit.services import audit_record, snapshot
from pendamping.companions.appraisal_rules import (
    RULES,
    computed_line,
    quarter_label,
    quarter_start,
    rated_line,
    score_of,
)
from pendamping.companions.models import Appraisal, AppraisalIndicator, AppraisalRubric, Companion, Rating
from pendamping.companions.selectors.appraisal import (
    active_companions,
    appraisal_facts,
    appraisals_of_quarter,
    rubric_specs,
)
from pendamping.core.concurrency import check_version
from pendamping.registry.services._common import save_checked

# The default rubric (also written by migration 0003, which keeps its own copy). Labels are data, in the office's
# language. Rated by the officer 60, computed from data 40.
DEFAULT_NAME = "Penilaian pendamping (bawaan)"
DEFAULT_THRESHOLD = Decimal(70)
DEFAULT_VISITS_PER_MONTH = Decimal(1)
DEFAULT_INDICATORS = [
    ("resource", "", "Menjelaskan pengetahuan usaha dan pembukuan", 10),
    ("resource", "", "Membawa informasi pasar dan harga", 10),
    ("motivator", "", "Anggota hadir dalam pertemuan kelompok", 7),
    ("motivator", "", "IKS dibayar teratur", 6),
    ("motivator", "", "Semangat dan kekompakan kelompok", 7),
    ("facilitator", "", "Menghubungkan kelompok dengan mitra dan layanan", 10),
    ("facilitator", "", "Menyelesaikan masalah dan konflik kelompok", 10),
    ("data", "visits_per_month", "Kunjungan per KUBE per bulan", 10),
    ("data", "reports_on_time", "Laporan bulanan tepat waktu", 10),
    ("data", "classification_trend", "Tren klasifikasi KUBE", 10),
    ("data", "followups_on_time", "Tindak lanjut selesai tepat waktu", 10),
]


# --- the rubric -------------------------------------------------------------------------------------------------


def indicator_problems(indicators: Sequence[tuple[str, str, Decimal | None]]) -> list[str]:
    """Indicators as (role, rule, weight): at least one rated, rated ones without a rule, computed ones with a known
    rule, each rule once, weights above 0."""
    problems = []
    if not any(role != AppraisalIndicator.Role.DATA for role, _rule, _w in indicators):
        problems.append(_("A rubric needs at least one indicator rated by the officer."))
    rules = [rule for role, rule, _w in indicators if role == AppraisalIndicator.Role.DATA]
    if any(rule for role, rule, _w in indicators if role != AppraisalIndicator.Role.DATA):
        problems.append(_("Indicators rated by the officer have no computed rule; choose the role “outcomes”."))
    if "" in rules:
        problems.append(_("An outcome indicator needs the rule it is computed by."))
    if unknown := sorted({rule for rule in rules if rule and rule not in RULES}):
        problems.append(_("Unknown computed rules: %(rules)s.") % {"rules": ", ".join(unknown)})
    if repeated := sorted({rule for rule in rules if rule and rules.count(rule) > 1}):
        problems.append(_("Each computed rule once per rubric: %(rules)s.") % {"rules": ", ".join(repeated)})
    if any(weight is None or weight <= 0 for _role, _rule, weight in indicators):
        problems.append(_("Every indicator needs a weight above 0."))
    return problems


def rubric_ensure_default() -> AppraisalRubric:
    """The rubric in use; the default one, created and put in use, when there is none."""
    with transaction.atomic():
        rubric = AppraisalRubric.objects.select_for_update().filter(is_active=True).first()
        if rubric is not None:
            return rubric
        rubric = AppraisalRubric.objects.create(
            name=DEFAULT_NAME,
            is_active=True,
            threshold=DEFAULT_THRESHOLD,
            visits_per_month=DEFAULT_VISITS_PER_MONTH,
        )
        AppraisalIndicator.objects.bulk_create(
            AppraisalIndicator(rubric=rubric, role=role, rule=rule, label=label, weight=Decimal(w), position=i)
            for i, (role, rule, label, w) in enumerate(DEFAULT_INDICATORS)
        )
        audit_record(actor=None, action="create", obj=rubric, after=snapshot(rubric))
        return rubric


def rubrics_deactivate(*, actor: Any, keep: AppraisalRubric) -> None:
    """Take every other rubric out of use, so `keep` can be the one in use (one at a time)."""
    require(actor, "appraisal.manage")
    with transaction.atomic():
        for other in AppraisalRubric.objects.select_for_update().filter(is_active=True).exclude(pk=keep.pk):
            before = snapshot(other)
            other.is_active = False
            other.version += 1
            other.save(update_fields=["is_active", "version"])
            audit_record(actor=actor, action="update", obj=other, before=before, after=snapshot(other))


# --- lines ------------------------------------------------------------------------------------------------------


def _lines(appraisal: Appraisal, ratings: dict[int, int], *, fresh: bool) -> list[dict[str, Any]]:
    """Every line of the appraisal's rubric. `fresh`: compute the data part now; else keep the stored one."""
    rubric = appraisal.rubric
    stored = {d.get("indicator"): d for d in appraisal.details or ()}
    facts = appraisal_facts(companion=appraisal.companion, period=appraisal.period) if fresh else None
    lines = []
    for spec in rubric_specs(rubric):
        if spec.role != AppraisalIndicator.Role.DATA:
            lines.append(rated_line(spec, ratings.get(spec.id)))
        elif facts is not None or spec.id not in stored:
            facts = facts or appraisal_facts(companion=appraisal.companion, period=appraisal.period)
            lines.append(computed_line(spec, facts, rubric.visits_per_month))
        else:
            lines.append(stored[spec.id])
    return lines


def _with_ratings(appraisal: Appraisal) -> dict[str, Any]:
    """The audit trail's view of an appraisal: its fields and its ratings by indicator."""
    ratings = {str(r.indicator_id): r.value for r in Rating.objects.filter(appraisal=appraisal)}
    return {**snapshot(appraisal), "ratings": ratings}


def _locked(appraisal: Appraisal, actor: Any) -> Appraisal:
    require(actor, "appraisal.rate")
    locked = Appraisal.objects.select_for_update(of=("self",)).select_related("companion", "rubric")
    appraisal = locked.get(pk=appraisal.pk)
    require_regency(actor, appraisal.regency_id, field="companion")
    if appraisal.status == Appraisal.Status.FINAL:
        raise ValidationError(_("This appraisal is final; it can no longer change."))
    return appraisal


def _by(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- start, rate, finalise ---------------------------------------------------------------------------------------


def _refuse_start(companion: Companion, period: dt.date) -> None:
    if companion.status != Companion.Status.ACTIVE:
        message = _("Only active companions are appraised; %(name)s is %(status)s.")
        raise ValidationError(
            {"companion": message % {"name": companion.name, "status": companion.get_status_display()}}
        )
    if period > quarter_start(timezone.localdate()):
        raise ValidationError(
            {"period": _("%(q)s has not begun; appraise a quarter that has.") % {"q": quarter_label(period)}}
        )
    if Appraisal.objects.filter(companion=companion, period=period).exists():
        raise ValidationError(
            {
                "period": _("%(name)s already has an appraisal for %(q)s.")
                % {"name": companion.name, "q": quarter_label(period)}
            }
        )


@transaction.atomic
def appraisal_start(*, actor: Any, companion: Companion, period: dt.date) -> Appraisal:
    """A draft appraisal of an ACTIVE companion for the quarter holding `period` (this one or an earlier one), under
    the rubric in use, with its computed indicators filled in."""
    require(actor, "appraisal.rate")
    companion = Companion.objects.select_for_update().get(pk=companion.pk)
    require_regency(actor, companion.regency_id, field="companion")
    period = quarter_start(period)
    _refuse_start(companion, period)
    rubric = AppraisalRubric.objects.filter(is_active=True).first()
    if rubric is None:
        raise ValidationError(_("No appraisal rubric is in use; an administrator sets one up."))
    appraisal = Appraisal(
        companion=companion, regency_id=companion.regency_id, period=period, rubric=rubric, appraiser=_by(actor)
    )
    appraisal.details = _lines(appraisal, {}, fresh=True)
    try:
        with transaction.atomic():
            save_checked(appraisal, exclude=["companion", "rubric", "regency", "appraiser"])
    except IntegrityError:
        raise ValidationError({"period": _("This appraisal was just started by someone else; reload.")}) from None
    audit_record(actor=actor, action="create", obj=appraisal, after=_with_ratings(appraisal))
    return appraisal


def _checked_ratings(appraisal: Appraisal, ratings: dict[Any, Any]) -> dict[int, int]:
    """Ratings by indicator id, each 1-4, for rated indicators of the appraisal's rubric; refusals name them."""
    rated = {spec.id: spec for spec in rubric_specs(appraisal.rubric) if spec.role != AppraisalIndicator.Role.DATA}
    if not ratings:
        raise ValidationError({"ratings": _("Give at least one rating.")})
    checked, problems = {}, []
    for key, value in ratings.items():
        spec = rated.get(int(key)) if str(key).isdigit() else None
        if spec is None:
            problems.append(_("%(id)s is not a rated indicator of this appraisal's rubric.") % {"id": key})
        elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
            problems.append(
                _("%(label)s: a rating is 1, 2, 3 or 4, not %(value)s.") % {"label": spec.label, "value": value}
            )
        else:
            checked[spec.id] = value
    if problems:
        raise ValidationError({"ratings": problems})
    return checked


@transaction.atomic
def appraisal_rate(*, actor: Any, appraisal: Appraisal, ratings: dict[Any, Any], version: int | None) -> Appraisal:
    """The supervising officer's ratings (indicator id -> 1..4) of a draft; given ones replace earlier ones."""
    appraisal = _locked(appraisal, actor)
    check_version(appraisal, version)
    checked = _checked_ratings(appraisal, ratings)
    before = _with_ratings(appraisal)
    for indicator_id, value in checked.items():
        Rating.objects.update_or_create(appraisal=appraisal, indicator_id=indicator_id, defaults={"value": value})
    all_ratings = dict(Rating.objects.filter(appraisal=appraisal).values_list("indicator_id", "value"))
    appraisal.details = _lines(appraisal, all_ratings, fresh=False)
    appraisal.appraiser = _by(actor) or appraisal.appraiser
    appraisal.version += 1
    appraisal.save()
    audit_record(actor=actor, action="update", obj=appraisal, before=before, after=_with_ratings(appraisal))
    return appraisal


@transaction.atomic
def appraisal_finalise(*, actor: Any, appraisal: Appraisal, version: int | None = None) -> Appraisal:
    """Recompute the data part, score the appraisal and freeze it: score = Σ(weight × points) / Σ(weight) × 100
    over the lines that apply; performing well when the score reaches the rubric's threshold."""
    appraisal = _locked(appraisal, actor)
    check_version(appraisal, version)
    ratings = dict(Rating.objects.filter(appraisal=appraisal).values_list("indicator_id", "value"))
    specs = rubric_specs(appraisal.rubric)
    missing = [s.label for s in specs if s.role != AppraisalIndicator.Role.DATA and s.id not in ratings]
    if missing:
        raise ValidationError(
            {
                "ratings": _("Rate every indicator before finalising; not rated yet: %(labels)s.")
                % {"labels": "; ".join(missing)}
            }
        )
    before = _with_ratings(appraisal)
    appraisal.details = _lines(appraisal, ratings, fresh=True)
    appraisal.score = score_of(appraisal.details)
    appraisal.performing_well = appraisal.score >= appraisal.rubric.threshold
    appraisal.status = Appraisal.Status.FINAL
    appraisal.appraiser = _by(actor) or appraisal.appraiser
    appraisal.version += 1
    appraisal.save()
    audit_record(actor=actor, action="update", obj=appraisal, before=before, after=_with_ratings(appraisal))
    return appraisal


@transaction.atomic
def appraisal_refresh(*, actor: Any, appraisal: Appraisal) -> bool:
    """Recompute a draft's data part from today's data; False when nothing changed."""
    appraisal = _locked(appraisal, actor)
    ratings = dict(Rating.objects.filter(appraisal=appraisal).values_list("indicator_id", "value"))
    details = _lines(appraisal, ratings, fresh=True)
    if details == appraisal.details:
        return False
    before = _with_ratings(appraisal)
    appraisal.details = details
    appraisal.version += 1
    appraisal.save()
    audit_record(actor=actor, action="update", obj=appraisal, before=before, after=_with_ratings(appraisal))
    return True


# --- the whole province, for the command ---------------------------------------------------------------------------


@dataclass
class Computed:
    started: int = 0  # new drafts
    refreshed: int = 0  # drafts whose data part changed
    unchanged: int = 0  # drafts as they were, and final appraisals (never touched)


def appraisals_compute_data(
    *, actor: Any, period: dt.date, regency: str | None = None, progress: Callable[[int, int], None] | None = None
) -> Computed:
    """A draft for every ACTIVE companion (of `regency`) without an appraisal for the quarter, and the data part of
    every draft recomputed; the ratings stay the officers'. Each companion in its own transaction."""
    require(actor, "appraisal.manage")
    period = quarter_start(period)
    if period > quarter_start(timezone.localdate()):
        raise ValidationError(
            {"period": _("%(q)s has not begun; appraise a quarter that has.") % {"q": quarter_label(period)}}
        )
    if AppraisalRubric.objects.filter(is_active=True).first() is None:
        raise ValidationError(_("No appraisal rubric is in use; an administrator sets one up."))
    done, companions = Computed(), list(active_companions(regency=regency).order_by("regency_id", "name", "id"))
    existing = appraisals_of_quarter(period=period)
    for i, companion in enumerate(companions, start=1):
        appraisal = existing.get(companion.pk)
        if appraisal is None:
            appraisal_start(actor=actor, companion=companion, period=period)
            done.started += 1
        elif appraisal.status == Appraisal.Status.DRAFT and appraisal_refresh(actor=actor, appraisal=appraisal):
            done.refreshed += 1
        else:
            done.unchanged += 1
        if progress is not None:
            progress(i, len(companions))
    return done
