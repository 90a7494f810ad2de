"""Keeps `WelfareChange` (one row per family: latest welfare record against its baseline) current. The baseline
is the record at joining, else the earliest record, as `selectors.ledger.family_welfare` reads it."""

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When, Window
from django.db.models.functions import RowNumber

from pendamping.enterprise.models import WelfareChange, WelfareRecord

BATCH = 10_000
_FIELDS = (
    "family_id",
    "recorded_on",
    "monthly_income",
    "welfare_decile",
    "family__regency_id",
    "family__desa__parent_id",
)


def _baseline_first() -> list[Any]:
    joining_first = Case(
        When(kind=WelfareRecord.Kind.JOINING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return [joining_first, F("recorded_on").asc(), F("id").asc()]


def _ranked(order: list[Any], family_ids: list[int] | None) -> Iterator[tuple[Any, ...]]:
    """(family, date, income, decile, regency, kecamatan) of each family's first record in `order`."""
    qs = WelfareRecord.objects.all() if family_ids is None else WelfareRecord.objects.filter(family_id__in=family_ids)
    ranked = qs.annotate(rank=Window(RowNumber(), partition_by=[F("family_id")], order_by=order)).filter(rank=1)
    return ranked.order_by("family_id").values_list(*_FIELDS).iterator(chunk_size=BATCH)


def _change(base: tuple[Any, ...], latest: tuple[Any, ...]) -> WelfareChange | None:
    family_id, base_on, base_income, base_decile, regency, kecamatan = base
    if latest[1] <= base_on:  # one record, or none after the baseline: nothing has changed yet
        return None
    deciles = None if base_decile is None or latest[3] is None else latest[3] - base_decile
    return WelfareChange(
        family_id=family_id,
        regency_id=regency,
        kecamatan_id=kecamatan,
        baseline_on=base_on,
        latest_on=latest[1],
        income_change=latest[2] - base_income,
        change_pct=round(100 * (latest[2] - base_income) / base_income, 2) if base_income else None,
        decile_shift=deciles,
    )


def _changes(family_ids: list[int] | None) -> Iterator[WelfareChange]:
    # Both walks are ordered by family and yield exactly one row per family with records: they pair up.
    latest_first = [F("recorded_on").desc(), F("id").desc()]
    for base, latest in zip(_ranked(_baseline_first(), family_ids), _ranked(latest_first, family_ids), strict=True):
        if (change := _change(base, latest)) is not None:
            yield change


def _write(changes: Iterator[WelfareChange]) -> int:
    written, batch = 0, []
    for change in changes:
        batch.append(change)
        if len(batch) == BATCH:
            written += len(WelfareChange.objects.bulk_create(batch))
            batch = []
    return written + len(WelfareChange.objects.bulk_create(batch))


@transaction.atomic
def welfare_change_refresh(*, family_ids: list[int]) -> None:
    """Recompute the rows of these families (after their records changed), inside the caller's transaction."""
    WelfareChange.objects.filter(family_id__in=family_ids).delete()
    _write(_changes(family_ids))


@transaction.atomic
def welfare_changes_rebuild() -> int:
    """Recompute every family's row (after a bulk load); returns how many families have a change."""
    WelfareChange.objects.all().delete()
    return _write(_changes(None))
