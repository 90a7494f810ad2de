"""The study design helper: random assignment to arms stratified by regency when the office can randomise,
matched controls when it cannot (pendamping.stats.design does the arithmetic)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require
from pendamping.audit.services import audit_record
from pendamping.evaluation.models import Arm, Respondent, Study
from pendamping.evaluation.selectors.design import companion_covariates
from pendamping.evaluation.services.respondents import study_assign_respondents
from pendamping.stats.design import Match, match_controls, randomise

MATCH_COVARIATES = ("education", "experience_years")


@dataclass
class DesignOutcome:
    """Who went where: the respondents added, and for matching each treated respondent's matches."""

    added: list[Respondent] = field(default_factory=list)
    arms: dict[str, str] = field(default_factory=dict)  # companion id -> arm
    matches: list[Match] = field(default_factory=list)


def _fresh(study: Study, companions: Iterable[Any]) -> list[Any]:
    people = list({c.pk: c for c in companions}.values())
    if not people:
        raise ValidationError({"companions": _("Choose at least one companion.")})
    taken = set(study.respondents.filter(companion__in=people).values_list("companion_id", flat=True))
    if taken:
        raise ValidationError(
            {"companions": _("%(n)d of these companions are respondents already.") % {"n": len(taken)}}
        )
    return people


@transaction.atomic
def study_design_randomise(
    *, actor: Any, study: Study, companions: Iterable[Any], seed: int, stratify: bool = True
) -> DesignOutcome:
    """Assign companions to the treatment and control arms at random, in permuted blocks within each regency
    (or all together), reproducibly: the same companions and seed give the same arms."""
    require(actor, "evaluation.manage")
    people = _fresh(study, companions)
    units = [{"id": str(c.pk), "regency": c.regency_id} for c in people]
    arms = randomise(units, strata_key="regency" if stratify else None, seed=seed)
    outcome = DesignOutcome(arms=arms)
    for arm in (Arm.Code.TREATMENT, Arm.Code.CONTROL):
        chosen = [c for c in people if arms[str(c.pk)] == arm]
        if chosen:
            outcome.added += study_assign_respondents(actor=actor, study=study, arm=arm, companions=chosen)
    design = {"design": "randomised", "seed": seed, "stratified_by": "regency" if stratify else "", "n": len(people)}
    audit_record(actor=actor, action="update", obj=study, after=design)
    return outcome


def _treated(study: Study) -> list[Any]:
    rows = study.respondents.filter(arm__code=Arm.Code.TREATMENT, companion__isnull=False).order_by("companion_id")
    rows = rows.select_related("companion")
    return [r.companion for r in rows]


@transaction.atomic
def study_design_match(
    *,
    actor: Any,
    study: Study,
    candidates: Iterable[Any],
    ratio: int = 1,
    caliper: float | None = None,
    seed: int = 0,
    covariates: Sequence[str] = MATCH_COVARIATES,
) -> DesignOutcome:
    """For each companion in the treatment arm, the closest control candidates: the same regency where
    possible, then the nearest on education and experience (optimal matching); the matched candidates join
    the control arm. External respondents have no registry covariates and are not matched."""
    require(actor, "evaluation.manage")
    treated = _treated(study)
    if not treated:
        raise ValidationError({"arms": _("The treatment arm has no registry companions to match controls to.")})
    pool = _fresh(study, candidates)
    known = companion_covariates([*treated, *pool], on=study.starts_on)
    try:
        matches = match_controls(
            [known[c.pk] for c in treated], [known[c.pk] for c in pool], exact=("regency",),
            covariates=tuple(covariates), ratio=ratio, caliper=caliper, seed=seed,
        )  # fmt: skip
    except ValueError as exc:
        raise ValidationError({"candidates": str(exc)}) from None
    chosen_ids = {int(cid) for m in matches for cid in m.control_ids}
    outcome = DesignOutcome(matches=matches)
    chosen = [c for c in pool if c.pk in chosen_ids]
    if chosen:
        outcome.added = study_assign_respondents(actor=actor, study=study, arm=Arm.Code.CONTROL, companions=chosen)
    outcome.arms = {str(c.pk): Arm.Code.CONTROL for c in chosen}
    design = {"design": "matched", "seed": seed, "ratio": ratio, "caliper": caliper, "matched": len(chosen)}
    audit_record(actor=actor, action="update", obj=study, after=design)
    return outcome
