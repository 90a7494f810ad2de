"""Open an uploaded file as a table. The format is decided by the file's bytes, never by its name: a workbook
saved as "data.csv", a web page saved as "data.xls" and an encrypted workbook each get their own message."""

import codecs
from pathlib import Path

from django.utils.translation import gettext as _

from pendamping.exchange.reading.base import FileProblem, Table, megabytes, shown
from pendamping.exchange.reading.csvfile import open_csv
from pendamping.exchange.reading.xlsxfile import open_xlsx

# A ZIP starts with a local file header; an empty archive with its end record. Never just b"PK": a CSV may well
# start with the header "PKH" (Program Keluarga Harapan).
ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")  # Office's old container: .xls, and every password-encrypted workbook
WEB_PAGE = (b"<html", b"<!doctype", b"<?xml", b"<table", b"<head", b"<body", b"<meta", b"<!--")
BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
HEAD = 64 * 1024
BLANK = b" \t\r\n\x00\x0b\x0c"  # NUL too: a UTF-16 file of blank lines is NULs and line breaks


def open_table(path: Path, *, name: str, max_bytes: int | None = None, sheet: str | None = None) -> Table:
    """Open the file at `path` (a server-made path; `name` is only shown). Raises FileProblem when the file
    cannot be read as a whole; rows are read lazily when `Table.rows` is iterated."""
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise FileProblem(
            _("%(file)s is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"file": shown(name), "size": megabytes(size), "limit": megabytes(max_bytes)}
        )
    head = _content_start(path)
    if not head:
        raise FileProblem(_("%(file)s is empty.") % {"file": shown(name)})
    if head.startswith(ZIP):
        return open_xlsx(path, name=name, max_bytes=max_bytes, sheet=sheet)
    if head.startswith(OLE2):
        raise FileProblem(
            _(
                "%(file)s is a password-protected (encrypted) workbook or an old .xls file. Open it in Excel and "
                "save it as .xlsx without a password, or as CSV."
            )
            % {"file": shown(name)}
        )
    if head.startswith(b"%PDF"):
        raise FileProblem(
            _("%(file)s is a PDF document, not a CSV or XLSX file. Import the spreadsheet it was made from.")
            % {"file": shown(name)}
        )
    if head[:16].lower().startswith(WEB_PAGE):
        raise FileProblem(
            _(
                "%(file)s is a web page (HTML) saved with a spreadsheet name, not a CSV or XLSX file. Open it in "
                'Excel and save it as "Excel Workbook (.xlsx)" or as CSV.'
            )
            % {"file": shown(name)}
        )
    return open_csv(path, name=name)


def _content_start(path: Path) -> bytes:
    """The file's first bytes after any byte-order mark and blank space; b"" when there is nothing else."""
    with path.open("rb") as stream:
        head = stream.read(HEAD)
        if head.startswith((*ZIP, OLE2)):
            return head
        for bom in BOMS:
            head = head.removeprefix(bom)
        while head and not head.strip(BLANK):
            head = stream.read(HEAD)
    return head.lstrip(BLANK)
