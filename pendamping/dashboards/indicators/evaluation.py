"""The latest evaluation study's headline: per aspect, whether the treatment arm changed more than the control
arm (difference-in-differences, Holm-adjusted p) and by how much, from the newest finished analysis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from pendamping.evaluation.models import Analysis


@dataclass(frozen=True)
class AspectLine:
    title: str
    significant: bool
    testable: bool
    did: float | None  # difference-in-differences of the aspect's score, in points
    ci_low: float | None
    ci_high: float | None
    p_adjusted: float | None


@dataclass(frozen=True)
class EvaluationHeadline:
    study: str
    finished: Any
    href: str
    aspects: list[AspectLine]


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _line(row: dict[str, Any]) -> AspectLine:
    effects = row.get("effect_sizes") or {}
    low, high = effects.get("ci") or (None, None)
    return AspectLine(
        title=str(row.get("aspect_title", "")),
        significant=row.get("decision") == "reject",
        testable=not row.get("not_testable"),
        did=_number(effects.get("did_estimate")),
        ci_low=_number(low),
        ci_high=_number(high),
        p_adjusted=_number(row.get("p_adjusted")),
    )


def evaluation_headline(*, user: Any) -> EvaluationHeadline | None:
    """None when the user sees no finished analysis (officers see none: studies are the evaluators')."""
    analysis = (
        Analysis.objects.visible_to(user)
        .filter(status=Analysis.Status.DONE)
        .select_related("study")
        .order_by("-finished_at", "-id")
        .first()
    )
    if analysis is None or not analysis.result:
        return None
    rows = [row for row in analysis.result.get("design", []) if row.get("comparison") == "did"]
    href = reverse("evaluation:analysis_detail", args=[analysis.pk])
    return EvaluationHeadline(analysis.study.title, analysis.finished_at, href, [_line(row) for row in rows])
