"""The IKS ledger (social-solidarity fund) of each KUBE and the welfare follow-up of member families, over the
API: the same services and selectors as the pages, scoped the same way."""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from pendamping.accounts.web import require
from pendamping.core.api_support import ERRORS, ApiRequest, IdPath, Input, Money, PageQuery, build, fields_as
from pendamping.core.pagination import paginate
from pendamping.enterprise.selectors.ledger import (
    Change,
    family_welfare,
    iks_entry_get,
    iks_group_status,
    iks_ledger,
    iks_status,
    iks_window,
    welfare_record_get,
)
from pendamping.enterprise.services.ledger import (
    iks_contribute,
    iks_entry_delete,
    iks_use,
    welfare_record_add,
    welfare_record_delete,
)
from pendamping.registry.selectors import family_get, group_get

router = Router(tags=["IKS and welfare"])


# --- IKS ----------------------------------------------------------------------------------------------------


class IksEntryIn(Input):
    kind: Literal["in", "out"] = Field(description="in: a contribution; out: a use of the fund")
    on: dt.date
    amount: Money = Field(description="Whole rupiah: 150000 or '150.000'")
    purpose: str = Field("", max_length=200, description="Required for a use; none for a contribution")
    recipient: str = Field("", max_length=120, description="Who received a use")
    note: str = Field("", max_length=200)


class IksEntryOut(Schema):
    id: int
    kind: str
    on: dt.date
    amount: int
    report_id: int | None = Field(description="The monthly report this contribution was recorded with")
    purpose: str
    recipient: str
    note: str
    created_at: dt.datetime


class IksLedgerRow(IksEntryOut):
    balance: int = Field(description="The running balance after this entry")


class IksGroupOut(Schema):
    group_id: int
    group_code: str
    group_name: str
    regency: str
    balance: int
    last_contribution: dt.date | None
    contributed: int = Field(description="Contributions in the window (window_start to window_end)")
    expected: int = Field(description="expected_rate % of the positive profit reported in the window")
    active_since: dt.date
    stopped: bool = Field(description="Active that long, and no contribution in the last stopped_after_months")


class IksWindowOut(Schema):
    window_start: dt.date
    window_end: dt.date = Field(description="The first day of the window's last month")
    expected_rate: float = Field(description="% of profit")
    stopped_after_months: int


class IksLedgerOut(IksWindowOut):
    group: IksGroupOut
    entries: list[IksLedgerRow]


class IksStatusQuery(PageQuery):
    regency: str = Field("", description="A regency code, e.g. 35.78")
    stopped: bool = Field(False, description="Only the KUBE that stopped paying")


class IksStatusOut(IksWindowOut):
    """The active KUBE in scope with their IKS status, a page at a time (those that stopped paying first)."""

    groups: list[IksGroupOut]
    count: int
    page: int
    page_size: int
    pages: int


def _window(window: Any) -> dict[str, Any]:
    return {
        "window_start": window.start,
        "window_end": window.last_month,
        "expected_rate": float(window.rate),
        "stopped_after_months": window.stopped_after,
    }


def _group_row(group: Any) -> IksGroupOut:
    names = {"group_id": group.pk, "group_code": group.code, "group_name": group.name, "regency": group.regency_id}
    return build(IksGroupOut, group, **names)


def _ledger(group: Any) -> IksLedgerOut:
    window = iks_window()
    summary = iks_group_status(group=group, window=window)
    entries = [build(IksLedgerRow, entry) for entry in iks_ledger(group=group)]
    return IksLedgerOut(group=_group_row(summary), entries=entries, **_window(window))


@router.get("/groups/{group_id}/iks", response={200: IksLedgerOut, **ERRORS}, summary="A KUBE's IKS ledger")
def iks_ledger_read(request: ApiRequest, group_id: IdPath) -> Any:
    """Entries in date order with the running balance, and the KUBE's status (see /iks/status)."""
    return _ledger(group_get(user=request.auth, pk=group_id))


@router.post("/groups/{group_id}/iks", response={201: IksEntryOut, **ERRORS}, summary="Record an IKS entry")
def iks_entry_new(request: ApiRequest, group_id: IdPath, payload: IksEntryIn) -> Any:
    """A contribution (kind "in") or a use (kind "out", with its purpose; never more than the balance)."""
    group = group_get(user=request.auth, pk=group_id)
    common = {"actor": request.auth, "group": group, "on": payload.on, "amount": payload.amount, "note": payload.note}
    if payload.kind == "out":
        entry = iks_use(**common, purpose=payload.purpose, recipient=payload.recipient)
    elif payload.purpose or payload.recipient:
        raise ValidationError({"purpose": _("A contribution has no purpose or recipient; only a use has.")})
    else:
        entry = iks_contribute(**common)
    return Status(201, build(IksEntryOut, entry))


# Before /iks/{entry_id}: the first pattern that matches takes the request.
@router.get("/iks/status", response={200: IksStatusOut, **ERRORS}, summary="Who pays the IKS")
def iks_status_read(request: ApiRequest, query: Query[IksStatusQuery]) -> Any:
    require(request.auth, "registry.view")
    window = iks_window()
    qs = iks_status(user=request.auth, regency=query.regency, stopped_only=query.stopped, window=window)
    page = paginate(qs, page=query.page, page_size=query.page_size)
    return IksStatusOut(
        groups=[_group_row(group) for group in page.items],
        count=page.count,
        page=page.number,
        page_size=page.page_size,
        pages=page.num_pages,
        **_window(window),
    )


@router.delete("/iks/{entry_id}", response={204: None, **ERRORS}, summary="Delete an IKS entry typed directly")
def iks_entry_remove(request: ApiRequest, entry_id: IdPath) -> Any:
    """Not a contribution recorded with a monthly report (it changes with the report), nor one already spent."""
    iks_entry_delete(actor=request.auth, entry=iks_entry_get(user=request.auth, pk=entry_id))
    return Status(204, None)


# --- welfare ------------------------------------------------------------------------------------------------


class WelfareIn(Input):
    recorded_on: dt.date
    monthly_income: Money = Field(description="Whole rupiah")
    welfare_decile: int | None = Field(None, ge=1, le=10, description="1 is the poorest tenth; null: not known")
    kind: Literal["joining", "update"] = Field("update", description="joining: once, before any follow-up")
    note: str = Field("", max_length=200)

    nullable = frozenset({"welfare_decile"})


class WelfareRecordOut(Schema):
    id: int
    family_id: int
    group_id: int | None
    kind: str
    recorded_on: dt.date
    monthly_income: int
    welfare_decile: int | None
    note: str
    created_at: dt.datetime


class WelfareChangeOut(Schema):
    baseline_id: int | None = Field(description="The record at joining, else the earliest; null: no baseline")
    latest_id: int | None
    income_change: int | None = Field(description="Latest minus baseline income; null without two records")
    income_change_pct: float | None
    decile_shift: int | None = Field(description="Positive: moved up (richer) by that many deciles")


class FamilyWelfareOut(Schema):
    family_id: int
    records: list[WelfareRecordOut]
    change: WelfareChangeOut


def _change(change: Change) -> WelfareChangeOut:
    pct = change.income_change_pct
    return WelfareChangeOut(
        baseline_id=change.baseline.pk if change.baseline else None,
        latest_id=change.latest.pk if change.latest else None,
        income_change=change.income_change,
        income_change_pct=float(pct) if pct is not None else None,
        decile_shift=change.decile_shift,
    )


def _welfare(family: Any) -> FamilyWelfareOut:
    welfare = family_welfare(family=family)
    records = [build(WelfareRecordOut, record) for record in welfare.records]
    return FamilyWelfareOut(family_id=family.pk, records=records, change=_change(welfare))


@router.get("/families/{family_id}/welfare", response={200: FamilyWelfareOut, **ERRORS}, summary="A family's welfare")
def welfare_read(request: ApiRequest, family_id: IdPath) -> Any:
    """The family's records in date order and the change since its baseline."""
    return _welfare(family_get(user=request.auth, pk=family_id))


@router.post(
    "/families/{family_id}/welfare", response={201: WelfareRecordOut, **ERRORS}, summary="Record a family's welfare"
)
def welfare_new(request: ApiRequest, family_id: IdPath, payload: WelfareIn) -> Any:
    """One record per family and date; a decile from 1 to 10; no date in the future."""
    family = family_get(user=request.auth, pk=family_id)
    with fields_as(family="family_id"):
        record = welfare_record_add(actor=request.auth, family=family, **payload.model_dump())
    return Status(201, build(WelfareRecordOut, record))


@router.delete("/welfare/{record_id}", response={204: None, **ERRORS}, summary="Delete a welfare record")
def welfare_remove(request: ApiRequest, record_id: IdPath) -> Any:
    welfare_record_delete(actor=request.auth, record=welfare_record_get(user=request.auth, pk=record_id))
    return Status(204, None)
