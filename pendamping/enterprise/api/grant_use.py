"""A grant's use over the API: its spending plan (RAB), what was spent (realisation) and the summary of both."""

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema, Status

from pendamping.core.api_support import ERRORS, ApiRequest, Id, IdPath, Input, Money, build, fields_as, referenced
from pendamping.enterprise.selectors.grant_use import (
    grant_use_summary,
    plan_item_get,
    realisation_get,
)
from pendamping.enterprise.services.grant_use import (
    plan_item_add,
    plan_item_delete,
    plan_item_update,
    realisation_add,
    realisation_delete,
)
from pendamping.registry.selectors import grant_get

router = Router(tags=["grant use"])


class PlanItemIn(Input):
    description: str = Field(min_length=1, max_length=160)
    unit: str = Field("", max_length=30, description="ekor, paket, kg …")
    quantity: int = Field(ge=1, le=1_000_000)
    unit_price: Money = Field(description="Whole rupiah: 1250000 or '1.250.000'")


class PlanItemPatch(Input):
    description: str | None = Field(None, min_length=1, max_length=160)
    unit: str | None = Field(None, max_length=30)
    quantity: int | None = Field(None, ge=1, le=1_000_000)
    unit_price: Money | None = None


class PlanItemOut(Schema):
    id: int
    grant_id: int
    description: str
    unit: str
    quantity: int
    unit_price: int
    total: int
    position: int


class RealisationIn(Input):
    spent_on: dt.date
    amount: Money = Field(description="Whole rupiah: 1250000 or '1.250.000'")
    description: str = Field(min_length=1, max_length=200)
    receipt_ref: str = Field("", max_length=60, description="The receipt's (nota/kuitansi) number")
    plan_item_id: Id | None = Field(None, description="The plan item paid for; none: outside the plan")
    nullable = frozenset({"plan_item_id"})


class RealisationOut(Schema):
    id: int
    grant_id: int
    plan_item_id: int | None
    spent_on: dt.date
    amount: int
    description: str
    receipt_ref: str
    entered_by: str | None = Field(description="Username of whoever recorded it")
    created_at: dt.datetime


class ItemUseOut(Schema):
    plan_item: PlanItemOut
    planned: int
    realised: int
    difference: int = Field(description="Planned minus realised; below zero: overspent")


class GrantUseOut(Schema):
    grant_id: int
    amount: int
    planned: int
    disbursed: int = Field(description="Approved tranches")
    realised: int
    unspent: int = Field(description="The grant minus what was spent")
    unplanned: int = Field(description="Spent on nothing in the plan")
    plan: list[ItemUseOut]


def realisation_row(realisation: Any) -> RealisationOut:
    return build(RealisationOut, realisation, entered_by=getattr(realisation.entered_by, "username", None))


@router.get("/grants/{grant_id}/plan", response={200: list[PlanItemOut], **ERRORS}, summary="A grant's RAB")
def plan_index(request: ApiRequest, grant_id: IdPath) -> Any:
    grant = grant_get(user=request.auth, pk=grant_id)
    return [build(PlanItemOut, row.item) for row in grant_use_summary(grant=grant).items]


@router.post("/grants/{grant_id}/plan", response={201: PlanItemOut, **ERRORS}, summary="Add a RAB item")
def plan_new(request: ApiRequest, grant_id: IdPath, payload: PlanItemIn) -> Any:
    """The plan never totals more than the grant."""
    grant = grant_get(user=request.auth, pk=grant_id)
    return Status(201, build(PlanItemOut, plan_item_add(actor=request.auth, grant=grant, **payload.model_dump())))


@router.patch("/plan-items/{item_id}", response={200: PlanItemOut, **ERRORS}, summary="Change a RAB item")
def plan_edit(request: ApiRequest, item_id: IdPath, payload: PlanItemPatch) -> Any:
    item = plan_item_get(user=request.auth, pk=item_id)
    data = payload.model_dump(exclude_unset=True)
    return build(PlanItemOut, plan_item_update(actor=request.auth, item=item, **data))


@router.delete("/plan-items/{item_id}", response={204: None, **ERRORS}, summary="Delete a RAB item")
def plan_remove(request: ApiRequest, item_id: IdPath) -> Any:
    """Only an item nothing was spent on yet."""
    plan_item_delete(actor=request.auth, item=plan_item_get(user=request.auth, pk=item_id))
    return Status(204, None)


@router.get(
    "/grants/{grant_id}/realisations", response={200: list[RealisationOut], **ERRORS}, summary="A grant's spending"
)
def realisation_index(request: ApiRequest, grant_id: IdPath) -> Any:
    grant = grant_get(user=request.auth, pk=grant_id)
    return [realisation_row(r) for r in grant_use_summary(grant=grant).realisations]


@router.post("/grants/{grant_id}/realisations", response={201: RealisationOut, **ERRORS}, summary="Record spending")
def realisation_new(request: ApiRequest, grant_id: IdPath, payload: RealisationIn) -> Any:
    """Spending never totals more than the grant, is not dated in the future nor before the grant's year."""
    grant = grant_get(user=request.auth, pk=grant_id)
    data = payload.model_dump(exclude={"plan_item_id"})
    item = None
    if payload.plan_item_id is not None:
        item = referenced(plan_item_get, field="plan_item_id", user=request.auth, pk=payload.plan_item_id)
    with fields_as(plan_item="plan_item_id", group="grant_id"):
        realisation = realisation_add(actor=request.auth, grant=grant, plan_item=item, **data)
    return Status(201, realisation_row(realisation))


@router.delete("/realisations/{realisation_id}", response={204: None, **ERRORS}, summary="Delete spending")
def realisation_remove(request: ApiRequest, realisation_id: IdPath) -> Any:
    realisation_delete(actor=request.auth, realisation=realisation_get(user=request.auth, pk=realisation_id))
    return Status(204, None)


@router.get("/grants/{grant_id}/use", response={200: GrantUseOut, **ERRORS}, summary="Planned against spent")
def grant_use(request: ApiRequest, grant_id: IdPath) -> Any:
    use = grant_use_summary(grant=grant_get(user=request.auth, pk=grant_id))
    plan = [
        ItemUseOut(
            plan_item=build(PlanItemOut, row.item),
            planned=row.planned,
            realised=row.realised,
            difference=row.difference,
        )
        for row in use.items
    ]
    return GrantUseOut(
        grant_id=use.grant.pk,
        amount=use.amount,
        planned=use.planned,
        disbursed=use.disbursed,
        realised=use.realised,
        unspent=use.unspent,
        unplanned=use.unplanned_total,
        plan=plan,
    )
