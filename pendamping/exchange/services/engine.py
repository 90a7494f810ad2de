"""The import loop: every row cleaned and written through the kind (the app's own services) inside a savepoint,
all of it inside one transaction that is rolled back for a check, or when all-or-nothing meets a bad row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.exchange.kinds.base import Context, ImportKind, RowInvalid, Written
from pendamping.exchange.mapping import INSTANCE_ID, Resolved
from pendamping.exchange.models import ImportBatch, ImportedRecord
from pendamping.exchange.reading import Table
from pendamping.exchange.services.outcome import Progress, RowError, Summary, no_progress

PROGRESS_EVERY = 200


@dataclass
class Run:
    """One import's settings: what to read, how, for whom."""

    kind: ImportKind
    table: Table
    resolved: Resolved
    actor: Any
    mode: str = "all"  # all | valid-only
    on_existing: str = "skip"
    dry_run: bool = False
    batch: ImportBatch | None = None
    progress: Progress = no_progress
    total: int | None = None

    def column_of(self, field_name: str) -> str:
        index = self.resolved.fields.get(field_name)
        if index is not None:
            return self.table.header[index]
        column = self.kind.column(field_name)
        return column.header if column else ""

    def raw_rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        fields = self.resolved.fields.items()
        for number, values in self.table.rows:
            yield number, {name: values[i] if i < len(values) else "" for name, i in fields}


def row_errors(run: Run, number: int, raw: dict[str, Any], exc: RowInvalid) -> list[RowError]:
    return [RowError(number, run.column_of(name), _shown(raw.get(name, "")), message) for name, message in exc.errors]


def _shown(value: Any) -> str:
    return "" if value is None else str(value)[:200]


def _invalid(exc: Exception) -> RowInvalid:
    if isinstance(exc, RowInvalid):
        return exc
    if isinstance(exc, ValidationError):
        return RowInvalid.from_validation(exc)
    return RowInvalid.one("", str(exc) or _("You may not write this record."))


def run_rows(run: Run) -> Summary:
    """Import row by row. The kind's `run_bulk` replaces this for kinds that must be fast on huge files."""
    bulk = getattr(run.kind, "run_bulk", None)
    if bulk is not None:
        return bulk(run)  # type: ignore[no-any-return]
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
        summary.reject(row_errors(run, number, raw, _invalid(exc)))
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


def settle(run: Run, summary: Summary) -> None:
    """Keep the rows, or roll everything back (a check; all-or-nothing with a bad row)."""
    if run.dry_run:
        transaction.set_rollback(True)
        return
    if run.mode == "all" and summary.rejected:
        transaction.set_rollback(True)
        summary.nothing_written()
        return
    summary.written = True
