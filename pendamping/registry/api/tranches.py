"""Tranches over the API as a flat list (a grant's detail shows its own) and one by one.

GET /tranches/{id} is registered on the grants router: that router already serves the path (its DELETE), and
ninja serves a path from the one router that declares it first, so a second router's GET there would be
unreachable."""

from typing import Any, Literal

from ninja import Field, Query, Router

from pendamping.accounts.guards import require
from pendamping.core.api_ordering import OrderKeys, ordered, ordering_field
from pendamping.core.api_support import ERRORS, MAX_ID, ApiRequest, IdPath, Paged, PageQuery, page_of
from pendamping.registry.api import grants
from pendamping.registry.api.grants import TrancheOut, tranche_row
from pendamping.registry.selectors import tranche_get
from pendamping.registry.selectors_api import tranche_list

router = Router(tags=["grants"])

ORDER: OrderKeys = {
    "disbursed_on": "disbursed_on",
    "amount": "amount",
    "number": ("grant_id", "number"),
    "status": "status",
    "approved_at": "approved_at",
    "id": "pk",
}


class TrancheQuery(PageQuery):
    grant_id: int | None = Field(None, ge=1, le=MAX_ID)
    group_id: int | None = Field(None, ge=1, le=MAX_ID)
    status: Literal["pending", "approved", ""] = ""
    regency: str = Field("", description="Regency code of the KUBE, e.g. 35.78")
    year: int | None = Field(None, ge=2000, le=2100, description="The grant's budget year")
    ordering: str | None = ordering_field(ORDER, default="-disbursed_on")


class TrancheRowOut(TrancheOut):
    grant_id: int
    group_id: int
    group_name: str
    regency_code: str


def tranche_out(tranche: Any) -> TrancheRowOut:
    group = tranche.grant.group
    row = tranche_row(tranche).model_dump()
    return TrancheRowOut(
        **row, grant_id=tranche.grant_id, group_id=group.pk, group_name=group.name, regency_code=group.regency_id
    )


@router.get("/tranches", response={200: Paged[TrancheRowOut], **ERRORS}, summary="List tranches")
def tranche_index(request: ApiRequest, query: Query[TrancheQuery]) -> Any:
    require(request.auth, "registry.view")
    qs = tranche_list(
        user=request.auth,
        grant_id=query.grant_id,
        group_id=query.group_id,
        status=query.status,
        regency=query.regency,
        year=query.year,
    )
    return page_of(ordered(qs, query.ordering, allowed=ORDER), query, tranche_out)


@grants.router.get("/tranches/{tranche_id}", response={200: TrancheRowOut, **ERRORS}, summary="One tranche")
def tranche_detail(request: ApiRequest, tranche_id: IdPath) -> Any:
    tranche = tranche_get(user=request.auth, pk=tranche_id)
    require(request.auth, "registry.view")
    return tranche_out(tranche)
