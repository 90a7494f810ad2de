"""Files for the import tests, good and bad, built in code: no binary file is kept in the repository."""

import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

MEGABYTE = 1024 * 1024
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def csv_file(folder: Path, text: str, *, encoding: str = "utf-8", name: str = "data.csv") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def xlsx_file(
    folder: Path,
    rows: Sequence[Sequence[Any]],
    *,
    name: str = "data.xlsx",
    sheet: str = "Data",
    first_row: int = 0,
    first_column: int = 0,
    merges: Sequence[tuple[int, int, int, int]] = (),
    before: Sequence[str] = (),
    hidden_before: bool = False,
) -> Path:
    """A workbook whose sheet `sheet` holds `rows` from (first_row, first_column), 0-based. `merges` are
    (first_row, first_col, last_row, last_col); `before` names sheets placed in front (hidden if asked)."""
    path = folder / name
    workbook = xlsxwriter.Workbook(str(path))
    for other in before:
        front = workbook.add_worksheet(other)
        front.write_string(0, 0, "notes")
        if hidden_before:
            front.hide()
    worksheet = workbook.add_worksheet(sheet)
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            _write(worksheet, first_row + r, first_column + c, value, date_format)
    for first_r, first_c, last_r, last_c in merges:
        worksheet.merge_range(first_r, first_c, last_r, last_c, "merged")
    if before and hidden_before:
        worksheet.activate()
    workbook.close()
    return path


def _write(worksheet: Any, row: int, column: int, value: Any, date_format: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, str) and value.startswith("="):
        worksheet.write_formula(row, column, value, None, 3)
    elif isinstance(value, str):
        worksheet.write_string(row, column, value)
    elif isinstance(value, bool):
        worksheet.write_boolean(row, column, value)
    elif isinstance(value, int | float):
        worksheet.write_number(row, column, value)
    else:
        worksheet.write_datetime(row, column, value, date_format)


def wide_xlsx(folder: Path, *, columns: int = 16384, name: str = "wide.xlsx") -> Path:
    """A header in every one of Excel's 16,384 columns, written in constant memory."""
    path = folder / name
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    worksheet = workbook.add_worksheet("Data")
    for column in range(columns):
        worksheet.write_string(0, column, f"Kolom {column + 1}")
    for column in range(columns):
        worksheet.write_number(1, column, column)
    workbook.close()
    return path


def truncated_xlsx(folder: Path) -> Path:
    """A good workbook cut short, as a broken download or a full disk leaves it."""
    good = xlsx_file(folder, [["NIK", "Nama"], ["3578010101900001", "Ani"]], name="good.xlsx")
    path = folder / "truncated.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return path


def encrypted_xlsx(folder: Path) -> Path:
    """What Excel writes for a workbook with a password: an OLE2 container, not a ZIP."""
    path = folder / "secret.xlsx"
    path.write_bytes(OLE2_MAGIC + bytes(range(256)) * 8)
    return path


def zip_bomb(folder: Path, *, unpacked: int, name: str = "bomb.xlsx") -> Path:
    """An archive shaped like a workbook whose sheet is `unpacked` bytes of zeros (they pack about 1000 to 1),
    written in chunks so the test never holds it in memory."""
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            zeros = bytes(MEGABYTE)
            for _ in range(unpacked // MEGABYTE):
                member.write(zeros)
    return path


def declare_size(path: Path, member: str, size: int) -> Path:
    """Make the archive lie: write `size` as `member`'s unpacked size in its local header and central
    directory (a crafted bomb declares small sizes)."""
    data = bytearray(path.read_bytes())
    encoded = member.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if data[start + name_at : start + name_at + len(encoded)] == encoded:
                struct.pack_into("<I", data, start + size_at, size)
            start += 4
    path.write_bytes(bytes(data))
    return path


def with_member(path: Path, member: str, content: bytes) -> Path:
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(member, content)
    return path


def ods_file(folder: Path) -> Path:
    path = folder / "data.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return path


def big_csv(folder: Path, *, rows: int, name: str = "big.csv") -> Path:
    """A family-shaped CSV of `rows` data rows (about 40 bytes each), written in blocks."""
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write("NIK;Nama;Tanggal Lahir;Desa\n")
        block = 10_000
        for first in range(0, rows, block):
            stream.write(
                "".join(
                    f"{3578010101000000 + n};Warga {n};01/02/1980;Kedung\n"
                    for n in range(first, min(rows, first + block))
                )
            )
    return path
