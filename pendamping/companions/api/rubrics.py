"""The appraisal rubrics over the API: the office's rules (threshold, visit target, weighted indicators per
role), the same for every regency, so not scoped; read by the roles that read appraisals. Admins change them
under Administration."""

from decimal import Decimal
from typing import Any

from ninja import Field, Query, Router, Schema

from pendamping.accounts.guards import require
from pendamping.companions.selectors.api_lists import appraisal_rubric_get, appraisal_rubrics
from pendamping.core.api_ordering import ordered, ordering_field
from pendamping.core.api_support import ERRORS, ApiRequest, IdPath, Paged, PageQuery, build, page_of

router = Router(tags=["companions"])

ORDER = {"name": "name", "active": "is_active", "threshold": "threshold", "id": "pk"}


class AppraisalRubricQuery(PageQuery):
    q: str = Field("", description="Words of the name")
    ordering: str | None = ordering_field(ORDER, default="-active, name")


class AppraisalIndicatorOut(Schema):
    id: int
    role: str = Field(description="resource, motivator, facilitator (rated 1-4) or data (computed)")
    rule: str = Field(description="What a data indicator is computed from; empty for a rated one")
    label: str
    weight: Decimal
    position: int


class AppraisalRubricOut(Schema):
    id: int
    name: str
    is_active: bool = Field(description="The rubric in use (exactly one)")
    threshold: Decimal = Field(description="Performing well from this score (0-100)")
    visits_per_month: Decimal = Field(description="Target visits per assigned KUBE per month")
    indicator_count: int
    version: int


class AppraisalRubricDetailOut(AppraisalRubricOut):
    indicators: list[AppraisalIndicatorOut]


@router.get("/appraisal-rubrics", response={200: Paged[AppraisalRubricOut], **ERRORS}, summary="List appraisal rubrics")
def rubric_index(request: ApiRequest, query: Query[AppraisalRubricQuery]) -> Any:
    require(request.auth, "appraisal.view")
    qs = ordered(appraisal_rubrics(q=query.q), query.ordering, allowed=ORDER)
    return page_of(qs, query, lambda rubric: build(AppraisalRubricOut, rubric))


@router.get("/appraisal-rubrics/{rubric_id}", response={200: AppraisalRubricDetailOut, **ERRORS}, summary="One rubric")
def rubric_detail(request: ApiRequest, rubric_id: IdPath) -> Any:
    require(request.auth, "appraisal.view")
    rubric = appraisal_rubric_get(pk=rubric_id)
    indicators = [build(AppraisalIndicatorOut, i) for i in rubric.indicators.all()]
    return build(AppraisalRubricDetailOut, rubric, indicators=indicators, indicator_count=len(indicators))
