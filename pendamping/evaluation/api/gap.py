"""The model gap analysis over the API."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status

from pendamping.core.api_ordering import OrderKeys, ordered, ordering_field
from pendamping.core.api_support import ERRORS, ApiRequest, IdPath, Input, Paged, PageQuery, build, page_of
from pendamping.evaluation.selectors import gap_assessment_get, gap_assessment_list, gap_summary
from pendamping.evaluation.services import gap_assessment_create, gap_rating_set

router = Router(tags=["evaluation: model gap analysis"])

Component = Literal[
    "recruitment", "briefing_participants", "briefing_materials", "briefing_methods", "briefing_budget",
    "briefing_time", "briefing_instructors", "briefing_facilities", "internship", "partnership", "companionship",
]  # fmt: skip


class GapAssessmentIn(Input):
    title: str = Field(max_length=200)
    assessed_on: dt.date
    note: str = Field("", max_length=5000)


class RatingIn(Input):
    applied: int = Field(ge=1, le=5, description="The practice as applied (1-5)")
    expected: int = Field(ge=1, le=5, description="The practice as respondents expect it (1-5)")
    standard: int = Field(ge=1, le=5, description="The guidelines' theoretical standard (1-5)")
    note: str = Field("", max_length=500)


class GapAssessmentOut(Schema):
    id: int
    title: str
    assessed_on: dt.date
    note: str
    n_ratings: int | None = None
    created_at: dt.datetime


class PriorityOut(Schema):
    component: str
    label: str
    group: str
    applied: int
    expected: int
    standard: int
    gap: int = Field(description="standard - applied")
    expectation_gap: int = Field(description="expected - applied")
    priority: str = Field(description="high, medium or low")
    rank: int
    note: str


class AssessmentDetailOut(GapAssessmentOut):
    priorities: list[PriorityOut] = Field(description="Ranked by gap, then by the gap to expectations")
    unrated: list[str]
    mean_gap: float | None
    group_gaps: dict[str, float] = Field(description="Mean gap per component group (briefing's elements pooled)")
    focus: list[str] = Field(description="The components the developed model must strengthen first")


def assessment_row(assessment: Any) -> GapAssessmentOut:
    return build(GapAssessmentOut, assessment, n_ratings=getattr(assessment, "n_ratings", None))


def _detail(request: ApiRequest, pk: int) -> AssessmentDetailOut:
    assessment = gap_assessment_get(user=request.auth, pk=pk)
    summary = gap_summary(assessment=assessment)
    return build(
        AssessmentDetailOut, assessment, n_ratings=len(summary.priorities),
        priorities=[build(PriorityOut, p) for p in summary.priorities], unrated=summary.unrated,
        mean_gap=summary.mean_gap, group_gaps=summary.group_gaps, focus=summary.focus,
    )  # fmt: skip


GAP_ORDER: OrderKeys = {"assessed_on": "assessed_on", "title": "title", "created_at": "created_at", "id": "pk"}


class GapQuery(PageQuery):
    ordering: str | None = ordering_field(GAP_ORDER, default="-assessed_on")


@router.get(
    "/evaluation/gap-assessments", response={200: Paged[GapAssessmentOut], **ERRORS}, summary="List assessments"
)
def assessment_index(request: ApiRequest, query: Query[GapQuery]) -> Any:
    qs = ordered(gap_assessment_list(user=request.auth), query.ordering, allowed=GAP_ORDER)
    return page_of(qs, query, assessment_row)


@router.get(
    "/evaluation/gap-assessments/{assessment_id}",
    response={200: AssessmentDetailOut, **ERRORS},
    summary="One assessment: ratings, gaps and priorities",
)
def assessment_detail(request: ApiRequest, assessment_id: IdPath) -> Any:
    return _detail(request, assessment_id)


@router.post("/evaluation/gap-assessments", response={201: AssessmentDetailOut, **ERRORS}, summary="New assessment")
def assessment_new(request: ApiRequest, payload: GapAssessmentIn) -> Any:
    assessment = gap_assessment_create(actor=request.auth, **payload.model_dump())
    return Status(201, _detail(request, assessment.pk))


@router.put(
    "/evaluation/gap-assessments/{assessment_id}/ratings/{component}",
    response={200: AssessmentDetailOut, **ERRORS},
    summary="Rate one component of the model (again: replaces the ratings)",
)
def rating_set(request: ApiRequest, assessment_id: IdPath, component: Component, payload: RatingIn) -> Any:
    assessment = gap_assessment_get(user=request.auth, pk=assessment_id)
    gap_rating_set(actor=request.auth, assessment=assessment, component=component, **payload.model_dump())
    return _detail(request, assessment_id)
