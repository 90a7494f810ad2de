"""Covariates of a study's respondents and their baseline balance (pendamping.stats.design)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Case, FloatField, Min, Value, When
from django.utils import timezone

from pendamping.evaluation.models import Arm, Response, Study
from pendamping.evaluation.selectors.studies import companion_model
from pendamping.stats import NotTestable
from pendamping.stats.design import BalanceRow, balance

COVARIATES = ("education", "experience_years", "regency", "baseline_score")


def _years(first: dt.date | None, on: dt.date) -> float:
    return round(max((on - first).days, 0) / 365.25, 2) if first else 0.0


def companion_covariates(companions: Iterable[Any], *, on: dt.date | None = None) -> dict[int, dict[str, Any]]:
    """{companion id: {"id", "education", "regency", "experience_years"}}: experience counts the years since the
    companion's first KUBE assignment, up to `on` (today unless given)."""
    on = on or timezone.localdate()
    rows = (
        companion_model()
        .objects.filter(pk__in=[c.pk for c in companions])
        .annotate(first=Min("assignments__started_on"))
        .values_list("pk", "education", "regency_id", "first")
    )
    return {
        pk: {"id": str(pk), "education": edu, "regency": regency, "experience_years": _years(first, on)}
        for pk, edu, regency, first in rows
    }


def baseline_scores(*, study: Study, wave: str = "pre") -> dict[int, float]:
    """{respondent id: share of favourable answers in the baseline wave}."""
    favourable = Case(When(option__favourable=True, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
    rows = (
        Response.objects.filter(respondent__study=study, wave__code=wave)
        .values("respondent_id")
        .annotate(score=Avg(favourable))
        .values_list("respondent_id", "score")
    )
    return {pk: float(score) for pk, score in rows}


def respondent_covariates(*, study: Study) -> dict[str, list[dict[str, Any]]]:
    """Per arm, each respondent's covariates (None where unknown: an external person has no registry record)."""
    respondents = list(study.respondents.select_related("arm", "companion"))
    people = companion_covariates([r.companion for r in respondents if r.companion], on=study.starts_on)
    scores = baseline_scores(study=study)
    groups: dict[str, list[dict[str, Any]]] = {Arm.Code.TREATMENT: [], Arm.Code.CONTROL: []}
    for r in respondents:
        known = people.get(r.companion_id or 0, {})
        groups[r.arm.code].append(
            {
                "id": r.pseudonym,
                "education": known.get("education"),
                "experience_years": known.get("experience_years"),
                "regency": r.regency_id,
                "baseline_score": scores.get(r.pk),
            }
        )
    return groups


@dataclass
class BalanceReport:
    """Standardised mean differences per covariate (treatment minus control); `untestable` says which
    covariates could not be judged, and why."""

    rows: list[BalanceRow] = field(default_factory=list)
    untestable: dict[str, str] = field(default_factory=dict)


def study_balance(*, study: Study, covariates: tuple[str, ...] = COVARIATES) -> BalanceReport:
    groups = respondent_covariates(study=study)
    report = BalanceReport()
    for name in covariates:
        try:
            report.rows += balance(groups, covariates=[name])
        except (NotTestable, ValueError) as exc:
            report.untestable[name] = str(exc)
    return report
