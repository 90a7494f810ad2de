"""What a report holds: the dashboard of its area and period, its charts, the companions needing coaching and
the KUBE whose monthly report is missing. Gathered once, then written as PDF or XLSX."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.companions.models import Appraisal
from pendamping.companions.selectors.appraisal import coaching_reasons, companions_needing_coaching
from pendamping.core.charts import Chart
from pendamping.dashboards.area import Area, area_get, province
from pendamping.dashboards.board import Board, dashboard
from pendamping.dashboards.charts_board import board_charts
from pendamping.dashboards.models import Report
from pendamping.dashboards.period import MONTH, QUARTER, Period, parse_period
from pendamping.enterprise.selectors.reports import MISSING, report_timeliness
from pendamping.registry.models import Group

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class CoachingRow:
    name: str
    regency: str
    score: Any
    reasons: str


@dataclass(frozen=True)
class ReportContent:
    title: str
    kind: str
    board: Board
    charts: dict[str, Chart]
    coaching_quarter: str
    coaching: list[CoachingRow]
    missing: QuerySet[Group]  # KUBE without their report of the report month
    made_at: dt.datetime


def report_scope(*, user: Any, kind: str, area_code: str, period_key: str) -> tuple[Area, Period]:
    """The area and period of a report request; ValidationError says what does not fit."""
    period = parse_period(period_key)
    if kind == Report.Kind.REGENCY_MONTH:
        if period.kind != MONTH or period.key != period_key:
            raise ValidationError({"period": _("A monthly report needs a month, like 2026-11.")})
        area = area_get(user=user, code=area_code)  # Region.DoesNotExist outside the user's scope
        if area.level != "regency":
            raise ValidationError({"area": _("A monthly report is made for one regency or city.")})
        return area, period
    if kind == Report.Kind.PROVINCE_QUARTER:
        if period.kind != QUARTER or period.key != period_key:
            raise ValidationError({"period": _("A quarterly report needs a quarter, like 2026-Q3.")})
        return province(), period
    raise ValidationError({"kind": _("Unknown report: %(kind)s") % {"kind": kind}})


def _coaching(user: Any, area: Area, period: Period) -> tuple[str, list[CoachingRow]]:
    """The newest quarter up to the period's with final appraisals in the area, and who needs coaching in it."""
    quarters = Appraisal.objects.visible_to(user).filter(status=Appraisal.Status.FINAL, period__lte=period.quarters[-1])
    if area.level == "regency":
        quarters = quarters.filter(regency_id=area.code)
    quarter = quarters.order_by("-period").values_list("period", flat=True).first()
    if quarter is None:
        return "", []
    rows = companions_needing_coaching(user=user, period=quarter, regency=area.code)
    coaching = [
        CoachingRow(a.companion.name, a.regency.name, a.score, "; ".join(r.label for r in coaching_reasons(a)))
        for a in rows
    ]
    return f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}", coaching


def report_content(*, user: Any, kind: str, area: Area, period: Period, progress: Progress) -> ReportContent:
    progress(10, _("counting the indicators"))
    board = dashboard(user=user, area=area, period=period)
    progress(50, _("listing companions and KUBE"))
    quarter, coaching = _coaching(user, area, period)
    month = board.groups.timeliness.month
    missing = report_timeliness(user=user, period=month, regency=area.code or None, status=MISSING).rows
    title = (
        _("Monthly report %(area)s, %(period)s")
        if kind == Report.Kind.REGENCY_MONTH
        else _("Quarterly report %(area)s, %(period)s")
    ) % {"area": area.name, "period": period.label}
    return ReportContent(title, kind, board, board_charts(board), quarter, coaching, missing, timezone.now())
