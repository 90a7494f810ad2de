"""The dashboards over the API: the regency map's numbers, from the same selectors as the page."""

from typing import Any, Literal

from ninja import Field, Query, Router, Schema

from pendamping.accounts.guards import require
from pendamping.core.api_support import ERRORS, ApiRequest
from pendamping.dashboards.regency_map import INDICATORS, regency_values

router = Router(tags=["dashboards"])


class RegencyValuesQuery(Schema):
    indicator: Literal["families", "groups", "active_groups"] = Field("families", description="What is counted")


class RegencyValueOut(Schema):
    regency_code: str
    value: float


class RegencyValuesOut(Schema):
    indicator: str
    title: str
    regencies: list[RegencyValueOut]  # the regencies in the caller's scope, by code


@router.get("/dashboards/regency-values", response={200: RegencyValuesOut, **ERRORS}, summary="The map's numbers")
def regency_values_index(request: ApiRequest, query: Query[RegencyValuesQuery]) -> Any:
    require(request.auth, "dashboard.view")
    indicator = INDICATORS[query.indicator]
    values = regency_values(user=request.auth, indicator=indicator)
    rows = [RegencyValueOut(regency_code=code, value=value or 0) for code, value in sorted(values.items())]
    return RegencyValuesOut(indicator=indicator.key, title=str(indicator.title), regencies=rows)
