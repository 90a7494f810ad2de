"""KUBE classification over the API: the scoped ranking, one KUBE's score explained, and (admins) the request to
recompute every score. Scores are computed, never written through the API."""

import datetime as dt
from typing import Annotated, Any

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from pendamping.core.api_ordering import OrderKeys, ordered, ordering_field
from pendamping.core.api_support import ERRORS, ApiRequest, IdPath, Input, Paged, PageQuery, page_of
from pendamping.enterprise.selectors.classification import (
    ClassificationFilters,
    classification_list,
    group_score,
    score_breakdown,
)
from pendamping.enterprise.services.rescore import scores_refresh_later
from pendamping.registry.selectors import group_get

router = Router(tags=["classification"])

RegencyCode = Annotated[str, Field(pattern=r"^\d{2}\.\d{2}$", examples=["35.78"])]


CLASSIFICATION_ORDER: OrderKeys = {
    "rank": ("regency_id", "rank_in_regency"),
    "score": "score",
    "level": "level_position",
    "group": "group__name",
    "computed_at": "computed_at",
    "id": "pk",
}


class ClassificationQuery(PageQuery):
    regency: str = Field("", description="Regency code, e.g. 35.78")
    level: int | None = Field(None, ge=1, le=100, description="Level position (1 is the lowest)")
    outstanding: bool = Field(False, description="Only the outstanding (berprestasi) KUBE")
    q: str = Field("", description="KUBE name or code")
    ordering: str | None = ordering_field(CLASSIFICATION_ORDER, default="rank")


class ScoreOut(Schema):
    id: int
    group_id: int
    group_code: str
    group_name: str
    regency_id: str
    regency_name: str
    score: float = Field(description="0-100: the weighted share of the indicators' points")
    level_position: int
    level_name: str
    rank_in_regency: int | None
    months_reported: int
    outstanding: bool
    computed_at: dt.datetime


class IndicatorOut(Schema):
    rule: str
    label: str
    aspect: str
    weight: float
    target: float | None = Field(description="The value that earns full points")
    value: float | None = Field(description="What was measured; null: no data")
    points: float = Field(description="0 to 1")
    contribution: float = Field(description="Score points this indicator adds")
    explanation: str


class ScoreAspectOut(Schema):
    aspect: str
    weight: float
    possible: float = Field(description="The most this aspect can add to the score")
    earned: float


class ScoreDetailOut(ScoreOut):
    indicators: list[IndicatorOut]
    aspects: list[ScoreAspectOut]


class RefreshIn(Input):
    regencies: list[RegencyCode] | None = Field(
        None, max_length=100, description="Only these regencies; all if left out"
    )


class QueuedOut(Schema):
    queued: bool
    regencies: list[str] | None


def score_row(score: Any) -> ScoreOut:
    return ScoreOut(
        id=score.pk,
        group_id=score.group_id,
        group_code=score.group.code,
        group_name=score.group.name,
        regency_id=score.regency_id,
        regency_name=score.regency.name,
        score=float(score.score),
        level_position=score.level_position,
        level_name=score.level_name,
        rank_in_regency=score.rank_in_regency,
        months_reported=score.months_reported,
        outstanding=score.outstanding,
        computed_at=score.computed_at,
    )


def score_detail(score: Any) -> ScoreDetailOut:
    breakdown = score_breakdown(score=score)
    indicators = [
        IndicatorOut(
            rule=line.rule,
            label=line.label,
            aspect=line.aspect,
            weight=float(line.weight),
            target=line.target,
            value=line.value,
            points=float(line.points),
            contribution=float(line.contribution),
            explanation=line.explanation,
        )
        for line in breakdown.lines
    ]
    aspects = [
        ScoreAspectOut(aspect=a.aspect, weight=float(a.weight), possible=float(a.possible), earned=float(a.earned))
        for a in breakdown.aspects
    ]
    return ScoreDetailOut(**score_row(score).model_dump(), indicators=indicators, aspects=aspects)


@router.get("/classification", response={200: Paged[ScoreOut], **ERRORS}, summary="The KUBE ranking, per regency")
def classification_index(request: ApiRequest, query: Query[ClassificationQuery]) -> Any:
    """Scores of the active KUBE you see, by regency then rank."""
    filters = ClassificationFilters(
        regency=query.regency,
        level=str(query.level or ""),
        outstanding="1" if query.outstanding else "",
        q=query.q,
    )
    qs = classification_list(user=request.auth, filters=filters)
    return page_of(ordered(qs, query.ordering, allowed=CLASSIFICATION_ORDER), query, score_row)


@router.get("/groups/{group_id}/score", response={200: ScoreDetailOut, **ERRORS}, summary="A KUBE's score explained")
def group_score_detail(request: ApiRequest, group_id: IdPath) -> Any:
    """Level, score, rank and each indicator's value, points and explanation. 404 for a KUBE outside your area,
    and for one that is not classified (only active KUBE are, once scores are computed)."""
    score = group_score(group=group_get(user=request.auth, pk=group_id))
    if score is None:
        raise Http404  # the same answer as for a KUBE out of scope
    return score_detail(score)


@router.post("/classification/refresh", response={202: QueuedOut, **ERRORS}, summary="Recompute every score")
def classification_refresh(request: ApiRequest, payload: RefreshIn) -> Any:
    """Admins: queue the recomputation of every active KUBE's score (or those of `regencies`) as a task."""
    scores_refresh_later(actor=request.auth, regencies=payload.regencies)
    return Status(202, QueuedOut(queued=True, regencies=payload.regencies))
