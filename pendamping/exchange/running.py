"""One import run's settings, and the pieces every way of running rows shares (errors by file column, keeping or
rolling back the transaction). Kinds with their own bulk path use these too, so they live outside `services`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pendamping.exchange.kinds.base import ImportKind, RowInvalid
from pendamping.exchange.mapping import Resolved
from pendamping.exchange.models import ImportBatch
from pendamping.exchange.outcome import Progress, RowError, Summary, no_progress
from pendamping.exchange.reading import Table


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

    def errors_of(self, number: int, raw: dict[str, Any], exc: Exception) -> list[RowError]:
        """A rejected row's errors, located by the file's own column headers."""
        return row_errors(self, number, raw, invalid(exc))

    def finish(self, summary: Summary) -> None:
        settle(self, summary)

    def raw_rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        fields = self.resolved.fields.items()
        for number, values in self.table.rows:
            yield number, {name: values[i] if i < len(values) else "" for name, i in fields}


def row_errors(run: Run, number: int, raw: dict[str, Any], exc: RowInvalid) -> list[RowError]:
    return [RowError(number, run.column_of(name), _shown(raw.get(name, "")), message) for name, message in exc.errors]


def _shown(value: Any) -> str:
    return "" if value is None else str(value)[:200]


def invalid(exc: Exception) -> RowInvalid:
    if isinstance(exc, RowInvalid):
        return exc
    if isinstance(exc, ValidationError):
        return RowInvalid.from_validation(exc)
    return RowInvalid.one("", str(exc) or _("You may not write this record."))


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
