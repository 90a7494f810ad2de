"""What every reader returns (`Table`), the one error a whole file can raise (`FileProblem`), and the header rules
CSV and XLSX share: which row is the header, how wide the table is, and which headers are the same column."""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_COLUMNS = 256
# A header cell is a name. One longer than this is a quote mark that was never closed and swallowed the file.
MAX_HEADER_LENGTH = 1000
# Rows looked at to find the header below title rows ("DAFTAR KELUARGA PENERIMA ..." merged over the columns).
HEADER_SEARCH_ROWS = 10
MEGABYTE = 1024 * 1024


class FileProblem(ValueError):
    """The whole file cannot be read; str(exc) is a translated, clear message naming the file (and row/column
    when known). Raised by `open_table`, and also while iterating `Table.rows` (a CSV quote never closed)."""


@dataclass
class Table:
    name: str  # display name of the file (as given)
    format: str  # "csv" | "xlsx"
    encoding: str | None  # "utf-8", "utf-8-sig", "cp1252" ("utf-16" for Excel's "Unicode Text") for CSV; None for XLSX
    delimiter: str | None  # "," ";" or "\t" for CSV
    # header[i] is the file's column column_letter(i): empty header cells before or between names stay "".
    header: list[str]
    # (row number as the user sees it in the file, values), lazily; blank rows are skipped but still counted.
    rows: Iterator[tuple[int, list[Any]]]
    sheet: str | None = None
    # Found while opening; a row wider than the header adds one while `rows` is iterated, so read them after.
    warnings: list[str] = field(default_factory=list)


def normalise_header(text: str) -> str:
    """The key two headers are "the same" by: case, spaces, punctuation and accents ignored ("Tgl. Lahir",
    "TGL_LAHIR" and "tgl lahir" are one column; "Désa" is "desa")."""
    decomposed = unicodedata.normalize("NFKD", text).lower()
    return re.sub(r"[^a-z0-9]+", "", decomposed)


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based column index: 0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    number = index + 1
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def shown(name: str) -> str:
    """A file name fit for a message: a 300-character name is cut in the middle, not dropped."""
    return name if len(name) <= 80 else f"{name[:45]}…{name[-30:]}"


def megabytes(size: int) -> str:
    amount = round(size / MEGABYTE, 1)
    return number_format(amount, decimal_pos=0 if amount.is_integer() else 1, force_grouping=True)


def cell_text(value: Any) -> str:
    """A header cell as text: "2024" for the number 2024 (calamine reads every number as a float)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif hasattr(value, "isoformat"):
        value = value.isoformat()
    return " ".join(str(value).split())


def is_blank_row(cells: list[Any]) -> bool:
    """True when no cell holds anything but spaces (Excel saves formatted-but-empty rows as ";;;;")."""
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def filled(cells: list[Any]) -> int:
    return sum(1 for cell in cells if not is_blank_row([cell]))


def pick_header(first: list[tuple[int, list[Any]]], *, name: str) -> tuple[int, list[Any], list[str]]:
    """Choose the header among the first non-blank rows: the first with two or more cells filled, below any
    one-cell title rows; a one-column file keeps its first row. Returns (row number, cells, warnings)."""
    if not first:
        raise FileProblem(_("%(file)s is empty: it holds no header and no rows.") % {"file": shown(name)})
    index = next((i for i, (_number, cells) in enumerate(first) if filled(cells) >= 2), 0)
    number, cells = first[index]
    warnings = []
    if index:
        titles = "; ".join(cell_text(next(c for c in row if not is_blank_row([c])))[:60] for _n, row in first[:index])
        rows = ", ".join(str(n) for n, _row in first[:index])
        warnings.append(
            ngettext(
                "Row %(rows)s above the header holds a single cell (a title) and was skipped: %(titles)s",
                "Rows %(rows)s above the header hold a single cell (a title) and were skipped: %(titles)s",
                index,
            )
            % {"rows": rows, "titles": titles}
        )
    return number, cells, warnings


def header_names(cells: list[Any], *, name: str) -> list[str]:
    """The header as text, trailing empty cells dropped; too wide, a runaway cell or two headers naming the same
    column are FileProblems (the import could only guess which column is meant)."""
    header = [cell_text(cell) for cell in cells]
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise FileProblem(
            _("%(file)s has %(count)s columns; at most %(limit)s are read. Is this the right sheet or file?")
            % {"file": shown(name), "count": number_format(len(header), force_grouping=True), "limit": MAX_COLUMNS}
        )
    seen: dict[str, int] = {}
    for index, text in enumerate(header):
        if len(text) > MAX_HEADER_LENGTH:
            raise FileProblem(
                _(
                    "%(file)s: the header of column %(column)s is %(length)s characters long. "
                    'A quote mark (") is probably opened and never closed.'
                )
                % {"file": shown(name), "column": column_letter(index), "length": len(text)}
            )
        key = normalise_header(text)
        if key and key in seen:
            first = seen[key]
            raise FileProblem(
                _(
                    '%(file)s: columns %(first)s and %(second)s have the same header ("%(a)s" and "%(b)s"). '
                    "Rename or remove one of them."
                )
                % {
                    "file": shown(name),
                    "first": column_letter(first),
                    "second": column_letter(index),
                    "a": header[first],
                    "b": text,
                }
            )
        seen.setdefault(key, index)
    return header


def fit_row(cells: list[Any], width: int) -> tuple[list[Any], bool]:
    """Pad a short row with "" and cut a long one to the header's width; True when the cut dropped a value
    (it has no column name, so nothing would read it)."""
    if len(cells) < width:
        return cells + [""] * (width - len(cells)), False
    if len(cells) > width:
        return cells[:width], not is_blank_row(cells[width:])
    return cells, False


def overflow_warning(number: int, width: int) -> str:
    return _(
        "Row %(row)s (and maybe others) has values right of the last named column %(column)s; they are not read."
    ) % {"row": number, "column": column_letter(max(width - 1, 0))}
