"""The latest evaluation study's headline: per aspect, whether the treatment arm changed more than the control
arm (difference-in-differences, Holm-adjusted p) and by how much: in points (the DiD with its 95 % CI) and as an
effect size that needs no scale, the probability that a treatment companion's change beats a control companion's
(the Mann-Whitney test's own effect size, ties counted half: 0.5 is no effect, 1.0 every treatment companion
ahead), from the newest finished analysis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

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
    superiority: float | None  # P(treatment change > control change) + half the ties; 0.5 = no effect

    @property
    def verdict(self) -> str:
        if not self.testable:
            return _("not testable")
        return _("yes, significant") if self.significant else _("not significant")


@dataclass(frozen=True)
class EvaluationHeadline:
    study: str
    finished: Any
    href: str
    aspects: list[AspectLine]


def evaluation_header() -> list[str]:
    """The columns of the headline's table in the reports (the page's table says the same)."""
    return [
        _("Aspect"),
        _("Treatment changed more than control?"),
        _("Difference-in-differences (points)"),
        _("95% CI, low"),
        _("95% CI, high"),
        _("Effect size (A)"),
        _("adjusted p"),
    ]


def superiority_note() -> str:
    return _(
        "The chance that a treatment companion changed more than a control companion: 0.5 is no effect, "
        "1 every treatment companion ahead."
    )


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
        superiority=_number(effects.get("probability_x_above_y")),
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
