"""The thread that owns the importing connection while new families stream into PostgreSQL.

The main thread cleans rows and hands over COPY text; this thread writes it, one COPY statement per SEGMENT rows,
with the table's foreign keys checked at the end of each statement (SET CONSTRAINTS ALL IMMEDIATE) instead of all
at once at commit. So the server checks a segment's villages while Python cleans the next rows, and waiting on the
server (a full socket, a segment's checks) never stops the cleaning. psycopg releases the GIL while it waits."""

from __future__ import annotations

import contextlib
import queue
import threading
from typing import Any

SEGMENT = 100_000  # rows per COPY statement


class CopyWriter:
    def __init__(self, conn: Any, sql: str) -> None:
        self.conn, self.sql = conn, sql
        # Chunks of COPY text, None when no more come; a few at most, so memory stays bounded.
        self.queue: queue.Queue[tuple[str, int] | None] = queue.Queue(maxsize=8)
        self.error: Exception | None = None
        self.abandoned = False
        with conn.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.thread = threading.Thread(target=self._run, name="import-copy", daemon=True)
        self.thread.start()

    def write(self, text: str, rows: int) -> None:
        self._raise()
        self.queue.put((text, rows))

    def finish(self) -> None:
        """Every row written and checked; the connection is the caller's again."""
        self.queue.put(None)
        self.thread.join()
        self._raise()
        with self.conn.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django declares them (INITIALLY DEFERRED)

    def abandon(self) -> None:
        """The import stopped: the open COPY fails, and the transaction is left to roll back."""
        self.abandoned = True
        self.queue.put(None)
        self.thread.join()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        cursor, copying, rows = self.conn.cursor(), None, 0
        item: tuple[str, int] | None = None
        try:
            while (item := self.queue.get()) is not None:
                if copying is None:
                    copying = cursor.copy(self.sql)
                    copy = copying.__enter__()
                copy.write(item[0])
                rows += item[1]
                if rows >= SEGMENT:  # this statement ends: the server checks its rows' foreign keys now
                    copying.__exit__(None, None, None)
                    copying, rows = None, 0
            if copying is not None:
                ending, copying = copying, None
                stop = (RuntimeError, RuntimeError("import stopped"), None) if self.abandoned else (None, None, None)
                ending.__exit__(*stop)
        except Exception as exc:  # noqa: BLE001 - handed to the main thread, which raises it
            self.error = exc
            _fail(copying, exc)
            while item is not None:  # take what the main thread still hands over, so it never waits on a full queue
                item = self.queue.get()
        finally:
            cursor.close()


def _fail(copying: Any, exc: Exception) -> None:
    """End a COPY that broke, so the connection leaves COPY mode and the transaction can roll back."""
    if copying is not None:
        with contextlib.suppress(Exception):
            copying.__exit__(type(exc), exc, None)
