"""Making a report: what the task runs (and the benchmark and the CLI call directly)."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pendamping.dashboards.models import Report
from pendamping.dashboards.reports.content import Progress, report_content, report_scope
from pendamping.dashboards.reports.pdf import report_pdf
from pendamping.dashboards.reports.xlsx import report_xlsx

logger = logging.getLogger(__name__)


def _quiet(percent: int, phase: str) -> None:
    """No progress to report (a direct call)."""


def report_render(*, user: Any, kind: str, area_code: str, period: str, fmt: str, progress: Progress = _quiet) -> bytes:
    """The report's file, counted as `user` sees the data (the requester's scope, never wider)."""
    area, chosen = report_scope(user=user, kind=kind, area_code=area_code, period_key=period)
    content = report_content(user=user, kind=kind, area=area, period=chosen, progress=progress)
    progress(70, _("writing the file"))
    return report_pdf(content) if fmt == Report.Format.PDF else report_xlsx(content)


def file_name(report: Report) -> str:
    area = report.area_code.replace(".", "") or "3500"
    return f"laporan-{report.kind}-{area}-{report.period}.{report.format}"


def _update(pk: int, **fields: Any) -> None:
    # One UPDATE in autocommit: the page polls it from another process while the report is made.
    Report.objects.filter(pk=pk).update(**fields)


def report_run(*, report_id: int, task_result_id: str = "") -> Report:
    report = Report.objects.select_related("created_by").get(pk=report_id)
    _update(report.pk, status=Report.Status.RUNNING, progress=5, task_result_id=task_result_id or report.task_result_id)

    def progress(percent: int, phase: str) -> None:
        _update(report.pk, progress=percent, phase=phase[:80])

    try:
        with translation.override(report.lang):
            data = report_render(
                user=report.created_by, kind=report.kind, area_code=report.area_code, period=report.period,
                fmt=report.format, progress=progress,
            )  # fmt: skip
    except Exception as exc:  # a bug must not leave the row "running" forever: record it, then re-raise
        logger.exception("report %s failed", report.pk)
        error = _("The report could not be made (%(e)s).") % {"e": type(exc).__name__}
        _update(report.pk, status=Report.Status.FAILED, error=error, finished_at=timezone.now())
        raise
    _update(
        report.pk, status=Report.Status.DONE, progress=100, phase="", content=data,
        file_name=file_name(report), finished_at=timezone.now(),
    )  # fmt: skip
    report.refresh_from_db()
    return report
