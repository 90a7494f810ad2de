"""Stimulus grants (bantuan stimulan) and their disbursement tranches over the API. A tranche is entered by one
person and approved by another; only approved tranches count as disbursed."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status

from pendamping.core.api_ordering import OrderKeys, ordered, ordering_field
from pendamping.core.api_support import (
    ERRORS,
    MAX_ID,
    ApiRequest,
    Id,
    IdPath,
    Input,
    Money,
    Paged,
    PageQuery,
    build,
    fields_as,
    page_of,
    referenced,
)
from pendamping.registry.selectors import RegistryFilters, grant_get, grant_list, group_get, tranche_get
from pendamping.registry.services import grant_create, grant_update, tranche_add, tranche_approve, tranche_delete

router = Router(tags=["grants"])

GrantSource = Literal["apbn", "dekon", "apbd_prov", "apbd_kab"]


GRANT_ORDER: OrderKeys = {
    "year": "year",
    "amount": "amount",
    "source": "source",
    "group": "group__name",
    "disbursed": "disbursed",
    "created_at": "created_at",
    "id": "pk",
}


class GrantQuery(PageQuery):
    q: str = Field("", description="KUBE name")
    regency: str = ""
    kecamatan: str = ""
    desa: str = ""
    year: int | None = Field(None, ge=2000, le=2100)
    ordering: str | None = ordering_field(GRANT_ORDER, default="-year, group")


class TrancheIn(Input):
    amount: Money
    disbursed_on: dt.date


class GrantIn(Input):
    group_id: Id
    amount: Money = Field(description="Whole rupiah: 15000000 or '15.000.000'")
    source: GrantSource
    year: int = Field(ge=0, le=9999, description="Budget year, e.g. 2025")
    note: str = Field("", max_length=200)
    tranches: list[TrancheIn] = Field(default_factory=list, max_length=24, description="Already disbursed")


class GrantPatch(Input):
    version: int = Field(ge=1, le=MAX_ID)
    amount: Money | None = None
    source: GrantSource | None = None
    year: int | None = Field(None, ge=0, le=9999)
    note: str | None = Field(None, max_length=200)


class TrancheApproveIn(Input):
    """Nothing to send: the approver is the caller and the time is now. Unknown fields are refused."""


class TrancheOut(Schema):
    id: int
    number: int
    amount: int
    disbursed_on: dt.date
    status: Literal["pending", "approved"] = Field(description="Counts as disbursed only when approved")
    entered_by: str | None = Field(description="Username of whoever entered it (none: the system)")
    approved_by: str | None = Field(description="Username of the second person who approved it")
    approved_at: dt.datetime | None


def tranche_row(tranche: Any) -> TrancheOut:
    people = {key: getattr(getattr(tranche, key), "username", None) for key in ("entered_by", "approved_by")}
    return build(TrancheOut, tranche, **people)


class GrantOut(Schema):
    id: int
    group_id: int
    group_code: str
    group_name: str
    amount: int
    source: str
    year: int
    note: str
    disbursed: int = Field(description="Sum of the approved tranches")
    version: int
    created_at: dt.datetime


class GrantDetailOut(GrantOut):
    tranches: list[TrancheOut]


def grant_row(grant: Any, *, tranches: list[TrancheOut] | None = None) -> GrantOut:
    """A list row (the selector annotates `disbursed`) or, with its tranches, the detail."""
    group = {"group_code": grant.group.code, "group_name": grant.group.name}
    if tranches is None:
        return build(GrantOut, grant, disbursed=grant.disbursed or 0, **group)
    disbursed = sum(t.amount for t in tranches if t.status == "approved")
    return build(GrantDetailOut, grant, tranches=tranches, disbursed=disbursed, **group)


def _detail(request: ApiRequest, pk: int) -> GrantOut:
    grant = grant_get(user=request.auth, pk=pk)
    return grant_row(grant, tranches=[tranche_row(t) for t in grant.tranches.all()])


@router.get("/grants", response={200: Paged[GrantOut], **ERRORS}, summary="List grants")
def grant_index(request: ApiRequest, query: Query[GrantQuery]) -> Any:
    filters = RegistryFilters(q=query.q, regency=query.regency, kecamatan=query.kecamatan, desa=query.desa)
    qs = grant_list(user=request.auth, filters=filters, year=query.year)
    return page_of(ordered(qs, query.ordering, allowed=GRANT_ORDER), query, grant_row)


@router.get("/grants/{grant_id}", response={200: GrantDetailOut, **ERRORS}, summary="One grant with its tranches")
def grant_detail(request: ApiRequest, grant_id: IdPath) -> Any:
    return _detail(request, grant_id)


@router.post("/grants", response={201: GrantDetailOut, **ERRORS}, summary="Record a grant to a KUBE")
def grant_new(request: ApiRequest, payload: GrantIn) -> Any:
    group = referenced(group_get, field="group_id", user=request.auth, pk=payload.group_id)
    with fields_as(group="group_id"):
        grant = grant_create(
            actor=request.auth,
            group=group,
            amount=payload.amount,
            source=payload.source,
            year=payload.year,
            note=payload.note,
            tranches=[(t.amount, t.disbursed_on) for t in payload.tranches],
        )
    return Status(201, _detail(request, grant.pk))


@router.patch("/grants/{grant_id}", response={200: GrantDetailOut, **ERRORS}, summary="Change a grant")
def grant_edit(request: ApiRequest, grant_id: IdPath, payload: GrantPatch) -> Any:
    grant = grant_get(user=request.auth, pk=grant_id)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    with fields_as(group="group_id"):
        grant_update(actor=request.auth, grant=grant, version=payload.version, **data)
    return _detail(request, grant_id)


@router.post("/grants/{grant_id}/tranches", response={201: TrancheOut, **ERRORS}, summary="Record a disbursement")
def tranche_new(request: ApiRequest, grant_id: IdPath, payload: TrancheIn) -> Any:
    """Tranches never add up to more than the grant, and are not dated in the future. A new tranche awaits the
    approval of someone other than the caller before it counts as disbursed."""
    grant = grant_get(user=request.auth, pk=grant_id)
    tranche = tranche_add(actor=request.auth, grant=grant, amount=payload.amount, disbursed_on=payload.disbursed_on)
    return Status(201, tranche_row(tranche))


@router.post("/tranches/{tranche_id}/approve", response={200: TrancheOut, **ERRORS}, summary="Approve a tranche")
def tranche_approval(request: ApiRequest, tranche_id: IdPath, payload: TrancheApproveIn) -> Any:
    """The second person: never whoever entered the tranche, and only once (a second approval, even at the
    same moment, is refused with the name of the first approver)."""
    tranche = tranche_get(user=request.auth, pk=tranche_id)
    return tranche_row(tranche_approve(actor=request.auth, tranche=tranche))


@router.delete("/tranches/{tranche_id}", response={204: None, **ERRORS}, summary="Withdraw a pending tranche")
def tranche_withdraw(request: ApiRequest, tranche_id: IdPath) -> Any:
    """Only while it awaits approval, by whoever entered it or an admin."""
    tranche_delete(actor=request.auth, tranche=tranche_get(user=request.auth, pk=tranche_id))
    return Status(204, None)
