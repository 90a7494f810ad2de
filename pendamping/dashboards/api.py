"""The dashboards over the API: the regency map's numbers, a whole dashboard, and the reports (made by a task;
poll, then download), from the same selectors and services as the pages."""

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from pendamping.accounts.guards import require
from pendamping.core.api_support import ERRORS, ApiRequest, IdPath, Input, build
from pendamping.dashboards.area import area_get, province
from pendamping.dashboards.board import Board, board_figures
from pendamping.dashboards.indicators.evaluation import EvaluationHeadline
from pendamping.dashboards.period import parse_period
from pendamping.dashboards.regency_map import INDICATORS, regency_values
from pendamping.dashboards.selectors import report_get
from pendamping.dashboards.services import report_request
from pendamping.dashboards.snapshots import board_snapshot

router = Router(tags=["dashboards"])


IndicatorKey = Literal[
    "families", "groups", "active_groups", "performing_well", "coverage", "reports_on_time", "reports_missing"
]


class RegencyValuesQuery(Schema):
    indicator: IndicatorKey = Field(
        "families",
        description="A count of today (families, groups, active_groups) or a share in % of the period "
        "(performing_well, coverage, reports_on_time, reports_missing), the dashboard's own numbers",
    )
    period: str = Field("", max_length=7, description="2026-11, 2026-Q3 or 2026 (the shares'); default: this quarter")


class RegencyValueOut(Schema):
    regency_code: str
    value: float | None = Field(description="null: a share of nobody (no appraisal, no active KUBE, no report due)")


class RegencyValuesOut(Schema):
    indicator: str
    title: str
    unit: str = Field(description='"" for a count, "%" for a share')
    period: str = Field(description="The period the shares are for (counts are today's)")
    regencies: list[RegencyValueOut]  # the regencies in the caller's scope, by code


@router.get("/dashboards/regency-values", response={200: RegencyValuesOut, **ERRORS}, summary="The map's numbers")
def regency_values_index(request: ApiRequest, query: Query[RegencyValuesQuery]) -> Any:
    require(request.auth, "dashboard.view")
    indicator = INDICATORS[query.indicator]
    found = regency_values(user=request.auth, indicator=indicator, period=parse_period(query.period))
    rows = [RegencyValueOut(regency_code=code, value=value) for code, value in sorted(found.values.items())]
    return RegencyValuesOut(
        indicator=indicator.key,
        title=str(indicator.title),
        unit=indicator.unit,
        period=found.period.key,
        regencies=rows,
    )


class BoardQuery(Schema):
    area: str = Field("", max_length=13, description="A regency (35.78) or kecamatan (35.78.01) code; empty: province")
    period: str = Field("", max_length=7, description="2026-11, 2026-Q3 or 2026; default: this quarter")


class FigureOut(Schema):
    section: str
    key: str
    label: str
    value: float | None
    unit: str
    href: str = Field(description="The list page behind the number, with the same filters")


class ChildOut(Schema):
    code: str
    name: str
    families: int
    active_groups: int
    covered: float | None
    on_time: int
    late: int
    missing: int
    performing_well: float | None


class DashboardAspectOut(Schema):
    title: str
    testable: bool
    significant: bool = Field(description="The treatment arm changed more than the control arm (Holm-adjusted p < α)")
    did: float | None = Field(description="Difference-in-differences of the aspect's score, in points")
    ci_low: float | None
    ci_high: float | None
    superiority: float | None = Field(
        description="Effect size: the chance that a treatment companion changed more than a control companion "
        "(ties count half); 0.5 is no effect"
    )
    p_adjusted: float | None


class DashboardEvaluationOut(Schema):
    study: str
    finished: dt.datetime | None
    href: str = Field(description="The analysis page")
    aspects: list[DashboardAspectOut]


class BoardOut(Schema):
    counted_at: dt.datetime = Field(description="When the numbers were counted (boards are kept for a few minutes)")
    level: str
    code: str
    name: str
    period: str
    period_start: dt.date
    period_end: dt.date = Field(description="The period's last day")
    report_month: dt.date
    figures: list[FigureOut]
    trend: list[dict[str, Any]]
    grants: list[dict[str, Any]]
    income_change: list[tuple[str, int]]
    decile_shifts: list[tuple[int, int]]
    children: list[ChildOut]
    evaluation: DashboardEvaluationOut | None = Field(
        description="The latest finished study the caller may read (province)"
    )


def _board_out(board: Board, counted_at: dt.datetime) -> BoardOut:
    area, period = board.area, board.period
    figures = [
        FigureOut(section=s, key=f.key, label=f.label, value=f.value, unit=f.unit, href=f.href)
        for s, f in board_figures(board)
    ]
    grants = [{**r.__dict__, "unspent": r.unspent} for r in board.money.grants]
    return BoardOut(
        counted_at=counted_at, level=area.level, code=area.code, name=area.name,
        period=period.key, period_start=period.start, period_end=period.last_day,
        report_month=board.groups.timeliness.month, figures=figures,
        trend=[p.__dict__ for p in board.companions.trend], grants=grants,
        income_change=board.families.distribution, decile_shifts=board.families.decile_shifts,
        children=[build(ChildOut, c) for c in board.children], evaluation=_evaluation_out(board.evaluation),
    )  # fmt: skip


def _evaluation_out(headline: EvaluationHeadline | None) -> DashboardEvaluationOut | None:
    if headline is None:
        return None
    aspects = [build(DashboardAspectOut, a) for a in headline.aspects]
    return DashboardEvaluationOut(study=headline.study, finished=headline.finished, href=headline.href, aspects=aspects)


@router.get("/dashboards/board", response={200: BoardOut, **ERRORS}, summary="A dashboard's numbers")
def board_index(request: ApiRequest, query: Query[BoardQuery]) -> Any:
    area = area_get(user=request.auth, code=query.area) if query.area else province()  # out of scope: 404
    require(request.auth, "dashboard.view")
    board, counted_at = board_snapshot(user=request.auth, area=area, period=parse_period(query.period))
    return _board_out(board, counted_at)


class DashboardReportIn(Input):
    kind: Literal["regency_month", "province_quarter"]
    area_code: str = Field("", max_length=13, description="The regency of a monthly report")
    period: str = Field(max_length=7, description="2026-11 (monthly) or 2026-Q3 (quarterly)")
    format: Literal["pdf", "xlsx"]
    lang: Literal["id", "en"] | None = None


class DashboardReportOut(Schema):
    id: int
    kind: str
    area_code: str
    period: str
    format: str
    status: str = Field(description="queued, running, done or failed")
    progress: int = Field(description="0-100")
    phase: str
    error: str
    file_name: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


def _report(request: ApiRequest, report_id: int, *, with_content: bool = False) -> Any:
    report = report_get(user=request.auth, pk=report_id, with_content=with_content)  # not the caller's: 404
    require(request.auth, "report.make")
    return report


@router.post(
    "/dashboards/reports", response={202: DashboardReportOut, **ERRORS}, summary="Make a report (runs as a task)"
)
def report_new(request: ApiRequest, payload: DashboardReportIn) -> Any:
    report = report_request(
        actor=request.auth, kind=payload.kind, area_code=payload.area_code, period=payload.period,
        fmt=payload.format, lang=payload.lang,
    )  # fmt: skip
    return Status(202, build(DashboardReportOut, _report(request, report.pk)))


@router.get(
    "/dashboards/reports/{report_id}", response={200: DashboardReportOut, **ERRORS}, summary="A report's progress"
)
def report_detail(request: ApiRequest, report_id: IdPath) -> Any:
    return build(DashboardReportOut, _report(request, report_id))


@router.get(
    "/dashboards/reports/{report_id}/file",
    response={200: None, **ERRORS},
    summary="A finished report's file (PDF or XLSX)",
    openapi_extra={"responses": {200: {"description": "The file", "content": {"application/pdf": {}}}}},
)
def report_file(request: ApiRequest, report_id: IdPath) -> Any:
    report = _report(request, report_id, with_content=True)
    if not report.is_done:
        raise Http404
    response = HttpResponse(bytes(report.content), content_type=report.content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.file_name}"'
    return response
