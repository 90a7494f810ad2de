"""An export's rows as plain values ready for a writer: masked, labelled and neutralised, streamed from one query.

The rows are read with `values_list(...).iterator(chunk_size=2000)`: PostgreSQL hands them over through a
server-side cursor 2,000 at a time, so a million-row export holds one chunk in memory, never the list."""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.core.nik import mask_number
from pendamping.exchange.exports.cells import neutralise
from pendamping.exchange.exports.spec import Column, Kind

CHUNK = 2000
Convert = Callable[[Any], Any]


@dataclass
class Table:
    """`rows` is a one-shot iterator: a writer consumes it once."""

    title: str
    headers: list[str]
    kinds: list[Kind]
    widths: list[int]
    rows: Iterable[Sequence[Any]]


def _text(value: Any) -> str:
    return neutralise(value if isinstance(value, str) else str(value))


def _masked(value: str) -> str:
    return neutralise(mask_number(value))


def _local(value: dt.datetime) -> dt.datetime:
    """Spreadsheets know no time zones: the office's local time, to the second."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None, microsecond=0)


def _labels(column: Column) -> dict[Any, str]:
    return {code: neutralise(str(label)) for code, label in column.choices}


def _choice(column: Column) -> Convert:
    labels = _labels(column)
    return lambda value: labels.get(value) or _text(value)


def _choice_list(column: Column) -> Convert:
    labels = _labels(column)
    return lambda codes: ", ".join(labels.get(c) or _text(c) for c in codes) if isinstance(codes, list) else ""


def _yes_no() -> Convert:
    yes, no = _("yes"), _("no")
    return lambda value: yes if value else no


def converter(column: Column, *, unmasked: bool) -> Convert | None:
    """How a column's database value becomes its cell value (None: as it is). Labels are translated once, here."""
    kind = column.kind
    if column.convert is not None:
        return column.convert
    if kind in (Kind.TEXT, Kind.ID):
        return _text
    if kind is Kind.SECRET:
        return _text if unmasked else _masked
    if kind is Kind.CHOICE:
        return _choice(column)
    if kind is Kind.CHOICES:
        return _choice_list(column)
    if kind is Kind.BOOL:
        return _yes_no()
    if kind is Kind.DATETIME:
        return _local
    return None  # numbers and dates go to the writer as they are


def converted(rows: Iterable[Sequence[Any]], converters: Sequence[Convert | None]) -> Iterator[list[Any]]:
    # Only the columns that need it are touched: this loop runs for every cell of a million-row export.
    todo = [(i, f) for i, f in enumerate(converters) if f is not None]
    for row in rows:
        out = list(row)
        for i, convert in todo:
            value = out[i]
            if value is not None:
                out[i] = convert(value)
        yield out


def values(qs: QuerySet[Any], columns: Sequence[Column]) -> Iterator[tuple[Any, ...]]:
    """The columns' values, row by row, in the page's order. The page's prefetches are for its objects; a values
    query has no objects to prefetch into, so they are dropped."""
    fields = [column.field for column in columns]
    return qs.prefetch_related(None).values_list(*fields).iterator(chunk_size=CHUNK)


def table_from(title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, unmasked: bool) -> Table:
    return Table(
        title=title,
        headers=[str(column.header) for column in columns],
        kinds=[column.kind for column in columns],
        widths=[column.width for column in columns],
        rows=converted(rows, [converter(column, unmasked=unmasked) for column in columns]),
    )
