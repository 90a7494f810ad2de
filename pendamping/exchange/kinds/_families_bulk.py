"""Writing families set by set: each chunk of cleaned rows is looked up in one query; new rows go to a sink
(`_families_sinks`: one COPY stream on PostgreSQL, executemany on SQLite) with ids taken from the table's
sequence, so what the batch created is known without reading it back. Rows that change an existing family go
through `family_update`, one by one, after the new rows (they are few, and the COPY holds the connection)."""

from __future__ import annotations

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
        seen: dict[str, int] = {}
        pending: Pending = []
        updates: list[Any] = []
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
                    self._flush(run, ctx, summary, sink, pending, updates)
                    run.progress(summary.rows, run.total, "rows")
            self._flush(run, ctx, summary, sink, pending, updates)
            streamed = True
        finally:
            if not streamed:  # whatever stopped the rows (a bad file, a crash): the COPY is abandoned
                sink.abort()
        run.progress(summary.rows, run.total, "indexing")
        sink.close()
        return updates

    def _flush(self, run: Run, ctx: Context, summary: Summary, sink: Any, pending: Pending, updates: list[Any]) -> None:
        if not pending:
            return
        existing = sink.existing([row["nik"] for _n, row, _r in pending])
        new: list[dict[str, Any]] = []
        for number, row, raw in pending:
            twin = existing.get(row["nik"])
            dated = row.pop("decile_dated", True)
            if twin is None:
                new.append(row)
                continue
            try:
                if self._differs(ctx, twin, row, dated=dated):
                    updates.append((number, row, raw, twin))
                else:
                    summary.count("skipped")
            except RowInvalid as exc:
                summary.reject(run.errors_of(number, raw, exc))
        pending.clear()
        if new:
            sink.add(new)
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
