"""Monthly UEP reports over the API: the list, one report, entering and correcting one (with its version), a
month's timeliness, and locking or unlocking a regency's month. The same services and rules as the pages."""

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
from pendamping.enterprise.selectors.reports import (
    RegencyCounts,
    ReportFilters,
    add_months,
    is_late,
    parse_month,
    report_for,
    report_list,
    report_settings,
    report_timeliness,
    this_month,
)
from pendamping.enterprise.services.reports import period_lock, period_unlock, report_submit, report_update
from pendamping.registry.selectors import group_get

router = Router(tags=["reports"])

MONTH_HELP = "The month, YYYY-MM (e.g. 2025-03)"
SMALL = 32767  # the columns' limit; the services judge the real bounds (members of the KUBE, 0-31 meetings)


REPORT_ORDER: OrderKeys = {
    "period": "period",
    "group": "group__name",
    "revenue": "revenue",
    "profit": "profit",
    "submitted_at": "submitted_at",
    "id": "pk",
}


class ReportQuery(PageQuery):
    q: str = Field("", description="KUBE name, or the start of its code")
    regency: str = Field("", description="Regency code, e.g. 35.78")
    kecamatan: str = Field("", description="Kecamatan code, e.g. 35.78.01")
    group_id: int | None = Field(None, ge=1, le=MAX_ID)
    period_from: str = Field("", description="First month, YYYY-MM")
    period_to: str = Field("", description="Last month, YYYY-MM")
    ordering: str | None = ordering_field(REPORT_ORDER, default="-period, group")


class ReportIn(Input):
    group_id: Id
    period: str = Field(max_length=10, description=MONTH_HELP)
    revenue: Money = Field(description="Whole rupiah: 1250000 or '1.250.000'")
    operating_costs: Money
    capital_assets: Money
    cash_savings: Money
    members_active: int = Field(ge=0, le=SMALL)
    meetings_held: int = Field(ge=0, le=SMALL)
    iks_collected: Money = 0
    problems: str = Field("", max_length=2000)


class ReportPatch(Input):
    version: int = Field(ge=1, le=MAX_ID)
    revenue: Money | None = None
    operating_costs: Money | None = None
    capital_assets: Money | None = None
    cash_savings: Money | None = None
    members_active: int | None = Field(None, ge=0, le=SMALL)
    meetings_held: int | None = Field(None, ge=0, le=SMALL)
    iks_collected: Money | None = None
    problems: str | None = Field(None, max_length=2000)


class ReportOut(Schema):
    id: int
    group_id: int
    group_code: str
    group_name: str
    regency_code: str
    period: dt.date = Field(description="The month, as its first day")
    revenue: int
    operating_costs: int
    profit: int = Field(description="Revenue minus operating costs (computed, never sent)")
    capital_assets: int
    cash_savings: int
    members_active: int
    meetings_held: int
    iks_collected: int
    problems: str
    submitted_at: dt.datetime
    due_date: dt.date
    late: bool = Field(description="First submitted after the due date")
    version: int
    updated_at: dt.datetime


class TimelinessQuery(PageQuery):
    period: str = Field("", description="The month, YYYY-MM; default: last month")
    regency: str = Field("", description="Regency code, e.g. 35.78")
    status: Literal["", "on_time", "late", "missing"] = Field("", description="Narrows the KUBE listed")


class RegencyCountOut(Schema):
    regency_code: str
    regency_name: str
    expected: int = Field(description="Active KUBE founded by the month")
    on_time: int
    late: int
    missing: int
    locked: bool


class TimelinessRowOut(Schema):
    group_id: int
    group_code: str
    group_name: str
    regency_code: str
    status: str = Field(description="on_time, late or missing")
    report_id: int | None
    submitted_at: dt.datetime | None


class TimelinessOut(Schema):
    period: dt.date
    due_date: dt.date
    overdue: bool = Field(description="The due date has passed")
    regencies: list[RegencyCountOut]
    groups: Paged[TimelinessRowOut]


class LockIn(Input):
    regency: str = Field(max_length=5, description="Regency code, e.g. 35.78")
    period: str = Field(max_length=10, description=MONTH_HELP)


class LockOut(Schema):
    regency: str
    period: dt.date
    locked: bool


def report_out(report: Any, config: Any) -> ReportOut:
    return build(
        ReportOut,
        report,
        group_code=report.group.code,
        group_name=report.group.name,
        regency_code=report.regency_id,
        due_date=config.due_date(report.period),
        late=is_late(report, config),
    )


def _detail(request: ApiRequest, pk: int) -> ReportOut:
    return report_out(report_for(user=request.auth, pk=pk), report_settings())


def _counts(c: RegencyCounts) -> RegencyCountOut:
    return RegencyCountOut(
        regency_code=c.code,
        regency_name=c.name,
        expected=c.expected,
        on_time=c.on_time,
        late=c.late,
        missing=c.missing,
        locked=c.locked,
    )


def _timeliness_row(g: Any) -> TimelinessRowOut:
    return TimelinessRowOut(
        group_id=g.pk,
        group_code=g.code,
        group_name=g.name,
        regency_code=g.regency_id,
        status=g.report_status,
        report_id=g.report_id,
        submitted_at=g.report_submitted_at,
    )


def _filters(query: ReportQuery) -> ReportFilters:
    """A malformed month is a 400 here (a page ignores it): an API client should know its filter was not used."""
    return ReportFilters(
        q=query.q,
        regency=query.regency,
        kecamatan=query.kecamatan,
        group=query.group_id,
        period_from=parse_month(query.period_from, field="period_from") if query.period_from else None,
        period_to=parse_month(query.period_to, field="period_to") if query.period_to else None,
    )


@router.get("/reports", response={200: Paged[ReportOut], **ERRORS}, summary="List monthly reports")
def report_index(request: ApiRequest, query: Query[ReportQuery]) -> Any:
    config = report_settings()
    qs = report_list(user=request.auth, filters=_filters(query))
    qs = ordered(qs, query.ordering, allowed=REPORT_ORDER)
    return page_of(qs, query, lambda report: report_out(report, config))


@router.get("/reports/timeliness", response={200: TimelinessOut, **ERRORS}, summary="A month's report timeliness")
def report_timeliness_index(request: ApiRequest, query: Query[TimelinessQuery]) -> Any:
    """Every active KUBE in scope founded by the month: on time, late (after the due day of the next month) or
    missing, with the counts per regency."""
    period = parse_month(query.period) if query.period else add_months(this_month(), -1)
    t = report_timeliness(user=request.auth, period=period, regency=query.regency or None, status=query.status)
    return TimelinessOut(
        period=t.period,
        due_date=t.due,
        overdue=t.overdue,
        regencies=[_counts(c) for c in t.regencies],
        groups=Paged[TimelinessRowOut](**page_of(t.rows, query, _timeliness_row)),
    )


@router.get("/reports/{report_id}", response={200: ReportOut, **ERRORS}, summary="One monthly report")
def report_detail(request: ApiRequest, report_id: IdPath) -> Any:
    return _detail(request, report_id)


@router.post("/reports", response={201: ReportOut, **ERRORS}, summary="Enter a KUBE's report for a month")
def report_new(request: ApiRequest, payload: ReportIn) -> Any:
    """One per KUBE and month (a second is refused: change the first with PATCH); not for a future month, a
    month before the KUBE's founding, or a locked month."""
    group = referenced(group_get, field="group_id", user=request.auth, pk=payload.group_id)
    with fields_as(group="group_id"):
        report = report_submit(actor=request.auth, group=group, **payload.model_dump(exclude={"group_id"}))
    return Status(201, _detail(request, report.pk))


@router.patch("/reports/{report_id}", response={200: ReportOut, **ERRORS}, summary="Correct a monthly report")
def report_edit(request: ApiRequest, report_id: IdPath, payload: ReportPatch) -> Any:
    """Send the `version` you read: if someone saved the report since, the answer is 409 and nothing changes."""
    report = report_for(user=request.auth, pk=report_id)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    report_update(actor=request.auth, report=report, version=payload.version, **data)
    return _detail(request, report_id)


@router.post("/report-locks", response={201: LockOut, **ERRORS}, summary="Lock a regency's month")
def report_lock(request: ApiRequest, payload: LockIn) -> Any:
    lock = period_lock(actor=request.auth, regency_code=payload.regency, period=payload.period)
    return Status(201, LockOut(regency=lock.regency_id, period=lock.period, locked=True))


@router.post("/report-locks/unlock", response={200: LockOut, **ERRORS}, summary="Unlock a regency's month")
def report_unlock(request: ApiRequest, payload: LockIn) -> Any:
    period_unlock(actor=request.auth, regency_code=payload.regency, period=payload.period)
    return LockOut(regency=payload.regency.strip(), period=parse_month(payload.period), locked=False)
