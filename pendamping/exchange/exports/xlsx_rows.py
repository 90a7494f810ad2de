"""Whole rows into an XlsxWriter worksheet, fast enough for a million-row export.

XlsxWriter's cell calls cost 3-4 µs a cell (argument checks, a tuple per cell stored and read back, an attribute
list, two regular expressions): about 60 µs for a family's 16 cells, over a minute for a million families. In
constant-memory mode a worksheet writes each finished row as XML to its own temporary file; `RowWriter` writes that
same XML for a whole row in one go when every value is plain (text that needs no escaping, finite numbers, dates
from 1 March 1900), and hands any other row to XlsxWriter's own typed cell calls, which escape and check it.

It leans on the constant-memory internals of XlsxWriter 3 (`fh`, `previous_row`, `_write_single_row`,
`_check_dimensions`, `Format._get_xf_index`). `RowWriter.usable` checks they are there; when they are not (another
XlsxWriter), every row goes through the cell calls: slower, never wrong. tests/test_exports_xlsx.py reads back the
same rows written both ways and compares them cell by cell."""

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from pendamping.exchange.exports.spec import Kind

# What XlsxWriter would change in a string: XML specials, control characters (as _xHHHH_), a literal _xHHHH_,
# leading or trailing white space (xml:space="preserve"), U+FFFE/U+FFFF. A string with none is written as it is.
NEEDS_ESCAPING = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_|\A\s|\s\Z")
LONG_TEXT = 16383  # XlsxWriter truncates at 32,767 UTF-16 units; anything near it goes the careful way
FIRST_SAFE_DAY = dt.date(1900, 3, 1)  # from here on an Excel serial is the plain day count below
EXCEL_DAY_ZERO = dt.date(1899, 12, 30).toordinal()
INTERNALS = ("fh", "previous_row", "_write_single_row", "_check_dimensions", "constant_memory")

Cell = Callable[[str, Any], str | None]  # (cell reference, value) -> the <c> element, or None: not plain


def _text(ref: str, value: Any) -> str | None:
    if type(value) is not str or len(value) > LONG_TEXT or NEEDS_ESCAPING.search(value):
        return None
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _number(ref: str, value: Any) -> str | None:
    if type(value) is int or (type(value) in (float, Decimal) and math.isfinite(value)):
        return f'<c r="{ref}"><v>{value:.16G}</v></c>'
    return None


def _day(style: int, ref: str, value: Any) -> str | None:
    if type(value) is not dt.date or value < FIRST_SAFE_DAY:
        return None
    return f'<c r="{ref}" s="{style}"><v>{value.toordinal() - EXCEL_DAY_ZERO}</v></c>'


def _not_plain(ref: str, value: Any) -> None:
    return None


def _cell_for(kind: Kind, day: Cell) -> Cell:
    if kind is Kind.NUMBER:
        return _number
    if kind is Kind.DATE:
        return day
    if kind is Kind.DATETIME:
        return _not_plain  # rare in big lists: XlsxWriter converts them (fractions of a day)
    return _text


class RowWriter:
    """`write(row_number, values)` for rows given in increasing order, after the header row was written with the
    ordinary cell calls. `fallback` holds one typed XlsxWriter call per column."""

    def __init__(
        self, sheet: Any, kinds: Sequence[Kind], fallback: Sequence[Callable[..., Any]], date_format: Any
    ) -> None:
        self.sheet = sheet
        self.fallback = list(fallback)
        self.letters = [xl_col_to_name(col) for col in range(len(kinds))]
        self.usable = all(hasattr(sheet, name) for name in INTERNALS) and bool(sheet.constant_memory)
        style = date_format._get_xf_index() if self.usable else 0
        day: Cell = functools.partial(_day, style)
        self.cells: list[Cell] = [_cell_for(kind, day) for kind in kinds]
        self.last_col = len(kinds) - 1

    def write(self, row: int, values: Sequence[Any]) -> None:
        xml = self._xml(row, values) if self.usable else None
        if xml is None:
            self._cell_by_cell(row, values)
            return
        sheet = self.sheet
        if row > sheet.previous_row:
            sheet._write_single_row(row)  # flushes what the cell calls left (the header), as a cell call would
        if xml:
            sheet.fh.write(xml)
            sheet._check_dimensions(row, self.last_col)

    def _xml(self, row: int, values: Sequence[Any]) -> str | None:
        """The row's <row> element ("" for a row with no values), or None when a value is not plain."""
        number = str(row + 1)
        parts = []
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            cell = self.cells[col](self.letters[col] + number, value)
            if cell is None:
                return None
            parts.append(cell)
        return f'<row r="{number}">{"".join(parts)}</row>' if parts else ""

    def _cell_by_cell(self, row: int, values: Sequence[Any]) -> None:
        for col, value in enumerate(values):
            if value is not None and value != "":
                self.fallback[col](row, col, value)
