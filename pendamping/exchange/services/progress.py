"""Progress of an import, written where other processes can read it while the import's own transaction is open.

A page polls the batch row. Inside the import's transaction an UPDATE on the same connection would stay invisible
until the end, so progress goes through a short-lived thread with its own connection (Django connections are per
thread); on SQLite that write may wait for the import's lock, which only delays the bar, never the import."""

from __future__ import annotations

import threading
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connection, connections, transaction
from django.utils import timezone

from pendamping.exchange.models import ImportBatch

MIN_INTERVAL = 1.0  # seconds between two writes
RECONNECT_TRIES = 20  # a second apart: how long an ending import waits for a restarting database (C4)


def _write(batch_id: int, done: int, total: int | None, phase: str) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(
        progress_done=done, progress_total=total or 0, phase=phase[:20], heartbeat_at=timezone.now()
    )


def _write_aside(batch_id: int, done: int, total: int | None, phase: str) -> None:
    try:
        _write(batch_id, done, total, phase)
    except DatabaseError:
        pass  # progress is best effort: the import itself must not fail because the bar could not move
    finally:
        connections.close_all()


class BatchProgress:
    """A `Progress` callback for one batch, throttled."""

    def __init__(self, batch_id: int, *, echo: object | None = None) -> None:
        self.batch_id = batch_id
        self.last = 0.0
        self.echo = echo  # a callable(done, total, phase) for the CLI's bar
        self._thread: threading.Thread | None = None

    def __call__(self, done: int, total: int | None, phase: str) -> None:
        if callable(self.echo):
            self.echo(done, total, phase)
        now = time.monotonic()
        if now - self.last < MIN_INTERVAL:
            return
        self.last = now
        if not connection.in_atomic_block:
            _write(self.batch_id, done, total, phase)
            return
        if self._thread is not None and self._thread.is_alive():
            return  # the previous write is still waiting: skip this one rather than queue them up
        self._thread = threading.Thread(target=_write_aside, args=(self.batch_id, done, total, phase), daemon=True)
        self._thread.start()

    def flush(self) -> None:
        if self._thread is not None:
            self._thread.join(timeout=30)


def mark(batch: ImportBatch, **fields: object) -> None:
    """Change a batch's status fields now, committed, whatever transaction may be open around the caller."""
    for name, value in fields.items():
        setattr(batch, name, value)
    for attempt in range(RECONNECT_TRIES):
        try:
            with transaction.atomic():
                ImportBatch.objects.filter(pk=batch.pk).update(**fields)
            return
        except (OperationalError, InterfaceError):
            # The database went away (restarted) and took the import with it. Outside any transaction, reconnect
            # and try again for a while, so the batch ends as failed now rather than when the reaper finds it.
            if connection.in_atomic_block or attempt == RECONNECT_TRIES - 1:
                raise
            connection.close()
            time.sleep(1)
