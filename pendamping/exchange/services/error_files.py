"""What a user gets back about rejected rows: the list of errors (row, column, value, message), and the rejected
rows themselves with an ERRORS column, to fix and upload again."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from pendamping.exchange.exports.cells import neutralise
from pendamping.exchange.models import ImportBatch
from pendamping.exchange.services.execute import open_batch

ERRORS_HEADER = "ERRORS"


def _neutral(value: Any) -> Any:
    # Values go back into a spreadsheet: text that Excel would run as a formula is neutralised as exports do it.
    return neutralise(value) if isinstance(value, str) else value


def error_list(batch: ImportBatch) -> tuple[list[str], list[list[Any]]]:
    header = [_("row"), _("column"), _("value"), _("message")]
    return header, [[e["row"], e["column"], e["value"], e["message"]] for e in batch.errors]


def rejected_rows(batch: ImportBatch) -> tuple[list[str], list[list[Any]]]:
    """The file's rows that had errors, as they were, each with its messages in a last column."""
    messages: dict[int, list[str]] = {}
    for error in batch.errors:
        label = f"{error['column']}: {error['message']}" if error["column"] else error["message"]
        messages.setdefault(error["row"], []).append(label)
    table = open_batch(batch)
    rows = [[*values, "; ".join(messages[number])] for number, values in table.rows if number in messages]
    return [*table.header, ERRORS_HEADER], rows


def as_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_neutral(h) for h in header])
    for row in rows:
        writer.writerow([_neutral("" if v is None else v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM tells Excel it is UTF-8


def as_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "errors") -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    page = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    page.write_row(0, 0, [str(h) for h in header], bold)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, int | float) and not isinstance(value, bool):
                page.write_number(r, c, value)
            else:
                page.write_string(r, c, str(_neutral("" if value is None else value)))
    book.close()
    return out.getvalue()


def render(header: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str) -> bytes:
    return as_xlsx(header, rows) if fmt == "xlsx" else as_csv(header, rows)
