"""CSV and XLSX writers for a Table.

CSV: UTF-8 with a byte-order mark (without it Excel reads UTF-8 as Windows-1252 and mangles names), separated by
commas, produced as a stream of chunks so a response can start before the last row is read.

XLSX: XlsxWriter in constant-memory mode (each row goes to disk as soon as the next one starts, so a million rows
need no more memory than one; plain rows are written whole, see xlsx_rows), into a file the caller gives (a
temporary file, streamed afterwards). Text, codes and NIK/KK numbers are written as text (a 16-digit number would
lose its last digits); amounts and counts as numbers; dates as real dates with a date format."""

import csv
import functools
import io
import re
from collections.abc import Callable, Iterator
from typing import IO, Any

import xlsxwriter

from pendamping.exchange.exports.spec import Kind
from pendamping.exchange.exports.table import Table
from pendamping.exchange.exports.xlsx_rows import RowWriter

CSV_ROWS_PER_CHUNK = 1000
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
MAX_SHEET_ROWS = 1_048_576  # Excel's rows per sheet, the header included
NUMBER_KINDS = (Kind.NUMBER,)
DATE_KINDS = (Kind.DATE, Kind.DATETIME)


def csv_chunks(table: Table) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(table.headers)
    for n, row in enumerate(table.rows, start=1):
        writer.writerow(row)
        if n % CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def sheet_name(title: str, number: int = 1) -> str:
    """Excel refuses []:*?/\\ in a sheet name and more than 31 characters; the second sheet of a list is "… (2)"."""
    suffix = f" ({number})" if number > 1 else ""
    return (re.sub(r"[\[\]:*?/\\]", " ", title).strip()[: 31 - len(suffix)] or "Data") + suffix


class _Book:
    """The workbook's formats and the typed XlsxWriter calls of each column, chosen once per sheet."""

    def __init__(self, workbook: Any, table: Table) -> None:
        self.workbook, self.table = workbook, table
        self.bold = workbook.add_format({"bold": True})
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.moment = workbook.add_format({"num_format": DATETIME_FORMAT})

    def calls(self, sheet: Any) -> list[Callable[..., Any]]:
        # The typed call, never the guessing `write`; a partial binds the format without a Python frame per cell.
        calls: list[Callable[..., Any]] = []
        for kind in self.table.kinds:
            if kind in NUMBER_KINDS:
                calls.append(sheet.write_number)
            elif kind in DATE_KINDS:
                fmt = self.date if kind is Kind.DATE else self.moment
                calls.append(functools.partial(sheet.write_datetime, cell_format=fmt))
            else:
                calls.append(sheet.write_string)
        return calls

    def sheet(self, number: int) -> tuple[Any, RowWriter]:
        table = self.table
        sheet = self.workbook.add_worksheet(sheet_name(table.title, number))
        for col, (header, width) in enumerate(zip(table.headers, table.widths, strict=True)):
            sheet.set_column(col, col, width)
            sheet.write_string(0, col, header, self.bold)
        sheet.freeze_panes(1, 0)
        return sheet, RowWriter(sheet, table.kinds, self.calls(sheet), self.date)

    def finish(self, sheet: Any, rows: int) -> None:
        if rows:
            sheet.autofilter(0, 0, rows, len(self.table.headers) - 1)


def xlsx_write(table: Table, target: IO[bytes], *, tmpdir: str | None = None) -> int:
    """Write the table into `target` (an open binary file); return the number of data rows. A list longer than a
    sheet (1,048,575 rows under the header) goes on over further sheets, each with the header."""
    options: dict[str, Any] = {
        "constant_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "nan_inf_to_errors": True,  # a NaN score becomes #NUM!, not a crash halfway through a file
    }
    if tmpdir:
        options["tmpdir"] = tmpdir
    workbook = xlsxwriter.Workbook(target, options)
    book = _Book(workbook, table)
    number, total, row = 1, 0, 0
    sheet, writer = book.sheet(number)
    for values in table.rows:
        if row + 1 >= MAX_SHEET_ROWS:
            book.finish(sheet, row)
            number, row = number + 1, 0
            sheet, writer = book.sheet(number)
        row += 1
        writer.write(row, values)
        total += 1
    book.finish(sheet, row)
    workbook.close()
    return total
