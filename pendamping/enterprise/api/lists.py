"""The enterprise rows as flat lists over the API, beside the grant, KUBE and family that hold them: plan items,
spending, IKS entries, welfare records and locked months; and each row by its id.

The detail GETs sit on the routers that already serve their paths (the DELETE of /plan-items/{id}, …; the POST
of /report-locks): ninja serves a path from the one router that declares it first, so a GET declared on a second
router there would be unreachable."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Query, Router, Schema

from pendamping.accounts.guards import require
from pendamping.core.api_ordering import OrderKeys, ordered, ordering_field
from pendamping.core.api_support import ERRORS, MAX_ID, ApiRequest, IdPath, Paged, PageQuery, build, page_of
from pendamping.enterprise.api import grant_use, ledger, reports
from pendamping.enterprise.api.grant_use import PlanItemOut, RealisationOut, realisation_row
from pendamping.enterprise.api.ledger import IksEntryOut, WelfareRecordOut
from pendamping.enterprise.selectors.api_lists import (
    iks_entries_all,
    period_locks,
    plan_items_all,
    realisations_all,
    welfare_records_all,
)
from pendamping.enterprise.selectors.grant_use import plan_item_get, realisation_get
from pendamping.enterprise.selectors.ledger import iks_entry_get, welfare_record_get

router = Router()


def _id() -> Any:
    return Field(None, ge=1, le=MAX_ID)


def _regency() -> Any:
    return Field("", description="Regency code, e.g. 35.78")


PLAN_ORDER: OrderKeys = {"grant": ("grant_id", "position"), "total": "total", "description": "description", "id": "pk"}
SPENT_ORDER: OrderKeys = {"spent_on": "spent_on", "amount": "amount", "created_at": "created_at", "id": "pk"}
IKS_ORDER: OrderKeys = {"on": "on", "amount": "amount", "kind": "kind", "group": "group__name", "id": "pk"}
WELFARE_ORDER: OrderKeys = {
    "recorded_on": "recorded_on",
    "monthly_income": "monthly_income",
    "family": "family__head_name",
    "welfare_decile": "welfare_decile",
    "id": "pk",
}
LOCK_ORDER: OrderKeys = {"period": "period", "regency": "regency_id", "locked_at": "locked_at", "id": "pk"}


class PlanItemQuery(PageQuery):
    grant_id: int | None = _id()
    group_id: int | None = _id()
    regency: str = _regency()
    ordering: str | None = ordering_field(PLAN_ORDER, default="grant")


class RealisationQuery(PageQuery):
    grant_id: int | None = _id()
    group_id: int | None = _id()
    plan_item_id: int | None = _id()
    regency: str = _regency()
    ordering: str | None = ordering_field(SPENT_ORDER, default="-spent_on")


class IksQuery(PageQuery):
    group_id: int | None = _id()
    kind: Literal["in", "out", ""] = ""
    regency: str = _regency()
    ordering: str | None = ordering_field(IKS_ORDER, default="-on")


class WelfareQuery(PageQuery):
    family_id: int | None = _id()
    group_id: int | None = _id()
    kind: Literal["joining", "update", ""] = ""
    regency: str = _regency()
    ordering: str | None = ordering_field(WELFARE_ORDER, default="-recorded_on")


class LockQuery(PageQuery):
    regency: str = _regency()
    ordering: str | None = ordering_field(LOCK_ORDER, default="-period, regency")


class PlanItemRowOut(PlanItemOut):
    group_id: int
    group_name: str
    regency_code: str


class RealisationRowOut(RealisationOut):
    group_id: int
    regency_code: str


class IksEntryRowOut(IksEntryOut):
    group_id: int
    group_name: str
    regency_code: str


class WelfareRowOut(WelfareRecordOut):
    family_name: str
    regency_code: str


class LockRowOut(Schema):
    id: int
    regency: str
    period: dt.date = Field(description="The month, as its first day")
    locked_by: str | None = Field(description="Username of the officer who locked it")
    locked_at: dt.datetime


def plan_item_row(item: Any) -> PlanItemRowOut:
    group = item.grant.group
    return build(PlanItemRowOut, item, group_id=group.pk, group_name=group.name, regency_code=group.regency_id)


def spending_row(realisation: Any) -> RealisationRowOut:
    group = realisation.grant.group
    row = realisation_row(realisation).model_dump()
    return RealisationRowOut(**row, group_id=group.pk, regency_code=group.regency_id)


def iks_row(entry: Any) -> IksEntryRowOut:
    group = entry.group
    return build(IksEntryRowOut, entry, group_id=group.pk, group_name=group.name, regency_code=group.regency_id)


def welfare_row(record: Any) -> WelfareRowOut:
    family = record.family
    return build(WelfareRowOut, record, family_name=family.head_name, regency_code=family.regency_id)


def lock_row(lock: Any) -> LockRowOut:
    return build(LockRowOut, lock, regency=lock.regency_id, locked_by=getattr(lock.locked_by, "username", None))


@router.get(
    "/plan-items",
    tags=["grant use"],
    response={200: Paged[PlanItemRowOut], **ERRORS},
    summary="RAB items of all grants",
)
def plan_item_index(request: ApiRequest, query: Query[PlanItemQuery]) -> Any:
    require(request.auth, "registry.view")
    qs = plan_items_all(user=request.auth, grant_id=query.grant_id, group_id=query.group_id, regency=query.regency)
    return page_of(ordered(qs, query.ordering, allowed=PLAN_ORDER), query, plan_item_row)


@grant_use.router.get("/plan-items/{item_id}", response={200: PlanItemRowOut, **ERRORS}, summary="One RAB item")
def plan_item_detail(request: ApiRequest, item_id: IdPath) -> Any:
    item = plan_item_get(user=request.auth, pk=item_id)
    require(request.auth, "registry.view")
    return plan_item_row(item)


@router.get(
    "/realisations",
    tags=["grant use"],
    response={200: Paged[RealisationRowOut], **ERRORS},
    summary="Spending of all grants",
)
def realisation_all_index(request: ApiRequest, query: Query[RealisationQuery]) -> Any:
    require(request.auth, "registry.view")
    qs = realisations_all(
        user=request.auth,
        grant_id=query.grant_id,
        group_id=query.group_id,
        plan_item_id=query.plan_item_id,
        regency=query.regency,
    )
    return page_of(ordered(qs, query.ordering, allowed=SPENT_ORDER), query, spending_row)


@grant_use.router.get(
    "/realisations/{realisation_id}", response={200: RealisationRowOut, **ERRORS}, summary="One spending record"
)
def realisation_detail(request: ApiRequest, realisation_id: IdPath) -> Any:
    realisation = realisation_get(user=request.auth, pk=realisation_id)
    require(request.auth, "registry.view")
    return spending_row(realisation)


@router.get(
    "/iks", tags=["IKS and welfare"], response={200: Paged[IksEntryRowOut], **ERRORS}, summary="IKS entries of all KUBE"
)
def iks_index(request: ApiRequest, query: Query[IksQuery]) -> Any:
    require(request.auth, "registry.view")
    qs = iks_entries_all(user=request.auth, group_id=query.group_id, kind=query.kind, regency=query.regency)
    return page_of(ordered(qs, query.ordering, allowed=IKS_ORDER), query, iks_row)


@ledger.router.get("/iks/{entry_id}", response={200: IksEntryRowOut, **ERRORS}, summary="One IKS entry")
def iks_detail(request: ApiRequest, entry_id: IdPath) -> Any:
    entry = iks_entry_get(user=request.auth, pk=entry_id)
    require(request.auth, "registry.view")
    return iks_row(entry)


@router.get(
    "/welfare",
    tags=["IKS and welfare"],
    response={200: Paged[WelfareRowOut], **ERRORS},
    summary="Welfare records of all families",
)
def welfare_index(request: ApiRequest, query: Query[WelfareQuery]) -> Any:
    require(request.auth, "registry.view")
    qs = welfare_records_all(
        user=request.auth, family_id=query.family_id, group_id=query.group_id, kind=query.kind, regency=query.regency
    )
    return page_of(ordered(qs, query.ordering, allowed=WELFARE_ORDER), query, welfare_row)


@ledger.router.get("/welfare/{record_id}", response={200: WelfareRowOut, **ERRORS}, summary="One welfare record")
def welfare_detail(request: ApiRequest, record_id: IdPath) -> Any:
    record = welfare_record_get(user=request.auth, pk=record_id)
    require(request.auth, "registry.view")
    return welfare_row(record)


@reports.router.get("/report-locks", response={200: Paged[LockRowOut], **ERRORS}, summary="Locked months")
def lock_index(request: ApiRequest, query: Query[LockQuery]) -> Any:
    """A lock is named by its regency and month (POST /report-locks/unlock removes it): filter by regency."""
    require(request.auth, "registry.view")
    qs = period_locks(user=request.auth, regency=query.regency)
    return page_of(ordered(qs, query.ordering, allowed=LOCK_ORDER), query, lock_row)
