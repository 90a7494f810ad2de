"""Running one batch: read its file, map the columns, drive the rows, and record how it ended."""

from __future__ import annotations

import logging

import psycopg
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.exchange.kinds import get_kind
from pendamping.exchange.kinds.base import ImportKind
from pendamping.exchange.mapping import Resolved, resolve
from pendamping.exchange.models import ImportBatch
from pendamping.exchange.outcome import Progress, Summary
from pendamping.exchange.reading import FileProblem, Table, column_letter, open_table
from pendamping.exchange.running import Run
from pendamping.exchange.services import files
from pendamping.exchange.services.engine import run_rows
from pendamping.exchange.services.progress import BatchProgress, mark
from pendamping.exchange.xlsform.responses_io import item_codes_for, widen_to_long

log = logging.getLogger(__name__)
Status = ImportBatch.Status
RACE_TRIES = 3  # runs of one batch when another import keeps committing the same new NIKs first
FAMILY_NIK_UNIQUE = "family_nik_unique"


def open_batch(batch: ImportBatch) -> Table:
    return open_table(files.stored_path(batch.stored_as), name=batch.file_name, max_bytes=files.max_bytes())


def count_rows(batch: ImportBatch) -> int | None:
    """Data rows of a CSV, by its line breaks (for the progress bar only; quoted line breaks make it an estimate)."""
    path = files.stored_path(batch.stored_as)
    with path.open("rb") as handle:
        if handle.read(2) == b"PK":
            return None
        handle.seek(0)
        lines = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    return max(lines - 1, 0)


def mapping_problems(kind: ImportKind, table: Table, resolved: Resolved) -> list[str]:
    problems = []
    for name in resolved.missing:
        column = kind.column(name)
        accepted = ", ".join(column.names()[:4]) if column else name
        problems.append(
            _("Column %(header)s is required but the file has none (accepted headers: %(names)s); map a column to it.")
            % {"header": column.header if column else name, "names": accepted}
        )
    for name, first, second in resolved.twice:
        problems.append(
            _("Columns %(a)s and %(b)s both hold %(field)s; ignore one of them in the mapping.")
            % {"a": column_letter(first), "b": column_letter(second), "field": name}
        )
    return problems


def _unknown_notice(table: Table, resolved: Resolved) -> list[str]:
    if not resolved.unknown:
        return []
    names = ", ".join(table.header[i] or column_letter(i) for i in resolved.unknown)
    return [_("Columns not imported (no field of this kind): %(names)s.") % {"names": names}]


def execute(batch: ImportBatch, *, dry_run: bool, progress: Progress) -> Summary:
    """Check or run a batch. A file that cannot be read, or an unexpected error, ends the batch as failed with
    nothing written (the run is one transaction); the error is logged for the operator."""
    status = Status.CHECKING if dry_run else Status.RUNNING
    mark(batch, status=status, phase="reading", heartbeat_at=timezone.now(), message="", progress_done=0)
    tracker = progress if isinstance(progress, BatchProgress) else BatchProgress(batch.pk, echo=progress)
    ended = False
    try:
        summary = _execute_racing(batch, dry_run=dry_run, progress=tracker)
        ended = True
    except FileProblem as exc:
        mark(batch, status=Status.FAILED, phase="", message=str(exc), finished_at=timezone.now())
        return Summary(notices=[str(exc)])
    finally:
        tracker.flush()
        if not ended and batch.status != Status.FAILED:
            # Anything else (a bug, the database gone): the transaction was rolled back; the error propagates to
            # the worker or the command, which log it.
            message = _("The import failed on an unexpected error; nothing was written. The error is logged.")
            mark(batch, status=Status.FAILED, phase="", message=message, finished_at=timezone.now())
    _finish(batch, summary, dry_run=dry_run)
    return summary


def _execute_racing(batch: ImportBatch, *, dry_run: bool, progress: Progress) -> Summary:
    """Run; and again if another import committed a NIK this one was writing as new. Both looked it up before
    either committed, so the unique index refused this one and its transaction was rolled back: run again, it
    now finds that family and reports the row by the batch's policy (skipped, updated, or a row error)."""
    for _attempt in range(RACE_TRIES - 1):
        try:
            return _execute(batch, dry_run=dry_run, progress=progress)
        except (DatabaseError, psycopg.Error) as exc:  # the COPY's thread raises psycopg's own error
            if not _lost_nik_race(exc):
                raise
            log.info("Import batch %s lost a race for a NIK to another import; running it again.", batch.pk)
    return _execute(batch, dry_run=dry_run, progress=progress)


def _lost_nik_race(exc: BaseException) -> bool:
    """The unique NIK of families refused a row (psycopg's error from the COPY, or Django's wrapping it)."""
    for error in (exc, exc.__cause__):
        diag = getattr(error, "diag", None)
        if diag is not None and getattr(diag, "constraint_name", None) == FAMILY_NIK_UNIQUE:
            return True
    return False


def _execute(batch: ImportBatch, *, dry_run: bool, progress: Progress) -> Summary:
    kind = get_kind(batch.kind)
    table = open_batch(batch)
    if kind.name == "responses":  # an ODK/Kobo export is wide (a column per item): one answer per row here
        table.header, table.rows = widen_to_long(table.header, table.rows, item_codes_for(user=batch.created_by))
    resolved = resolve(kind, table.header, batch.mapping)
    problems = mapping_problems(kind, table, resolved)
    if problems:
        raise FileProblem(" ".join(problems))
    run = Run(
        kind=kind,
        table=table,
        resolved=resolved,
        actor=batch.created_by,
        mode=batch.mode,
        on_existing=batch.on_existing,
        dry_run=dry_run,
        batch=None if dry_run else batch,
        progress=progress,
        total=count_rows(batch),
    )
    summary = run_rows(run)
    summary.notices = [*table.warnings, *_unknown_notice(table, resolved), *summary.notices]
    if summary.rows == 0:
        summary.notices.append(_("The file has a header row but no data rows: there is nothing to import."))
    return summary


def _finish(batch: ImportBatch, summary: Summary, *, dry_run: bool) -> None:
    if dry_run:
        status = Status.CHECKED
    elif summary.written and summary.rows:
        status = Status.DONE
    else:
        status = Status.REJECTED
    mark(
        batch,
        status=status,
        phase="",
        rows=summary.rows,
        created=summary.created,
        updated=summary.updated,
        skipped=summary.skipped,
        rejected=summary.rejected,
        errors=[e.as_dict() for e in summary.errors],
        error_count=summary.error_count,
        message="\n".join(summary.notices),
        progress_done=summary.rows,
        finished_at=None if dry_run else timezone.now(),
    )
