"""Writing families set by set: each chunk of cleaned rows is looked up in one query (answered while the next
chunk is cleaned); new rows go to a sink
(`_families_sinks`: one COPY stream on PostgreSQL, executemany on SQLite) with ids taken from the table's
sequence, so what the batch created is known without reading it back. Rows that change an existing family go
through `family_update`, one by one, after the new rows (they are few, and the COPY holds the connection)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.exchange.kinds._families_sinks import sink_for
from pendamping.exchange.kinds._families_write import COMPARED, undo_families, update_family
from pendamping.exchange.kinds.base import Context, RowInvalid, existing_policy

# `run` (exchange.running.Run) and `summary` (exchange.outcome.Summary) are handed in by the engine: the kinds
# sit below the engine and never import it.
Run = Any
Summary = Any

CHUNK = 5000
Pending = list[tuple[int, dict[str, Any], dict[str, Any]]]


@dataclass
class _Writing:
    """One import's writing state. `asked`: the previous chunk with its lookup, which runs (on PostgreSQL, in a
    thread) while the next chunk is cleaned."""

    run: Run
    ctx: Context
    summary: Summary
    sink: Any
    updates: list[Any] = field(default_factory=list)
    asked: tuple[Pending, Any] | None = None


class FamilyBulk:
    def run_bulk(self, run: Run, summary: Summary) -> Summary:
        ctx = Context(actor=run.actor, on_existing=run.on_existing, today=timezone.localdate())
        outer = connection.in_atomic_block
        with transaction.atomic():
            updates = self._stream(run, ctx, summary, outer=outer)
            for number, row, raw, twin in updates:
                self._update(run, ctx, summary, number, row, raw, twin)
            run.finish(summary)
        return summary

    def _stream(self, run: Run, ctx: Context, summary: Summary, *, outer: bool) -> list[Any]:
        self.prepare(ctx)  # type: ignore[attr-defined]
        sink = sink_for(dry_run=run.dry_run, batch_id=run.batch.pk if run.batch else None, outer=outer)
        writing = _Writing(run, ctx, summary, sink)
        seen: dict[str, int] = {}
        pending: Pending = []
        streamed = False
        try:
            for number, raw in run.raw_rows():
                summary.rows += 1
                try:
                    row = self.clean(raw, ctx=ctx)  # type: ignore[attr-defined]
                    _twin(seen, number, row["nik"])
                except RowInvalid as exc:
                    summary.reject(run.errors_of(number, raw, exc))
                    continue
                pending.append((number, row, raw))
                if len(pending) >= CHUNK:
                    self._ask(writing, pending)
                    pending = []
                    run.progress(summary.rows, run.total, "rows")
            self._ask(writing, pending)
            self._ask(writing, [])  # the last chunk's answer
            streamed = True
        finally:
            if not streamed:  # whatever stopped the rows (a bad file, a crash): the COPY is abandoned
                sink.abort()
        run.progress(summary.rows, run.total, "indexing")
        sink.close()
        return writing.updates

    def _ask(self, writing: _Writing, pending: Pending) -> None:
        """Start the lookup of `pending`, then write the chunk asked about before (its answer is in by now)."""
        asked = writing.asked
        writing.asked = (pending, writing.sink.lookup([row["nik"] for _n, row, _r in pending])) if pending else None
        if asked is not None:
            self._flush(writing, *asked)

    def _flush(self, writing: _Writing, pending: Pending, lookup: Any) -> None:
        existing, ids = lookup.result()
        run, summary = writing.run, writing.summary
        new: list[dict[str, Any]] = []
        for number, row, raw in pending:
            twin = existing.get(row["nik"])
            dated = row.pop("decile_dated", True)
            if twin is None:
                new.append(row)
                continue
            try:
                if self._differs(writing.ctx, twin, row, dated=dated):
                    writing.updates.append((number, row, raw, twin))
                else:
                    summary.count("skipped")
            except RowInvalid as exc:
                summary.reject(run.errors_of(number, raw, exc))
        if new:
            writing.sink.add(new, ids)
            summary.created += len(new)

    def _differs(self, ctx: Context, twin: dict[str, Any], row: dict[str, Any], *, dated: bool) -> bool:
        policy = existing_policy(ctx, label=_("A family with this NIK"))
        if not dated and row["welfare_decile"] == twin["welfare_decile"]:
            row["decile_as_of"] = twin["decile_as_of"]  # an undated decile that did not change keeps its date
        return policy == "update" and any(twin[name] != row[name] for name in COMPARED)

    def _update(self, run: Run, ctx: Context, summary: Summary, number: int, row: Any, raw: Any, twin: Any) -> None:
        try:
            if not run.dry_run:
                update_family(run, ctx, twin, row)
        except (RowInvalid, ValidationError) as exc:
            summary.reject(run.errors_of(number, raw, exc))
            return
        summary.count("updated")

    def undo_bulk(self, batch: Any, *, actor: Any) -> None:
        undo_families(batch, actor=actor)


def _twin(seen: dict[str, int], number: int, nik: str) -> None:
    first = seen.setdefault(nik, number)
    if first != number:
        message = _("Same NIK as row %(first)d: a family appears twice in this file.") % {"first": first}
        raise RowInvalid.one("nik", message)
