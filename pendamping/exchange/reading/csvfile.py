"""CSV as offices write it: UTF-8 (with or without BOM) or Windows-1252, separated by "," or ";" (Indonesian Excel
writes ";") or tabs, quoted fields holding separators and newlines. Rows stream from disk: a 1,000,000-row file is
never held in memory."""

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from pendamping.exchange.reading.base import (
    HEADER_SEARCH_ROWS,
    FileProblem,
    Table,
    fit_row,
    header_names,
    is_blank_row,
    overflow_warning,
    pick_header,
    shown,
)

CHUNK = 1024 * 1024
SNIFF_CHARS = 1024 * 1024
# The order breaks ties: a ";" file from Indonesian Excel is the usual case, and a "," inside a header name
# ("Alamat, RT/RW") is likelier than a ";".
DELIMITERS = (";", ",", "\t")


def open_csv(path: Path, *, name: str) -> Table:
    encoding = _encoding(path, name=name)
    with path.open(encoding=encoding, newline="") as stream:
        delimiter = sniff_delimiter(stream.read(SNIFF_CHARS))
    number, cells, warnings = pick_header(_first_rows(path, encoding, delimiter, name=name), name=name)
    header = header_names(cells, name=name)
    rows = _rows(
        path,
        encoding=encoding,
        delimiter=delimiter,
        header_row=number,
        width=len(header),
        warnings=warnings,
        name=name,
    )
    return Table(
        name=name, format="csv", encoding=encoding, delimiter=delimiter, header=header, rows=rows, warnings=warnings
    )


def sniff_delimiter(sample: str) -> str:
    """The separator used most outside quotes on the first line that has one (a title line above the header
    may have none); "," when no line has any (a one-column file)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted, lines = False, 0
    for char in sample:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in counts:
            counts[char] += 1
        elif char == "\n":
            lines += 1
            if any(counts.values()) or lines >= HEADER_SEARCH_ROWS:
                break
    best = max(DELIMITERS, key=counts.__getitem__)
    return best if counts[best] else ","


def _encoding(path: Path, *, name: str) -> str:
    """Decided by decoding the whole file once before any row is read, so a bad byte near the end cannot
    break an import half-way."""
    with path.open("rb") as stream:
        start = stream.read(4)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]  # Excel's "Unicode Text" (tab-separated)
    elif start.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    else:
        candidates = ["utf-8", "cp1252"]
    failure = (0, "")
    for encoding in candidates:
        found = _undecodable(path, encoding, name=name)
        if found is None:
            return encoding
        failure = found  # the last encoding's refusal: the byte not even Windows-1252 can read
    names = {"utf-16": "UTF-16", "utf-8-sig": "UTF-8"}.get(candidates[0], _("UTF-8 or Windows-1252"))
    raise FileProblem(
        _(
            "%(file)s cannot be read as text: line %(line)s holds the byte 0x%(byte)s, which is not %(encodings)s. "
            'In Excel, save the file as "CSV UTF-8" or as .xlsx.'
        )
        % {"file": shown(name), "line": failure[0], "byte": failure[1], "encodings": names}
    )


def _undecodable(path: Path, encoding: str, *, name: str) -> tuple[int, str] | None:
    """(line, byte in hex) of the first byte the encoding refuses, or None when the whole file decodes."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            if encoding != "utf-16" and b"\x00" in chunk:
                raise FileProblem(
                    _(
                        "%(file)s is not a text file (it holds NUL bytes) nor an XLSX workbook. "
                        "Save the data as .xlsx or CSV."
                    )
                    % {"file": shown(name)}
                )
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                # exc.start counts from bytes the decoder kept from the previous chunk too: close enough for a line.
                at = max(exc.start, 0)
                return line + chunk.count(b"\n", 0, at), exc.object[at : at + 1].hex().upper()
            line += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return line, exc.object[:1].hex().upper()
    return None


def _first_rows(path: Path, encoding: str, delimiter: str, *, name: str) -> list[tuple[int, list[Any]]]:
    found: list[tuple[int, list[Any]]] = []
    number = 0
    with path.open(encoding=encoding, newline="") as stream:
        try:
            for number, record in enumerate(csv.reader(stream, delimiter=delimiter), start=1):
                if not is_blank_row(record):
                    found.append((number, record))
                    if len(found) == HEADER_SEARCH_ROWS:
                        break
        except csv.Error as exc:
            raise _unreadable(name, number + 1, exc) from exc
    return found


def _rows(
    path: Path, *, encoding: str, delimiter: str, header_row: int, width: int, warnings: list[str], name: str
) -> Iterator[tuple[int, list[Any]]]:
    # Row numbers count records, as Excel shows the file: a quoted cell holding a newline stays in one row.
    number, warned = 0, False
    record: list[str] = []
    with path.open(encoding=encoding, newline="") as stream:
        try:
            for number, record in enumerate(csv.reader(stream, delimiter=delimiter), start=1):
                if number <= header_row or (not (record and record[0].strip()) and is_blank_row(record)):
                    continue
                cells, overflow = fit_row(record, width)
                if overflow and not warned:
                    warned = True
                    warnings.append(overflow_warning(number, width))
                yield number, cells
        except csv.Error as exc:
            raise _unreadable(name, number + 1, exc) from exc
    if record and "\n" in record[-1] and not _ends_with_quote(path, encoding):
        # The csv module (like Excel) reads an unclosed quote to the end of the file without complaint.
        raise FileProblem(
            _(
                '%(file)s, row %(row)s: a quote mark (") opened in this row is never closed, '
                "so the rest of the file was read as one cell."
            )
            % {"file": shown(name), "row": number}
        )


def _ends_with_quote(path: Path, encoding: str) -> bool:
    if encoding == "utf-16":
        return True  # too rare to check (the byte order would have to be read again)
    with path.open("rb") as stream:
        stream.seek(max(path.stat().st_size - 64, 0))
        return stream.read().decode(encoding, errors="ignore").rstrip().endswith('"')


def _unreadable(name: str, row: int, exc: csv.Error) -> FileProblem:
    return FileProblem(
        _(
            "%(file)s, row %(row)s: this row cannot be read as CSV (%(reason)s). "
            'Most often a quote mark (") is opened and never closed.'
        )
        % {"file": shown(name), "row": row, "reason": exc}
    )
