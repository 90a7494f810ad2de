"""The import loop: every row cleaned and written through the kind (the app's own services) inside a savepoint,
all of it inside one transaction that is rolled back for a check, or when all-or-nothing meets a bad row."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.exchange.kinds.base import Context, ImportKind, RowInvalid, Written
from pendamping.exchange.mapping import INSTANCE_ID
from pendamping.exchange.models import ImportBatch, ImportedRecord
from pendamping.exchange.outcome import Summary
from pendamping.exchange.running import Run, invalid, row_errors, settle

PROGRESS_EVERY = 200


def run_rows(run: Run) -> Summary:
    """Import row by row. The kind's `run_bulk` replaces this for kinds that must be fast on huge files."""
    bulk = getattr(run.kind, "run_bulk", None)
    if bulk is not None:
        return bulk(run, Summary())
    summary = Summary()
    ctx = Context(actor=run.actor, on_existing=run.on_existing, today=timezone.localdate())
    seen: dict[Any, int] = {}
    with transaction.atomic():
        for number, raw in run.raw_rows():
            summary.rows += 1
            _one_row(run, ctx, summary, seen, number, raw)
            if summary.rows % PROGRESS_EVERY == 0:
                run.progress(summary.rows, run.total, "rows")
        settle(run, summary)
    return summary


def _one_row(run: Run, ctx: Context, summary: Summary, seen: dict[Any, int], number: int, raw: dict[str, Any]) -> None:
    instance = str(raw.pop(INSTANCE_ID, "") or "").strip()
    try:
        if instance and _already_imported(run.kind, instance):
            summary.count("skipped")
            return
        row = run.kind.clean(raw, ctx=ctx)
        _refuse_twin(run, seen, number, ("instance", instance) if instance else run.kind.key(row))
        with transaction.atomic():
            written = run.kind.write(row, ctx=ctx)
            _remember(run, written, instance)
    except (RowInvalid, ValidationError, PermissionDenied) as exc:
        summary.reject(row_errors(run, number, raw, invalid(exc)))
        return
    summary.count(written.action)


def _refuse_twin(run: Run, seen: dict[Any, int], number: int, key: Any) -> None:
    if key is None:
        return
    first = seen.setdefault(key, number)
    if first != number:
        names = ", ".join(run.column_of(f) for f in run.kind.key_fields) or _("submission id")
        raise RowInvalid.one(
            "",
            _("Same %(key)s as row %(first)d: a record appears twice in this file.") % {"key": names, "first": first},
        )


def _already_imported(kind: ImportKind, instance: str) -> bool:
    return ImportedRecord.objects.filter(
        instance_id=instance, model=kind.model_label, batch__status=ImportBatch.Status.DONE
    ).exists()


def _remember(run: Run, written: Written, instance: str) -> None:
    if run.batch is None or written.obj is None:
        return
    action = ImportedRecord.Action.CREATED if written.action == "created" else ImportedRecord.Action.UPDATED
    records = [
        ImportedRecord(
            batch=run.batch,
            model=run.kind.model_label,
            object_id=written.obj.pk,
            action=action,
            before=written.before,
            instance_id=instance,
        )
    ]
    records += [
        ImportedRecord(batch=run.batch, model=obj._meta.label_lower, object_id=obj.pk, action="c")
        for obj in written.extra
    ]
    ImportedRecord.objects.bulk_create(records)
