"""XLSX read with python-calamine, after the archive check. Values stay as calamine gives them (every number a
float, dates as datetime.date, empty cells ""); cached formula values are read and no macro ever runs.

calamine loads the whole sheet at once (it is a ZIP of XML, there is no streaming): the archive check bounds
what that can cost."""

from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from pendamping.exchange.reading.archive import check_archive, damaged
from pendamping.exchange.reading.base import (
    HEADER_SEARCH_ROWS,
    FileProblem,
    Table,
    column_letter,
    fit_row,
    header_names,
    is_blank_row,
    overflow_warning,
    pick_header,
    shown,
)

MERGED_LISTED = 5


def open_xlsx(path: Path, *, name: str, max_bytes: int | None, sheet: str | None) -> Table:
    warnings = check_archive(path, name=name, max_bytes=max_bytes)
    data = _load_sheet(path, name=name, sheet=sheet)
    start = data.start
    first = list(islice(_non_blank(data, start[1]), HEADER_SEARCH_ROWS)) if start else []
    if start is None or not first:
        raise FileProblem(_('%(file)s: the sheet "%(sheet)s" is empty.') % {"file": shown(name), "sheet": data.name})
    number, cells, found = pick_header(first, name=name)
    header = header_names(cells, name=name)
    warnings += found + _merged(data, number)
    rows = _rows(data, offset=start[1], header_row=number, width=len(header), warnings=warnings)
    return Table(
        name=name,
        format="xlsx",
        encoding=None,
        delimiter=None,
        header=header,
        rows=rows,
        sheet=data.name,
        warnings=warnings,
    )


def _load_sheet(path: Path, *, name: str, sheet: str | None) -> CalamineSheet:
    try:
        with CalamineWorkbook.from_path(path) as book:
            # The sheet keeps its own copy of the cells: it stays readable after the workbook is closed.
            return book.get_sheet_by_name(_sheet_name(book, name=name, sheet=sheet))
    except PasswordError as exc:
        raise FileProblem(
            _("%(file)s is password-protected. Save it in Excel without a password, as .xlsx or CSV.")
            % {"file": shown(name)}
        ) from exc
    except CalamineError as exc:
        raise damaged(name) from exc


def _sheet_name(book: CalamineWorkbook, *, name: str, sheet: str | None) -> str:
    """The sheet asked for (case and outer spaces ignored), else the first visible worksheet."""
    names = book.sheet_names
    if sheet is None:
        visible = [
            meta.name
            for meta in book.sheets_metadata
            if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible
        ]
        if visible or names:
            return (visible or names)[0]
        raise damaged(name)
    wanted = sheet.strip().casefold()
    for candidate in names:
        if candidate.strip().casefold() == wanted:
            return candidate
    raise FileProblem(
        _('%(file)s has no sheet "%(sheet)s". Its sheets are: %(sheets)s.')
        % {"file": shown(name), "sheet": sheet, "sheets": ", ".join(f'"{n}"' for n in names)}
    )


def _non_blank(data: CalamineSheet, offset: int) -> Iterator[tuple[int, list[Any]]]:
    """Non-blank rows with their sheet row number. calamine gives whole rows from row 1 but columns only from
    the first used one: pad them back so that cell i is column column_letter(i)."""
    padding = [""] * offset
    for number, cells in enumerate(data.iter_rows(), start=1):
        if not is_blank_row(cells):
            yield number, (padding + cells if offset else cells)


def _rows(
    data: CalamineSheet, *, offset: int, header_row: int, width: int, warnings: list[str]
) -> Iterator[tuple[int, list[Any]]]:
    warned = False
    for number, cells in _non_blank(data, offset):
        if number <= header_row:
            continue
        fitted, overflow = fit_row(cells, width)
        if overflow and not warned:
            warned = True
            warnings.append(overflow_warning(number, width))
        yield number, fitted


def _merged(data: CalamineSheet, header_row: int) -> list[str]:
    """Merged ranges from the header down (a merged title above the header is harmless)."""
    ranges = [
        f"{column_letter(first[1])}{first[0] + 1}:{column_letter(last[1])}{last[0] + 1}"
        for first, last in data.merged_cell_ranges or []
        if last[0] + 1 >= header_row
    ]
    if not ranges:
        return []
    listed = ", ".join(ranges[:MERGED_LISTED]) + (" …" if len(ranges) > MERGED_LISTED else "")
    return [
        _(
            "Merged cells %(ranges)s: only the first cell of each holds the value and the others are read as "
            "empty. Unmerge them and fill every cell."
        )
        % {"ranges": listed}
    ]
