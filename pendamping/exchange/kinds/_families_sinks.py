"""Where new families go. PostgreSQL: one COPY stream open for the whole file while the rows are cleaned, so the
server indexes rows while Python reads the next ones; lookups (existing NIKs, ids) use a second, autocommit
connection, which sees committed rows only (twins inside the file are caught before), from a thread, so a chunk's
lookup runs while the next chunk is cleaned. SQLite: executemany per chunk. A check (dry run) writes nothing.

`lookup(niks)` answers later (`.result()`: the existing families by NIK and, on PostgreSQL, one new id per NIK
taken from the table's sequence); `add(rows, ids)` writes the new rows with the first of those ids."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.db import connection

from pendamping.exchange.kinds._copy_writer import CopyWriter
from pendamping.exchange.kinds._families_write import (
    COMPARED,
    LOOKUP_SQL,
    bulk_ids,
    copy_lines,
    copy_sql,
    insert_families,
    insert_records,
    next_ids_sql,
)
from pendamping.registry.models import Family


def _as_dicts(rows: list[tuple[Any, ...]]) -> dict[str, dict[str, Any]]:
    names = ("id", "version", *COMPARED)
    return {row[2]: dict(zip(names, row, strict=True)) for row in rows}


Found = tuple[dict[str, dict[str, Any]], list[int] | None]


class _Now:
    """A lookup answered at once (no second connection to ask from)."""

    def __init__(self, value: Found) -> None:
        self.value = value

    def result(self) -> Found:
        return self.value


class CheckSink:
    """A dry run: finds existing families, writes nothing."""

    def lookup(self, niks: list[str]) -> _Now | Future[Found]:
        rows = Family.objects.filter(nik__in=niks).values_list("id", "version", *COMPARED)
        return _Now((_as_dicts(list(rows)), None))

    def add(self, rows: list[dict[str, Any]], ids: list[int] | None) -> None:
        return None

    def close(self) -> None:
        return None

    def abort(self) -> None:
        return None


class ChunkSink(CheckSink):
    """SQLite (and any database without COPY): each chunk inserted with executemany, its records with it."""

    def __init__(self, batch_id: int | None) -> None:
        self.batch_id = batch_id
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # SQLite's page cache is 2 MB by default: index inserts of a large file would read the disk for
                # nearly every row. 256 MB for this connection while it imports.
                cursor.execute("PRAGMA cache_size = -262144")

    def add(self, rows: list[dict[str, Any]], ids: list[int] | None) -> None:
        ids = bulk_ids(len(rows))
        insert_families(rows, ids)
        if self.batch_id is not None:
            insert_records(self.batch_id, ids)


class CopySink:
    """PostgreSQL: the new rows of the file stream to the server in COPY statements written by a thread
    (`_copy_writer`) while this one cleans the next rows."""

    def __init__(self, batch_id: int | None) -> None:
        self.batch_id = batch_id
        self.ids: list[int] = []
        connection.ensure_connection()
        self.side = connection.get_new_connection(connection.get_connection_params())
        self.side.autocommit = True
        self.asking = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-lookup")
        self.writer = CopyWriter(connection.connection, copy_sql())

    def lookup(self, niks: list[str]) -> _Now | Future[Found]:
        return self.asking.submit(self._ask, niks)

    def _ask(self, niks: list[str]) -> Found:
        """On the lookup thread, the only user of the second connection."""
        with self.side.cursor() as cursor:
            cursor.execute(LOOKUP_SQL, [niks])
            existing = _as_dicts(cursor.fetchall())
            cursor.execute(next_ids_sql(), [len(niks) - len(existing)])
            return existing, [row[0] for row in cursor.fetchall()]

    def add(self, rows: list[dict[str, Any]], ids: list[int] | None) -> None:
        ids = ids or []  # lookup() took one per new NIK; copy_lines refuses a count that differs
        self.writer.write(copy_lines(rows, ids), len(rows))
        self.ids.extend(ids)

    def close(self) -> None:
        try:
            self.writer.finish()
        finally:
            self._release()
        if self.batch_id is not None and self.ids:
            insert_records(self.batch_id, self.ids)

    def abort(self) -> None:
        try:
            self.writer.abandon()  # the transaction rolls back; the COPY's own error says nothing new
        finally:
            self._release()

    def _release(self) -> None:
        self.asking.shutdown(wait=True, cancel_futures=True)
        self.side.close()


def sink_for(*, dry_run: bool, batch_id: int | None, outer: bool) -> CheckSink | ChunkSink | CopySink:
    """`outer`: the import runs inside a transaction its caller opened. Rows written there earlier are invisible
    to a second connection, so the lookups must stay on this one: chunk by chunk, no long COPY."""
    if dry_run:
        return CheckSink()
    if connection.vendor == "postgresql" and not outer:
        return CopySink(batch_id)
    return ChunkSink(batch_id)
