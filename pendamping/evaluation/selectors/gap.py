"""The model gap analysis: per component, how far practice falls short of the guidelines and of what
respondents expect, ranked into priorities for the developed model."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from pendamping.evaluation.models import GapAssessment, GapComponent

ORDER = {code: i for i, code in enumerate(GapComponent.values)}
BRIEFING = "briefing"


def gap_assessment_list(*, user: Any) -> QuerySet[GapAssessment]:
    return GapAssessment.objects.visible_to(user).annotate(n_ratings=Count("ratings")).order_by("-assessed_on", "-id")


def gap_assessment_get(*, user: Any, pk: Any) -> GapAssessment:
    return GapAssessment.objects.visible_to(user).get(pk=pk)


@dataclass(frozen=True)
class GapPriority:
    """One component's ratings, gaps and priority. `rank` 1 is the most urgent."""

    component: str
    label: str
    group: str  # "briefing" for the seven briefing elements, else the component itself
    applied: int
    expected: int
    standard: int
    gap: int  # standard - applied
    expectation_gap: int  # expected - applied
    priority: str  # "high", "medium" or "low"
    rank: int
    note: str


def priority_of(gap: int, expectation_gap: int) -> str:
    """High: practice is two or more points below the standard, or one below it and two below what respondents
    expect. Medium: any shortfall. Low: practice meets both."""
    if gap >= 2 or (gap >= 1 and expectation_gap >= 2):
        return "high"
    if gap >= 1 or expectation_gap >= 1:
        return "medium"
    return "low"


def gap_priorities(*, assessment: GapAssessment) -> list[GapPriority]:
    """The rated components ranked by their gap to the standard, then by the gap to expectations."""
    ratings = sorted(assessment.ratings.all(), key=lambda r: (-r.gap, -r.expectation_gap, ORDER.get(r.component, 99)))
    return [
        GapPriority(
            component=r.component,
            label=str(GapComponent(r.component).label),
            group=BRIEFING if r.component.startswith(BRIEFING) else r.component,
            applied=r.applied,
            expected=r.expected,
            standard=r.standard,
            gap=r.gap,
            expectation_gap=r.expectation_gap,
            priority=priority_of(r.gap, r.expectation_gap),
            rank=rank,
            note=r.note,
        )
        for rank, r in enumerate(ratings, start=1)
    ]


@dataclass(frozen=True)
class GapSummary:
    """The assessment at a glance: the ranking, the components still unrated, mean gaps per group (briefing's
    seven elements pooled), and the components the developed model must strengthen first."""

    priorities: list[GapPriority]
    unrated: list[str]
    mean_gap: float | None
    group_gaps: dict[str, float]
    focus: list[str]


def gap_summary(*, assessment: GapAssessment) -> GapSummary:
    priorities = gap_priorities(assessment=assessment)
    rated = {p.component for p in priorities}
    groups: dict[str, list[int]] = {}
    for p in priorities:
        groups.setdefault(p.group, []).append(p.gap)
    return GapSummary(
        priorities=priorities,
        unrated=[c for c in GapComponent.values if c not in rated],
        mean_gap=sum(p.gap for p in priorities) / len(priorities) if priorities else None,
        group_gaps={
            g: sum(v) / len(v)
            for g, v in sorted(
                groups.items(), key=lambda kv: ORDER.get(kv[0], ORDER[GapComponent.BRIEFING_PARTICIPANTS])
            )
        },
        focus=[p.label for p in priorities if p.priority == "high"],
    )
