"""The CSV and XLSX writers: formula neutralisation in both formats, identifiers kept as text, numbers and dates as
numbers and dates, constant memory, the fast row path equal to XlsxWriter's own cell calls, and sheets continued
past Excel's row limit. Files are read back with python-calamine, as an office's spreadsheet would open them."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

import pytest
from python_calamine import CalamineWorkbook

from pendamping.exchange.exports import writers, xlsx_rows
from pendamping.exchange.exports.spec import Column, Kind, date, moment, number, secret, text
from pendamping.exchange.exports.table import Table, table_from
from pendamping.exchange.exports.writers import csv_chunks, xlsx_write

FORMULAS = ['=HYPERLINK("http://x.example","klik")', "+6281234567890", "-1+2", "@SUM(1)", "\t=1+1", "\r=1+1"]
COLUMNS = (
    text("Name", "name"),
    secret("NIK", "nik"),
    number("Amount", "amount"),
    date("Born", "born"),
    moment("At", "at"),
)


def xlsx_bytes(table: Table) -> bytes:
    buffer = io.BytesIO()
    xlsx_write(table, buffer)
    return buffer.getvalue()


def sheets(data: bytes) -> list[list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [book.get_sheet_by_name(name).to_python() for name in book.sheet_names]


def csv_rows(table: Table) -> list[list[str]]:
    data = b"".join(csv_chunks(table))
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 only with the byte-order mark
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def table(rows: list[tuple[Any, ...]], columns: tuple[Column, ...] = COLUMNS, *, unmasked: bool = True) -> Table:
    return table_from("Uji", columns, rows, unmasked=unmasked)


def test_formula_starts_are_neutralised_in_csv_and_xlsx_and_numbers_stay_numbers() -> None:
    rows = [(value, "3578010101900001", -1500, None, None) for value in FORMULAS]
    in_csv = csv_rows(table(rows))[1:]
    (in_xlsx,) = sheets(xlsx_bytes(table(rows)))
    for got_csv, got_xlsx, value in zip(in_csv, in_xlsx[1:], FORMULAS, strict=True):
        assert got_csv[0] == got_xlsx[0] == "'" + value
        assert got_csv[2] == "-1500"  # a negative amount is a number, not a formula to neutralise
        assert got_xlsx[2] == -1500.0
    xml = zipfile.ZipFile(io.BytesIO(xlsx_bytes(table(rows)))).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml  # no cell is a formula


def test_nik_stays_text_with_all_its_digits_and_dates_are_dates() -> None:
    rows = [("Siti", "3578014101900002", Decimal("1250000.50"), dt.date(1990, 1, 1), dt.datetime(2024, 5, 6, 7, 8))]
    (sheet,) = sheets(xlsx_bytes(table(rows)))
    assert sheet[0] == ["Name", "NIK", "Amount", "Born", "At"]
    assert sheet[1] == ["Siti", "3578014101900002", 1250000.5, dt.date(1990, 1, 1), dt.datetime(2024, 5, 6, 7, 8)]
    assert csv_rows(table(rows))[1] == ["Siti", "3578014101900002", "1250000.50", "1990-01-01", "2024-05-06 07:08:00"]


def test_numbers_are_masked_unless_unmasked() -> None:
    rows = [("Siti", "3578014101900002", 1, None, None)]
    assert csv_rows(table(rows, unmasked=False))[1][1] == "3578********0002"
    assert sheets(xlsx_bytes(table(rows, unmasked=False)))[0][1][1] == "3578********0002"


AWKWARD = [
    "Tom & Jerry <b>", "tab\tinside", "line\nbreak", "\x01control", "_x0041_ literal", " leading", "trailing ",
    "Ñoño 🐐 ketua", "x" * 20000, "=still neutralised", "",
]  # fmt: skip


def test_the_fast_row_path_writes_what_xlsxwriters_cell_calls_write(monkeypatch: pytest.MonkeyPatch) -> None:
    rows: list[tuple[Any, ...]] = [
        (value, str(i), i - 5, dt.date(2024, 1, 1 + i), None) for i, value in enumerate(AWKWARD)
    ]
    rows += [
        ("early", "1", Decimal("-0.25"), dt.date(1900, 2, 28), dt.datetime(2024, 1, 2, 3, 4, 5)),
        ("floats", None, 1e20, None, None),
        ("not a number", "2", float("nan"), None, None),
        (None, None, None, None, None),
        ("after an empty row", "3", 0, dt.date(2030, 12, 31), None),
    ]
    fast = xlsx_bytes(table(rows))
    monkeypatch.setattr(xlsx_rows, "INTERNALS", ("no_such_attribute",))  # as if XlsxWriter had changed
    slow = xlsx_bytes(table(rows))
    assert sheets(fast) == sheets(slow)
    assert sheets(fast)[0][1][0] == "Tom & Jerry <b>"
    ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(fast)).read("xl/worksheets/sheet1.xml"))  # well-formed XML


def test_a_large_export_is_written_in_constant_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, Any]] = []
    real = writers.xlsxwriter.Workbook

    def spy(target: Any, options: dict[str, Any]) -> Any:
        seen.append(options)
        return real(target, options)

    monkeypatch.setattr(writers.xlsxwriter, "Workbook", spy)
    rows = [
        (f"Keluarga {i}", f"35780101{i:08d}", i * 1000, dt.date(1980, 1, 1) + dt.timedelta(days=i), None)
        for i in range(5000)
    ]
    data = xlsx_bytes(table(rows))
    assert seen and seen[0]["constant_memory"] is True
    (sheet,) = sheets(data)
    assert len(sheet) == 5001
    assert sheet[5000] == ["Keluarga 4999", "3578010100004999", 4999000.0, dt.date(1993, 9, 8), ""]


def test_a_list_longer_than_a_sheet_goes_on_in_the_next_sheet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writers, "MAX_SHEET_ROWS", 4)  # 3 rows under the header
    rows = [(f"Baris {i}", str(i), i, None, None) for i in range(8)]
    buffer = io.BytesIO()
    assert xlsx_write(table(rows), buffer) == 8
    got = sheets(buffer.getvalue())
    assert [len(sheet) for sheet in got] == [4, 4, 3]
    assert all(sheet[0][0] == "Name" for sheet in got)
    assert [row[0] for sheet in got for row in sheet[1:]] == [f"Baris {i}" for i in range(8)]
    assert CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).sheet_names == ["Uji", "Uji (2)", "Uji (3)"]


def test_labels_yes_no_and_topic_lists_are_written_as_text() -> None:
    columns = (
        Column("Status", "status", Kind.CHOICE, choices=[("active", "aktif")]),
        Column("Topics", "topics", Kind.CHOICES, choices=[("iks", "IKS"), ("marketing", "pemasaran")]),
        Column("Well", "well", Kind.BOOL),
    )
    rows = [("active", ["iks", "marketing"], True), ("=unknown", ["-x"], False), (None, None, None)]
    got = csv_rows(table(rows, columns))
    assert got[1:] == [["aktif", "IKS, pemasaran", "yes"], ["'=unknown", "'-x", "no"], ["", "", ""]]


def test_the_fast_row_path_is_taken_with_this_xlsxwriter() -> None:
    # Otherwise the comparison above would compare the cell calls with themselves.
    import xlsxwriter

    workbook = xlsxwriter.Workbook(io.BytesIO(), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    writer = xlsx_rows.RowWriter(sheet, [Kind.TEXT], [sheet.write_string], workbook.add_format())
    assert writer.usable
    workbook.close()
