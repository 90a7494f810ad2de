"""Dashboard writes: requesting a report (made by a task; `run_now` makes it here, for the CLI and tests)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pendamping.accounts.web import require
from pendamping.audit.services import audit_record, snapshot
from pendamping.dashboards.models import Report
from pendamping.dashboards.reports.content import report_scope
from pendamping.dashboards.reports.runner import report_run
from pendamping.dashboards.tasks import report_task
from pendamping.regions.models import Region


def _checked(actor: Any, kind: str, area_code: str, period: str, fmt: str) -> None:
    require(actor, "report.make")
    if fmt not in Report.Format.values:
        raise ValidationError({"format": _("A report is made as PDF or XLSX.")})
    if kind == Report.Kind.PROVINCE_QUARTER and not getattr(actor, "is_province_admin", False):
        raise ValidationError({"kind": _("The quarterly province report is made by provincial admins.")})
    try:
        report_scope(user=actor, kind=kind, area_code=area_code, period_key=period)
    except Region.DoesNotExist:
        raise ValidationError(
            {"area": _("No such regency or city in your area: %(code)s") % {"code": area_code}}
        ) from None


def report_request(
    *, actor: Any, kind: str, area_code: str, period: str, fmt: str, lang: str | None = None, run_now: bool = False
) -> Report:
    """Queue a report of the area and period, counted as the actor sees the data."""
    area_code = area_code if kind == Report.Kind.REGENCY_MONTH else ""
    _checked(actor, kind, area_code, period, fmt)
    language = (lang or translation.get_language() or "id")[:2]
    with transaction.atomic():
        report = Report.objects.create(
            kind=kind, area_code=area_code, period=period, format=fmt, created_by=actor,
            lang=language if language in ("id", "en") else "id",
        )  # fmt: skip
        audit_record(actor=actor, action="create", obj=report, after=snapshot(report))
    if run_now:
        return report_run(report_id=report.pk)
    try:
        queued = report_task.enqueue(report_id=report.pk)
    except Exception:  # whatever the queue's failure, the row must not stay "queued" forever; re-raised below
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.FAILED, error=_("The report could not be queued."), finished_at=timezone.now()
        )
        raise
    Report.objects.filter(pk=report.pk, task_result_id="").update(task_result_id=queued.id)
    report.refresh_from_db()
    return report
