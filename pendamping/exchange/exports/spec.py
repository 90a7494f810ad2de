"""What an export is: a list page's rows, read through the page's own selector with the page's own filters, and
the columns written for each row.

A column names one value of the row as the ORM reaches it (`desa__name`, an annotation such as `member_count`), so
an export is a single `values_list` query over the selector's queryset: no object per row, no query per row."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise

Label = str | Promise
Rows = Callable[[Any, Any], QuerySet[Any]]  # (user, request.GET) -> the list page's queryset


class Kind(StrEnum):
    TEXT = "text"  # free text, neutralised (cells.neutralise)
    ID = "id"  # an identifier (code, reference, DTKS id): always text, never a number that loses digits
    SECRET = "secret"  # nosec B105  # a column kind: a NIK or KK number, masked unless the role may see it
    NUMBER = "number"  # int, Decimal or float; written as a number, negative amounts too
    DATE = "date"
    DATETIME = "datetime"  # shown in the office's time zone
    CHOICE = "choice"  # a stored code, written as its label
    CHOICES = "choices"  # a JSON list of codes, written as their labels joined by commas
    BOOL = "bool"  # yes / no


@dataclass(frozen=True)
class Column:
    header: Label
    field: str
    kind: Kind = Kind.TEXT
    choices: Sequence[tuple[Any, Label]] = ()  # for CHOICE and CHOICES
    width: int = 14  # XLSX column width, in characters
    # Replaces the kind's own conversion of a (non-null) value; its result is written as the kind says.
    convert: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class ExportSpec:
    """`permissions`: the list page's own check (any one of them lets the user see the page); `export.lists` is
    required on top. `page`: the list page's URL name. `rows` must call the page's selector exactly as the page
    does, so the export holds the page's rows (scope and filters) in the page's order."""

    name: str
    title: Label
    permissions: tuple[str, ...]
    page: str
    rows: Rows
    columns: tuple[Column, ...]

    @property
    def has_secrets(self) -> bool:
        return any(column.kind is Kind.SECRET for column in self.columns)


# Shorthands, so each list reads as a table of headers and fields.


def text(header: Label, field: str, width: int = 24) -> Column:
    return Column(header, field, Kind.TEXT, width=width)


def ident(header: Label, field: str, width: int = 16) -> Column:
    return Column(header, field, Kind.ID, width=width)


def secret(header: Label, field: str) -> Column:
    return Column(header, field, Kind.SECRET, width=18)


def number(header: Label, field: str, width: int = 12) -> Column:
    return Column(header, field, Kind.NUMBER, width=width)


def date(header: Label, field: str) -> Column:
    return Column(header, field, Kind.DATE, width=12)


def moment(header: Label, field: str) -> Column:
    return Column(header, field, Kind.DATETIME, width=17)


def choice(header: Label, field: str, choices: Sequence[tuple[Any, Label]], width: int = 16) -> Column:
    return Column(header, field, Kind.CHOICE, choices=choices, width=width)


def choices(header: Label, field: str, options: Sequence[tuple[Any, Label]], width: int = 30) -> Column:
    return Column(header, field, Kind.CHOICES, choices=options, width=width)


def flag(header: Label, field: str) -> Column:
    return Column(header, field, Kind.BOOL, width=8)
