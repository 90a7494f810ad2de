"""Where new families go. PostgreSQL: one COPY stream open for the whole file while the rows are cleaned, so the
server indexes rows while Python reads the next ones; lookups (existing NIKs, ids) use a second, autocommit
connection, which sees committed rows only (twins inside the file are caught before). SQLite: executemany per
chunk. A check (dry run) writes nothing."""

from __future__ import annotations

from typing import Any

import psycopg
from django.db import DatabaseError, connection

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


class CheckSink:
    """A dry run: finds existing families, writes nothing."""

    def existing(self, niks: list[str]) -> dict[str, dict[str, Any]]:
        rows = Family.objects.filter(nik__in=niks).values_list("id", "version", *COMPARED)
        return _as_dicts(list(rows))

    def add(self, rows: list[dict[str, Any]]) -> None:
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

    def add(self, rows: list[dict[str, Any]]) -> None:
        ids = bulk_ids(len(rows))
        insert_families(rows, ids)
        if self.batch_id is not None:
            insert_records(self.batch_id, ids)


class CopySink:
    """PostgreSQL: one COPY for all new rows of the file."""

    def __init__(self, batch_id: int | None) -> None:
        self.batch_id = batch_id
        self.ids: list[int] = []
        connection.ensure_connection()
        self.side = connection.get_new_connection(connection.get_connection_params())
        self.side.autocommit = True
        self.cursor = connection.connection.cursor()
        self.copying = self.cursor.copy(copy_sql())
        self.copy = self.copying.__enter__()

    def existing(self, niks: list[str]) -> dict[str, dict[str, Any]]:
        with self.side.cursor() as cursor:
            cursor.execute(LOOKUP_SQL, [niks])
            return _as_dicts(cursor.fetchall())

    def add(self, rows: list[dict[str, Any]]) -> None:
        with self.side.cursor() as cursor:
            cursor.execute(next_ids_sql(), [len(rows)])
            ids = [row[0] for row in cursor.fetchall()]
        self.copy.write(copy_lines(rows, ids))
        self.ids.extend(ids)

    def close(self) -> None:
        try:
            self.copying.__exit__(None, None, None)
        finally:
            self.cursor.close()
            self.side.close()
        if self.batch_id is not None and self.ids:
            insert_records(self.batch_id, self.ids)

    def abort(self) -> None:
        try:
            self.copying.__exit__(RuntimeError, RuntimeError("import stopped"), None)
        except (DatabaseError, psycopg.Error):
            pass  # the COPY is being abandoned and the transaction rolls back: its own error says nothing new
        finally:
            self.cursor.close()
            self.side.close()


def sink_for(*, dry_run: bool, batch_id: int | None, outer: bool) -> CheckSink | ChunkSink | CopySink:
    """`outer`: the import runs inside a transaction its caller opened. Rows written there earlier are invisible
    to a second connection, so the lookups must stay on this one: chunk by chunk, no long COPY."""
    if dry_run:
        return CheckSink()
    if connection.vendor == "postgresql" and not outer:
        return CopySink(batch_id)
    return ChunkSink(batch_id)
