"""Partnership activities as a flat list over the API, across the agreements the user sees (GET
/agreements/{id}/activities lists one agreement's), and one activity by its id.

GET /activities/{id} is registered on the partnerships router: that router already serves the path (its
DELETE), and ninja serves a path from the one router that declares it first."""

from typing import Any

from ninja import Field, Query, Router

from pendamping.accounts.guards import require
from pendamping.core.api_ordering import ordered, ordering_field
from pendamping.core.api_support import ERRORS, MAX_ID, ApiRequest, IdPath, Paged, PageQuery, page_of
from pendamping.partnerships import api as partnerships
from pendamping.partnerships.api import ActivityOut, activity_out
from pendamping.partnerships.selectors_api import activities_all, activity_detail_get

router = Router(tags=["partnerships"])

ORDER = {"on": "on", "value": "value", "created_at": "created_at", "id": "pk"}


class ActivityQuery(PageQuery):
    agreement_id: int | None = Field(None, ge=1, le=MAX_ID)
    partner_id: int | None = Field(None, ge=1, le=MAX_ID)
    group_id: int | None = Field(None, ge=1, le=MAX_ID)
    regency: str = Field("", description="The agreement's regency, e.g. 35.78")
    ordering: str | None = ordering_field(ORDER, default="-on")


class ActivityRowOut(ActivityOut):
    regency_code: str = Field(description="The agreement's regency")


def activity_row(activity: Any) -> ActivityRowOut:
    return ActivityRowOut(**activity_out(activity).model_dump(), regency_code=activity.agreement.regency_id)


@router.get("/activities", response={200: Paged[ActivityRowOut], **ERRORS}, summary="Activities of all agreements")
def activity_all_index(request: ApiRequest, query: Query[ActivityQuery]) -> Any:
    require(request.auth, "partnership.view")
    qs = activities_all(
        user=request.auth,
        agreement_id=query.agreement_id,
        partner_id=query.partner_id,
        group_id=query.group_id,
        regency=query.regency,
    )
    return page_of(ordered(qs, query.ordering, allowed=ORDER), query, activity_row)


@partnerships.router.get("/activities/{activity_id}", response={200: ActivityRowOut, **ERRORS}, summary="One activity")
def activity_detail(request: ApiRequest, activity_id: IdPath) -> Any:
    activity = activity_detail_get(user=request.auth, pk=activity_id)
    require(request.auth, "partnership.view")
    return activity_row(activity)
