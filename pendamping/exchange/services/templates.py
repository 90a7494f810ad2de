"""The XLSX template of an import kind: a data sheet with the headers (identifier columns formatted as text so
Excel keeps all 16 digits), drop-down lists where a column has fixed values, and a notes sheet on every column."""

from __future__ import annotations

import io

import xlsxwriter
from django.utils.translation import gettext as _

from pendamping.exchange.kinds import get_kind
from pendamping.exchange.kinds.base import Column

ROWS = 5000  # rows that get the text format and the drop-down lists
_TEXT_FIELDS = ("nik", "kk", "code", "kode", "dtks", "rt", "rw", "phone", "account")


def _is_text(column: Column) -> bool:
    return any(part in column.field for part in _TEXT_FIELDS)


def template_xlsx(kind_name: str) -> bytes:
    kind = get_kind(kind_name)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    data = book.add_worksheet("data")
    notes = book.add_worksheet(_("notes")[:31])
    lists = book.add_worksheet("lists")
    lists.hide()
    formats = {
        "required": book.add_format({"bold": True, "bg_color": "#FDE9D9", "border": 1}),
        "optional": book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1}),
        "text": book.add_format({"num_format": "@"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "bold": book.add_format({"bold": True}),
    }
    list_col = 0
    for index, column in enumerate(kind.columns):
        style = formats["required"] if column.required else formats["optional"]
        data.write_string(0, index, column.header, style)
        data.set_column(index, index, column.width, formats["text"] if _is_text(column) else None)
        if column.choices:
            lists.write_column(0, list_col, list(column.choices))
            ref = f"=lists!${xlsxwriter.utility.xl_col_to_name(list_col)}$1:" \
                  f"${xlsxwriter.utility.xl_col_to_name(list_col)}${len(column.choices)}"  # fmt: skip
            data.data_validation(1, index, ROWS, index, {"validate": "list", "source": ref, "error_type": "warning"})
            list_col += 1
    data.freeze_panes(1, 0)
    _notes(notes, kind.columns, formats)
    book.close()
    return out.getvalue()


def _notes(sheet: xlsxwriter.worksheet.Worksheet, columns: tuple[Column, ...], formats: dict) -> None:
    header = [_("column"), _("required"), _("explanation"), _("example"), _("also accepted as header"), _("values")]
    sheet.write_row(0, 0, header, formats["bold"])
    for row, column in enumerate(columns, start=1):
        sheet.write_string(row, 0, column.header)
        sheet.write_string(row, 1, _("yes") if column.required else _("no"))
        sheet.write_string(row, 2, str(column.note), formats["wrap"])
        sheet.write_string(row, 3, column.example)
        sheet.write_string(row, 4, ", ".join(column.aliases), formats["wrap"])
        sheet.write_string(row, 5, ", ".join(column.choices), formats["wrap"])
    sheet.write_string(
        len(columns) + 2, 0, _("Headers are matched ignoring case and spaces, in Indonesian or English.")
    )
    sheet.write_string(
        len(columns) + 3, 0, _("Type NIK and KK numbers as text (the data sheet's columns are formatted as text).")
    )
    for col, width in enumerate((18, 10, 60, 20, 40, 30)):
        sheet.set_column(col, col, width)
