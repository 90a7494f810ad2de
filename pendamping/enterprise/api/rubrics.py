"""The classification rubrics and the enterprise settings over the API: the office's rules, the same in every
regency, so not scoped; read by every role that reads the registry. Admins change them under Administration."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Query, Router, Schema

from pendamping.accounts.guards import require
from pendamping.core.api_ordering import ordered, ordering_field
from pendamping.core.api_support import ERRORS, ApiRequest, IdPath, Paged, PageQuery, build, page_of
from pendamping.enterprise.selectors.api_lists import rubric_get, rubrics_all
from pendamping.enterprise.selectors.reports import report_settings

router = Router(tags=["classification"])

ORDER = {"name": "name", "active": "is_active", "updated_at": "updated_at", "id": "pk"}


class ClassificationRubricQuery(PageQuery):
    q: str = Field("", description="Words of the name")
    ordering: str | None = ordering_field(ORDER, default="-active, name")


class ClassificationLevelOut(Schema):
    position: int = Field(description="1 is the lowest level")
    name: str
    min_score: Decimal = Field(description="Reached from this score (0-100)")


class ClassificationIndicatorOut(Schema):
    id: int
    aspect: str = Field(description="institutional, social or economic")
    rule: str = Field(description="The scoring rule that computes it")
    label: str
    weight: Decimal
    target: Decimal | None = Field(description="The value that earns full points; null: the rule's default")
    position: int


class ClassificationRubricOut(Schema):
    id: int
    name: str
    is_active: bool = Field(description="The rubric in use (exactly one)")
    outstanding_per_regency: int
    outstanding_min_level: int = Field(description="Position of the lowest level an outstanding KUBE may have")
    outstanding_min_months: int = Field(description="Months of reports an outstanding KUBE needs")
    window_months: int = Field(description="Trends and averages use this many latest months")
    indicator_count: int
    version: int
    updated_at: dt.datetime


class ClassificationRubricDetailOut(ClassificationRubricOut):
    levels: list[ClassificationLevelOut]
    indicators: list[ClassificationIndicatorOut]


class EnterpriseSettingsOut(Schema):
    report_due_day: int = Field(description="A month's report is late after this day of the following month")
    iks_expected_rate: Decimal = Field(description="Expected IKS contribution, percent of profit")
    iks_stopped_after_months: int = Field(description="A KUBE stopped paying after this many months without")
    updated_at: dt.datetime


@router.get(
    "/classification-rubrics",
    response={200: Paged[ClassificationRubricOut], **ERRORS},
    summary="Classification rubrics",
)
def rubric_index(request: ApiRequest, query: Query[ClassificationRubricQuery]) -> Any:
    require(request.auth, "registry.view")
    qs = ordered(rubrics_all(q=query.q), query.ordering, allowed=ORDER)
    return page_of(qs, query, lambda rubric: build(ClassificationRubricOut, rubric))


@router.get(
    "/classification-rubrics/{rubric_id}", response={200: ClassificationRubricDetailOut, **ERRORS}, summary="One rubric"
)
def rubric_detail(request: ApiRequest, rubric_id: IdPath) -> Any:
    """Its levels (lowest first) and its weighted indicators."""
    require(request.auth, "registry.view")
    rubric = rubric_get(pk=rubric_id)
    levels = [build(ClassificationLevelOut, level) for level in rubric.levels.all()]
    indicators = [build(ClassificationIndicatorOut, indicator) for indicator in rubric.indicators.all()]
    return build(
        ClassificationRubricDetailOut, rubric, levels=levels, indicators=indicators, indicator_count=len(indicators)
    )


@router.get(
    "/enterprise-settings",
    tags=["reports"],
    response={200: EnterpriseSettingsOut, **ERRORS},
    summary="The office's report and IKS rules",
)
def settings_read(request: ApiRequest) -> Any:
    require(request.auth, "registry.view")
    return build(EnterpriseSettingsOut, report_settings())
