"""Writing families set by set: each chunk of cleaned rows is checked against the table in one query, and new
rows go in with COPY (PostgreSQL) or executemany (SQLite) with ids taken from the table's sequence, so what the
batch created is known without reading it back. Updates go through `family_update`, one by one (they are few)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.exchange.kinds._families_write import (
    COMPARED,
    bulk_ids,
    insert_families,
    insert_records,
    undo_families,
    update_family,
)
from pendamping.exchange.kinds.base import Context, RowInvalid
from pendamping.registry.models import Family

if TYPE_CHECKING:
    from pendamping.exchange.services.engine import Run
    from pendamping.exchange.services.outcome import Summary

CHUNK = 5000


class FamilyBulk:
    def run_bulk(self, run: Run) -> Summary:
        from pendamping.exchange.services.engine import row_errors, settle
        from pendamping.exchange.services.outcome import Summary

        summary = Summary()
        ctx = Context(actor=run.actor, on_existing=run.on_existing, today=timezone.localdate())
        seen: dict[str, int] = {}
        with transaction.atomic():
            pending: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
            for number, raw in run.raw_rows():
                summary.rows += 1
                try:
                    row = self.clean(raw, ctx=ctx)  # type: ignore[attr-defined]
                    _twin(run, seen, number, row["nik"])
                except RowInvalid as exc:
                    summary.reject(row_errors(run, number, raw, exc))
                    continue
                pending.append((number, row, raw))
                if len(pending) >= CHUNK:
                    self._flush(run, ctx, summary, pending)
                    run.progress(summary.rows, run.total, "rows")
            self._flush(run, ctx, summary, pending)
            settle(run, summary)
        return summary

    def _flush(self, run: Run, ctx: Context, summary: Summary, pending: list[Any]) -> None:
        from pendamping.exchange.services.engine import row_errors

        if not pending:
            return
        existing = _existing([row["nik"] for _n, row, _r in pending])
        new: list[dict[str, Any]] = []
        for number, row, raw in pending:
            twin = existing.get(row["nik"])
            if twin is None:
                row.pop("decile_dated", None)
                new.append(row)
                continue
            try:
                summary.count(self._matched(run, ctx, twin, row))
            except RowInvalid as exc:
                summary.reject(row_errors(run, number, raw, exc))
        pending.clear()
        summary.created += len(new)
        if new and not run.dry_run:
            ids = bulk_ids(len(new))
            insert_families(new, ids)
            if run.batch is not None:
                insert_records(run.batch.pk, ids)

    def _matched(self, run: Run, ctx: Context, twin: dict[str, Any], row: dict[str, Any]) -> str:
        from pendamping.exchange.kinds.base import existing_policy

        policy = existing_policy(ctx, label=_("A family with this NIK"))
        if not row.pop("decile_dated", True) and row["welfare_decile"] == twin["welfare_decile"]:
            row["decile_as_of"] = twin["decile_as_of"]  # an undated decile that did not change keeps its date
        if policy == "skip" or all(twin[name] == row[name] for name in COMPARED):
            return "skipped"
        if not run.dry_run:
            update_family(run, ctx, twin, row)
        return "updated"

    def undo_bulk(self, batch: Any, *, actor: Any) -> None:
        undo_families(batch, actor=actor)


def _twin(run: Run, seen: dict[str, int], number: int, nik: str) -> None:
    first = seen.setdefault(nik, number)
    if first != number:
        raise RowInvalid.one(
            "nik", _("Same NIK as row %(first)d: a family appears twice in this file.") % {"first": first}
        )


def _existing(niks: list[str]) -> dict[str, dict[str, Any]]:
    rows = Family.objects.filter(nik__in=niks).values("id", "version", *COMPARED)
    return {row["nik"]: row for row in rows}
