"""The quarterly appraisal over the API: list, start, one appraisal explained, ratings, finalise, the headline
indicator (share of companions performing well against the 20% baseline) and who needs coaching."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status

from pendamping.accounts.web import require
from pendamping.companions.appraisal_rules import parse_quarter, quarter_key
from pendamping.companions.selectors.appraisal import (
    AppraisalFilters,
    Headline,
    ShareRow,
    appraisal_get,
    appraisal_list,
    coaching_reasons,
    companions_needing_coaching,
    latest_appraised_quarter,
    lines_of,
    performing_well_share,
)
from pendamping.companions.selectors.people import companion_get
from pendamping.companions.services.appraisal import appraisal_finalise, appraisal_rate, appraisal_start
from pendamping.core.api_ordering import OrderKeys, ordered, ordering_field
from pendamping.core.api_support import (
    ERRORS,
    MAX_ID,
    ApiRequest,
    Id,
    IdPath,
    Input,
    Paged,
    PageQuery,
    QueryInput,
    fields_as,
    page_of,
    referenced,
)

router = Router(tags=["companions"])
QUARTER = Field("", max_length=10, description="A quarter, e.g. 2026Q3 (default: the newest with final appraisals)")


APPRAISAL_ORDER: OrderKeys = {
    "period": "period",
    "companion": "companion__name",
    "score": "score",
    "status": "status",
    "updated_at": "updated_at",
    "id": "pk",
}


class AppraisalQuery(PageQuery):
    period: str = Field("", max_length=10, description="A quarter, e.g. 2026Q3")
    regency: str = Field("", description="Regency code, e.g. 35.78")
    performing: Literal["yes", "no", ""] = Field("", description="Final appraisals performing well (yes) or not (no)")
    status: Literal["draft", "final", ""] = ""
    q: str = Field("", description="Part of the companion's name")
    companion_id: int | None = Field(None, ge=1, le=MAX_ID)
    ordering: str | None = ordering_field(APPRAISAL_ORDER, default="-period, companion")


class QuarterQuery(QueryInput):
    period: str = QUARTER
    regency: str = Field("", description="Regency code, e.g. 35.78 (coaching list only)")


class AppraisalStartIn(Input):
    companion_id: Id
    period: str = Field(max_length=10, description="The quarter, e.g. 2026Q3; this one or an earlier one")


class RatingsIn(Input):
    version: int = Field(ge=1, le=MAX_ID)
    ratings: dict[int, int] = Field(description="Indicator id -> rating 1-4, for rated indicators of the rubric")


class FinaliseIn(Input):
    version: int = Field(ge=1, le=MAX_ID)


class AppraisalOut(Schema):
    id: int
    companion_id: int
    companion_name: str
    regency_code: str
    regency_name: str
    period: dt.date = Field(description="The quarter's first day")
    quarter: str
    status: str
    score: Decimal | None
    performing_well: bool | None
    version: int


class LineOut(Schema):
    indicator_id: int
    role: str
    rule: str = Field(description="Empty for a rated indicator; else the computed rule")
    label: str
    weight: Decimal
    rating: int | None
    value: float | None
    target: float | None
    points: Decimal | None = Field(description="0-1; null when not applicable (or not rated yet)")
    contribution: Decimal | None = Field(description="Score points it adds")
    explanation: str


class AppraisalDetailOut(AppraisalOut):
    threshold: Decimal
    lines: list[LineOut]


class ShareOut(Schema):
    regency_code: str
    regency_name: str
    appraised: int
    performing_well: int
    share: float | None = Field(description="% performing well; null when nobody was appraised")
    against_baseline: float | None = Field(description="Percentage points above (below) the baseline")
    active: int = Field(description="Active companions now")


class TrendOut(Schema):
    period: dt.date
    quarter: str
    appraised: int
    performing_well: int
    share: float | None


class HeadlineOut(Schema):
    period: dt.date
    quarter: str
    baseline: int = Field(description="% of companions playing their role well in the original evaluation")
    province_wide: bool = Field(description="The total is the province's; else the caller's regencies'")
    total: ShareOut
    regencies: list[ShareOut]
    trend: list[TrendOut]


class CoachingReasonOut(Schema):
    label: str
    role: str
    weight: Decimal
    points: Decimal
    lost: Decimal = Field(description="Score points this indicator costs")
    explanation: str


class CoachingRowOut(Schema):
    appraisal_id: int
    companion_id: int
    companion_name: str
    regency_code: str
    score: Decimal | None
    reasons: list[CoachingReasonOut]


class CoachingOut(Schema):
    period: dt.date
    quarter: str
    companions: list[CoachingRowOut]


def appraisal_out(a: Any) -> AppraisalOut:
    return AppraisalOut(
        id=a.pk,
        companion_id=a.companion_id,
        companion_name=a.companion.name,
        regency_code=a.regency_id,
        regency_name=a.regency.name,
        period=a.period,
        quarter=quarter_key(a.period),
        status=a.status,
        score=a.score,
        performing_well=a.performing_well,
        version=a.version,
    )


def _detail(request: ApiRequest, pk: int) -> AppraisalDetailOut:
    a = appraisal_get(user=request.auth, pk=pk)
    lines = [
        LineOut(indicator_id=line.indicator, **{k: v for k, v in vars(line).items() if k in LineOut.model_fields})
        for line in lines_of(a.details)
    ]
    return AppraisalDetailOut(**appraisal_out(a).model_dump(), threshold=a.rubric.threshold, lines=lines)


def _share(row: ShareRow) -> ShareOut:
    return ShareOut(
        regency_code=row.code,
        regency_name=row.name,
        appraised=row.appraised,
        performing_well=row.performing_well,
        share=row.share,
        against_baseline=row.against_baseline,
        active=row.active,
    )


def _headline(h: Headline) -> HeadlineOut:
    trend = [TrendOut(quarter=quarter_key(t.period), **vars(t)) for t in h.trend]
    return HeadlineOut(
        period=h.period,
        quarter=quarter_key(h.period),
        baseline=h.baseline,
        province_wide=h.province_wide,
        total=_share(h.total),
        regencies=[_share(r) for r in h.regencies],
        trend=trend,
    )


def _quarter(request: ApiRequest, value: str) -> dt.date:
    return parse_quarter(value) if value else latest_appraised_quarter(user=request.auth)


# The fixed paths come before /appraisals/{appraisal_id}, which would otherwise try to read "headline" as an id.


@router.get("/appraisals/headline", response={200: HeadlineOut, **ERRORS}, summary="Share performing well")
def appraisal_headline(request: ApiRequest, query: Query[QuarterQuery]) -> Any:
    """Of the quarter's final appraisals, the share of companions performing well, in all and per regency, against
    the 20% baseline of the original evaluation; and the share for each of the last eight quarters."""
    require(request.auth, "appraisal.view")
    return _headline(performing_well_share(user=request.auth, period=_quarter(request, query.period)))


@router.get("/appraisals/coaching", response={200: CoachingOut, **ERRORS}, summary="Companions needing coaching")
def appraisal_coaching(request: ApiRequest, query: Query[QuarterQuery]) -> Any:
    """The quarter's final appraisals not performing well, lowest score first, each with the (up to three)
    indicators that cost it the most score points."""
    require(request.auth, "appraisal.view")
    period = _quarter(request, query.period)
    rows = [
        CoachingRowOut(
            appraisal_id=a.pk,
            companion_id=a.companion_id,
            companion_name=a.companion.name,
            regency_code=a.regency_id,
            score=a.score,
            reasons=[
                CoachingReasonOut(
                    label=r.label,
                    role=r.role_label,
                    weight=r.weight,
                    points=r.points,
                    lost=r.lost,
                    explanation=r.explanation,
                )
                for r in coaching_reasons(a)
            ],
        )
        for a in companions_needing_coaching(user=request.auth, period=period, regency=query.regency)
    ]
    return CoachingOut(period=period, quarter=quarter_key(period), companions=rows)


@router.get("/appraisals", response={200: Paged[AppraisalOut], **ERRORS}, summary="List appraisals")
def appraisal_index(request: ApiRequest, query: Query[AppraisalQuery]) -> Any:
    require(request.auth, "appraisal.view")
    filters = AppraisalFilters(
        period=query.period,
        regency=query.regency,
        performing=query.performing,
        status=query.status,
        q=query.q,
        companion=str(query.companion_id or ""),
    )
    qs = ordered(appraisal_list(user=request.auth, filters=filters), query.ordering, allowed=APPRAISAL_ORDER)
    return page_of(qs, query, appraisal_out)


@router.post("/appraisals", response={201: AppraisalDetailOut, **ERRORS}, summary="Start an appraisal")
def appraisal_new(request: ApiRequest, payload: AppraisalStartIn) -> Any:
    """A draft for an active companion and a quarter that has begun, with its computed indicators filled in."""
    companion = referenced(companion_get, field="companion_id", user=request.auth, pk=payload.companion_id)
    period = parse_quarter(payload.period)
    with fields_as(companion="companion_id"):
        appraisal = appraisal_start(actor=request.auth, companion=companion, period=period)
    return Status(201, _detail(request, appraisal.pk))


@router.get("/appraisals/{appraisal_id}", response={200: AppraisalDetailOut, **ERRORS}, summary="One appraisal")
def appraisal_detail(request: ApiRequest, appraisal_id: IdPath) -> Any:
    appraisal = _detail(request, appraisal_id)
    require(request.auth, "appraisal.view")
    return appraisal


@router.post(
    "/appraisals/{appraisal_id}/ratings", response={200: AppraisalDetailOut, **ERRORS}, summary="Rate indicators"
)
def appraisal_ratings(request: ApiRequest, appraisal_id: IdPath, payload: RatingsIn) -> Any:
    """Ratings 1-4 of rated indicators of a draft; given ones replace earlier ones."""
    appraisal = appraisal_get(user=request.auth, pk=appraisal_id)
    appraisal_rate(actor=request.auth, appraisal=appraisal, ratings=payload.ratings, version=payload.version)
    return _detail(request, appraisal_id)


@router.post("/appraisals/{appraisal_id}/finalise", response={200: AppraisalDetailOut, **ERRORS}, summary="Finalise")
def appraisal_finish(request: ApiRequest, appraisal_id: IdPath, payload: FinaliseIn) -> Any:
    """Recompute the computed indicators, score the appraisal and freeze it (every rated indicator needed)."""
    appraisal = appraisal_get(user=request.auth, pk=appraisal_id)
    appraisal_finalise(actor=request.auth, appraisal=appraisal, version=payload.version)
    return _detail(request, appraisal_id)
