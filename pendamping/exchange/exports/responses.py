"""Exports as HTTP responses, the same for the page and the API: the checks, the file, its name, and the audit entry.

An export with NIK or KK numbers unmasked (only roles allowed `nik.unmasked`) is on the record: one audit entry
per export, naming the list, its filters and the number of rows (UU 27/2022: the processing history)."""

import tempfile
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require
from pendamping.accounts.permissions import can
from pendamping.audit.services import audit_record
from pendamping.core.web import found
from pendamping.evaluation.selectors import study_get
from pendamping.exchange.exports.catalogue import spec_for
from pendamping.exchange.exports.research import research_table
from pendamping.exchange.exports.spec import ExportSpec
from pendamping.exchange.exports.table import Table, table_from, values
from pendamping.exchange.exports.writers import csv_chunks, xlsx_write
from pendamping.privacy.services.alerts import alert_check_export

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DEFAULT_FORMAT = "xlsx"
NOT_FILTERS = frozenset({"format", "page", "page_size"})


def chosen_format(value: Any) -> str:
    fmt = str(value or DEFAULT_FORMAT).strip().lower()
    if fmt not in CONTENT_TYPES:
        message = _("Unknown format %(format)r: choose csv or xlsx.") % {"format": fmt[:20]}
        raise ValidationError({"format": message})
    return fmt


def filename(stem: str, fmt: str) -> str:
    """`families-2026-11-28.xlsx`: ASCII only (list names are), dated in the office's time zone."""
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{fmt}"


def filters_of(params: Any) -> dict[str, str]:
    """The page's filters as the audit keeps them: the export's own parameters dropped, values kept short."""
    return {str(k)[:40]: str(params.get(k, ""))[:60] for k in params if k not in NOT_FILTERS}


def respond(table: Table, *, fmt: str, name: str, done: Callable[[int], None] | None = None) -> HttpResponseBase:
    """CSV streams as it is read; XLSX is written to an anonymous temporary file (gone once closed, also after a
    crash), then streamed from it. `done(rows)` runs once the XLSX is written."""
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(csv_chunks(table), content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
        written = False
        try:
            rows = xlsx_write(table, handle)
            handle.seek(0)
            written = True
        finally:
            if not written:  # the writer failed: close (and so delete) the half-written file
                handle.close()
        if done:
            done(rows)
        response = FileResponse(handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES["xlsx"])
    response["Cache-Control"] = "no-store"  # personal data: no copy in a shared or browser cache
    return response


def export_recorded(user: Any, *, list_name: str, fmt: str, params: Any, rows: int) -> None:
    """The audit entry of an export with unmasked numbers. It hangs on the exporting user: the export is their
    act, over many rows at once."""
    after = {"export": list_name, "format": fmt, "filters": filters_of(params), "rows": rows}
    audit_record(actor=user, action="reveal", obj=user, after=after)
    alert_check_export(user=user, rows=rows)


def list_table(*, user: Any, spec: ExportSpec, params: Any) -> tuple[Table, QuerySet[Any], bool]:
    """The list's table (its rows not read yet), the page's queryset, and whether NIK/KK go out unmasked. The
    role's right to the list is the caller's to check (list_export)."""
    qs: QuerySet[Any] = spec.rows(user, params)
    unmasked = spec.has_secrets and can(user, "nik.unmasked")
    return table_from(str(spec.title), spec.columns, values(qs, spec.columns), unmasked=unmasked), qs, unmasked


def list_export(*, user: Any, name: str, params: Any) -> HttpResponseBase:
    """The list page `name` as a file, with the page's filters (`params`, the page's request.GET), its scope and
    its order. Http404 for a list without export; PermissionDenied when the role may not export or may not see
    the list; ValidationError for an unknown format."""
    spec = spec_for(name)
    require(user, "export.lists")
    if not any(can(user, action) for action in spec.permissions):
        raise PermissionDenied(_("Your role may not do this."))
    fmt = chosen_format(params.get("format"))
    table, qs, unmasked = list_table(user=user, spec=spec, params=params)

    def record(rows: int) -> None:
        export_recorded(user, list_name=spec.name, fmt=fmt, params=params, rows=rows)

    if unmasked and fmt == "csv":
        record(qs.count())  # before the stream starts: a download cut short has still shown the numbers
    return respond(table, fmt=fmt, name=filename(spec.name, fmt), done=record if unmasked else None)


def research_export(*, user: Any, study_id: int, params: Any) -> HttpResponseBase:
    """The study's answers, pseudonymised (exports.research). Only for roles allowed `export.research`, on a study
    they see (an evaluator: one they are named on); any other study is not found."""
    study = found(study_get, user=user, pk=study_id)  # first: a study out of scope is not found, whatever the role
    require(user, "export.research")
    fmt = chosen_format(params.get("format"))
    return respond(research_table(user=user, study=study), fmt=fmt, name=filename(f"research-study-{study.pk}", fmt))
