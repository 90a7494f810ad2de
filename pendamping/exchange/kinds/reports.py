"""Monthly UEP reports, one row per KUBE and month, with the figures of the report form.

The rules are the form's (`enterprise.services.reports`): a month that has begun and is not before the KUBE was
founded, not locked in its regency; members active no more than the KUBE had that month. A report counts as
submitted when it is imported, so one imported after the due day is late, as one typed in late would be."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from pendamping.accounts.guards import require
from pendamping.enterprise.models import MonthlyReport
from pendamping.enterprise.selectors.reports import period_is_locked
from pendamping.enterprise.services.reports import EDITABLE, MAX_MEETINGS, report_submit, report_update
from pendamping.enterprise.services.rescore import rescore_later
from pendamping.exchange import cells
from pendamping.exchange.kinds._common import convert, group_by_code, remove_created, service_errors
from pendamping.exchange.kinds.base import (
    Column,
    Context,
    ImportKind,
    RowInvalid,
    Written,
    changed_fields,
    existing_policy,
)
from pendamping.registry.services import require_group_access

TO_ROW = {"group": "group_code", "period": "period", **{name: name for name in EDITABLE}}
FIGURES = ("revenue", "operating_costs", "capital_assets", "cash_savings", "members_active", "meetings_held")
CREATED = ("c", "created")

COLUMNS = (
    Column("group_code", "KODE KUBE", _l("Code of the KUBE (e.g. 3578011001-001)."), required=True,
           aliases=("KODE KELOMPOK", "ID KUBE", "kube code", "group code", "group"), example="3578011001-001"),
    Column("period", "BULAN", _l("The month reported: 2026-03, 03/2026 or Maret 2026. Not a month still to come, "
           "not before the KUBE was founded, not a month locked in the regency."), required=True,
           aliases=("BULAN LAPORAN", "PERIODE", "month", "period"), example="2026-03", width=12),
    Column("revenue", "OMZET", _l("Revenue of the month in whole rupiah, e.g. 5.000.000 (not '5 juta')."),
           required=True, aliases=("OMSET", "PENDAPATAN", "PENJUALAN", "revenue"), example="5.000.000"),
    Column("operating_costs", "BIAYA OPERASIONAL", _l("Operating costs of the month in whole rupiah, e.g. 3.000.000."),
           required=True, aliases=("BIAYA", "PENGELUARAN", "operating costs", "costs"), example="3.000.000"),
    Column("capital_assets", "MODAL DAN ASET", _l("Capital and assets at the month's end in whole rupiah, e.g. "
           "20.000.000."), required=True, aliases=("MODAL", "ASET", "capital and assets", "assets"),
           example="20.000.000"),
    Column("cash_savings", "KAS DAN TABUNGAN", _l("Cash and savings at the month's end in whole rupiah, e.g. "
           "1.000.000."), required=True, aliases=("KAS", "TABUNGAN", "cash and savings", "cash"),
           example="1.000.000"),
    Column("members_active", "ANGGOTA AKTIF", _l("Members active in the month: a whole number, not more than the "
           "KUBE's members then."), required=True, aliases=("JUMLAH ANGGOTA AKTIF", "members active"), example="8",
           width=10),
    Column("meetings_held", "PERTEMUAN", _l("Meetings held in the month, 0-31."), required=True,
           aliases=("JUMLAH PERTEMUAN", "meetings held", "meetings"), example="2", width=10),
    Column("iks_collected", "IKS", _l("IKS (social solidarity contribution) collected in the month, whole rupiah; 0 if "
           "empty."), aliases=("IKS TERKUMPUL", "IURAN KESETIAKAWANAN SOSIAL", "iks collected"),
           example="100.000"),
    Column("problems", "MASALAH", _l("Problems met in the month (optional)."),
           aliases=("KENDALA", "PERMASALAHAN", "problems"), width=30),
)  # fmt: skip


class ReportsKind(ImportKind):
    name = "reports"
    title = _l("Monthly UEP reports")
    permission = "report.submit"
    columns = COLUMNS
    key_fields = ("group_code", "period")
    model_label = "enterprise.monthlyreport"

    def clean(self, raw: Mapping[str, Any], *, ctx: Context) -> dict[str, Any]:
        row, errors = convert(
            raw,
            {
                "group_code": lambda v: cells.text(v, max_length=20),
                "period": cells.month,
                "revenue": cells.rupiah,
                "operating_costs": cells.rupiah,
                "capital_assets": cells.rupiah,
                "cash_savings": cells.rupiah,
                "members_active": lambda v: cells.integer(v, minimum=0, maximum=1000),
                "meetings_held": lambda v: cells.integer(v, minimum=0, maximum=MAX_MEETINGS),
                "iks_collected": cells.rupiah,
                "problems": lambda v: cells.text(v, max_length=2000),
            },
            required=("group_code", "period", *FIGURES),
        )
        if errors:
            raise RowInvalid(errors)
        return row

    def write(self, row: dict[str, Any], *, ctx: Context) -> Written:
        group = group_by_code(ctx, row["group_code"])
        report = MonthlyReport.objects.filter(group=group, period=row["period"]).first()
        if report is not None:
            return self._existing(report, row, ctx)
        figures = {name: row[name] for name in EDITABLE if name in row}
        with service_errors(TO_ROW):
            report = report_submit(actor=ctx.actor, group=group, period=row["period"], **figures)
        return Written("created", report)

    def _existing(self, report: MonthlyReport, row: dict[str, Any], ctx: Context) -> Written:
        label = _("The report of KUBE %(code)s for %(month)s") % {
            "code": row["group_code"],
            "month": row["period"].strftime("%m/%Y"),
        }
        if existing_policy(ctx, label=label) == "skip":
            return Written("skipped")
        changes = changed_fields(report, row, EDITABLE)
        if not changes:
            return Written("skipped")
        before = {name: getattr(report, name) for name in changes}
        with service_errors(TO_ROW):
            report = report_update(actor=ctx.actor, report=report, version=None, **changes)
        return Written("updated", report, before=before)

    def undo(self, obj_id: int, action: str, before: dict[str, Any] | None, *, actor: Any) -> None:
        report = MonthlyReport.objects.select_related("group").filter(pk=obj_id).first()
        if report is None:
            return
        if action in CREATED:
            _remove_report(actor, report)
        else:
            report_update(actor=actor, report=report, version=None, **(before or {}))


@transaction.atomic
def _remove_report(actor: Any, report: MonthlyReport) -> None:
    """A report imported by mistake, while its month is open. Its IKS line is taken back first through the report
    service (which refuses when the KUBE's fund has already used the money)."""
    require(actor, "report.submit")
    require_group_access(actor=actor, group=report.group)
    if period_is_locked(regency_code=report.regency_id, period=report.period):
        raise ValidationError(
            _("%(month)s is locked in this regency; its reports can no longer be taken back.")
            % {"month": report.period.strftime("%m/%Y")}
        )
    if report.iks_collected:
        report = report_update(actor=actor, report=report, version=None, iks_collected=0)
    remove_created(actor=actor, obj=report, what=_("The report %(report)s") % {"report": report})
    rescore_later(group_id=report.group_id)


KIND = ReportsKind()
