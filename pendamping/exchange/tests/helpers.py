"""Files for import tests, written in code (no binary fixtures)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

FAMILY_HEADER = ["NIK", "NO KK", "NAMA", "KODE DESA", "ALAMAT", "RT", "RW", "JUMLAH ART", "PENGHASILAN", "DESIL"]


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]], *, delimiter: str = ",", bom: bool = False,
              encoding: str = "utf-8") -> bytes:  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding)


def xlsx_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("data")
    sheet.write_row(0, 0, list(header))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write(r, c, value) if not isinstance(value, str) else sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def family_row(nik: str, *, kk: str | None = None, name: str = "Siti Aminah", desa: str = "35.78.01.1001",
               income: str = "1.500.000", decile: str = "2") -> list[str]:  # fmt: skip
    return [nik, kk or "3578010101090001", name, desa, "Jl. Mawar 3", "003", "005", "4", income, decile]
