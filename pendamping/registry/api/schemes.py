"""Schemes (a programme's member range for its KUBE) over the API: the province's rules, the same in every
regency, so not scoped; any role that reads the registry reads them."""

from typing import Any

from ninja import Field, Query, Router, Schema

from pendamping.accounts.guards import require
from pendamping.core.api_ordering import ordered, ordering_field
from pendamping.core.api_support import ERRORS, ApiRequest, IdPath, Paged, PageQuery, build, page_of
from pendamping.registry.selectors_api import scheme_get, scheme_list

router = Router(tags=["groups (KUBE)"])

ORDER = {"name": "name", "min_members": "min_members", "max_members": "max_members", "id": "pk"}


class SchemeQuery(PageQuery):
    q: str = Field("", description="Words of the name")
    ordering: str | None = ordering_field(ORDER, default="name")


class SchemeOut(Schema):
    id: int
    name: str
    min_members: int
    max_members: int


@router.get("/schemes", response={200: Paged[SchemeOut], **ERRORS}, summary="List schemes")
def scheme_index(request: ApiRequest, query: Query[SchemeQuery]) -> Any:
    require(request.auth, "registry.view")
    qs = ordered(scheme_list(q=query.q), query.ordering, allowed=ORDER)
    return page_of(qs, query, lambda scheme: build(SchemeOut, scheme))


@router.get("/schemes/{scheme_id}", response={200: SchemeOut, **ERRORS}, summary="One scheme")
def scheme_detail(request: ApiRequest, scheme_id: IdPath) -> Any:
    require(request.auth, "registry.view")
    return build(SchemeOut, scheme_get(pk=scheme_id))
