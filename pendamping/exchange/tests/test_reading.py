"""Reading uploaded files (issue 6): every file-level bad input gets a FileProblem that names the file and says
what to do; good files come back as a header and lazily read rows numbered as the user sees them."""

import datetime as dt
import time
import tracemalloc
from pathlib import Path

import pytest

from pendamping.exchange.reading import FileProblem, Table, column_letter, normalise_header, open_table
from pendamping.exchange.reading.csvfile import sniff_delimiter
from pendamping.exchange.tests import files

MB = 1024 * 1024


def read(path: Path, **options: object) -> tuple[Table, list[tuple[int, list[object]]]]:
    table = open_table(path, name=options.pop("name", path.name), **options)  # type: ignore[arg-type]
    return table, list(table.rows)


def problem(path: Path, **options: object) -> str:
    with pytest.raises(FileProblem) as caught:
        table = open_table(path, name=options.pop("name", path.name), **options)  # type: ignore[arg-type]
        list(table.rows)
    return str(caught.value)


# --- Empty files and headers only


@pytest.mark.parametrize("content", [b"", b"   \r\n\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n", b"\xff\xfe"])
def test_an_empty_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "kosong.csv"
    path.write_bytes(content)
    assert problem(path) == "kosong.csv is empty."


def test_a_csv_of_empty_cells_is_empty(tmp_path: Path) -> None:
    message = problem(files.csv_file(tmp_path, ";;;\n;;;\n"))
    assert "data.csv is empty" in message


def test_headers_only_is_a_table_without_rows(tmp_path: Path) -> None:
    table, rows = read(files.csv_file(tmp_path, "NIK;Nama\n"))
    assert table.header == ["NIK", "Nama"]
    assert rows == []
    table, rows = read(files.xlsx_file(tmp_path, [["NIK", "Nama"]]))
    assert (table.header, rows) == (["NIK", "Nama"], [])


def test_an_empty_sheet_is_refused_by_name(tmp_path: Path) -> None:
    path = files.xlsx_file(tmp_path, [], sheet="Keluarga")
    assert problem(path) == 'data.xlsx: the sheet "Keluarga" is empty.'


# --- Files that are not CSV or XLSX, whatever their name says


@pytest.mark.parametrize(
    "start",
    ["<html><body><table>", '\ufeff  <!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.0//EN">', "<table border=1>", "<?xml"],
)
def test_a_web_page_saved_as_csv_is_named_a_web_page(tmp_path: Path, start: str) -> None:
    path = files.csv_file(tmp_path, start + "<tr><td>NIK</td></tr></table>", name="laporan.csv")
    message = problem(path)
    assert message.startswith("laporan.csv is a web page (HTML)")
    assert "save it as" in message


def test_a_truncated_xlsx_is_damaged(tmp_path: Path) -> None:
    message = problem(files.truncated_xlsx(tmp_path))
    assert message.startswith("The XLSX file truncated.xlsx is damaged or incomplete (truncated?).")


def test_a_password_protected_workbook_is_explained(tmp_path: Path) -> None:
    message = problem(files.encrypted_xlsx(tmp_path))
    assert message.startswith("secret.xlsx is a password-protected (encrypted) workbook or an old .xls file.")
    assert "without a password" in message


def test_an_opendocument_file_is_named(tmp_path: Path) -> None:
    assert "is an OpenDocument file" in problem(files.ods_file(tmp_path))


def test_a_pdf_is_named(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    assert problem(path).startswith("data.csv is a PDF document")


def test_a_binary_file_is_not_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"NIK,Nama\n\x00\x01\x02\x03")
    assert "is not a text file (it holds NUL bytes)" in problem(path)


def test_a_workbook_named_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    path = files.xlsx_file(tmp_path, [["NIK", "Nama"], ["3578010101900001", "Ani"]], name="keluarga.csv")
    table, rows = read(path)
    assert (table.format, table.encoding, table.delimiter) == ("xlsx", None, None)
    assert rows == [(2, ["3578010101900001", "Ani"])]


def test_a_csv_whose_first_header_is_pkh_is_not_taken_for_a_zip(tmp_path: Path) -> None:
    table, rows = read(files.csv_file(tmp_path, "PKH;Nama\nya;Ani\n"))
    assert (table.format, table.header, rows) == ("csv", ["PKH", "Nama"], [(2, ["ya", "Ani"])])


# --- Safety limits


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = files.csv_file(tmp_path, "NIK;Nama\n" + "3578010101900001;Ani\n" * 60_000)  # ~1.2 MB
    assert problem(path, max_bytes=1 * MB) == "data.csv is 1.2 MB; the limit is 1 MB. Split it into smaller files."
    table, _rows = read(path, max_bytes=2 * MB)
    assert table.header == ["NIK", "Nama"]


def test_a_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    started = time.monotonic()
    path = files.zip_bomb(tmp_path, unpacked=30 * MB)
    assert path.stat().st_size < 100_000
    message = problem(path)
    assert message.startswith("bomb.xlsx unpacks to more than 30 MB (")
    assert "it is not read" in message
    assert time.monotonic() - started < 10


def test_a_workbook_unpacking_past_the_limit_is_refused(tmp_path: Path) -> None:
    # 3 MB unpacked is no absurd ratio, but 20 times a 100 KB limit is only 2 MB.
    path = files.zip_bomb(tmp_path, unpacked=3 * MB)
    assert "unpacks to more than" in problem(path, max_bytes=100_000)


def test_a_bomb_that_declares_small_sizes_is_still_caught(tmp_path: Path) -> None:
    path = files.declare_size(files.zip_bomb(tmp_path, unpacked=30 * MB), "xl/worksheets/sheet1.xml", 1000)
    assert "unpacks to more than" in problem(path, max_bytes=1 * MB)


def test_a_workbook_with_wrong_declared_sizes_is_damaged(tmp_path: Path) -> None:
    path = files.xlsx_file(tmp_path, [["NIK", "Nama"], ["3578010101900001", "Ani"]])
    files.declare_size(path, "xl/worksheets/sheet1.xml", 10)
    assert "is damaged or incomplete" in problem(path)


def test_16384_columns_are_refused(tmp_path: Path) -> None:
    message = problem(files.wide_xlsx(tmp_path))
    assert message == "wide.xlsx has 16,384 columns; at most 256 are read. Is this the right sheet or file?"


def test_256_columns_are_read(tmp_path: Path) -> None:
    table, rows = read(files.wide_xlsx(tmp_path, columns=256))
    assert len(table.header) == 256
    assert rows[0][1][255] == 255.0


def test_a_long_file_name_with_dots_is_shortened_in_messages(tmp_path: Path) -> None:
    name = "../" * 20 + "x" * 250 + ".csv"
    path = tmp_path / "upload"
    path.write_bytes(b"")
    message = problem(path, name=name)
    assert message.endswith(" is empty.")
    assert len(message) < 100
    assert message.startswith("../../") and "…" in message


# --- CSV encodings, separators and quoting


@pytest.mark.parametrize(
    ("encoding", "expected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252")]
)
def test_csv_encodings(tmp_path: Path, encoding: str, expected: str) -> None:
    path = files.csv_file(tmp_path, "Désa;Jumlah\r\nKedung Kandang;Rp 1.500.000\r\nPojok;€ 5\r\n", encoding=encoding)
    table, rows = read(path)
    assert (table.encoding, table.header) == (expected, ["Désa", "Jumlah"])
    assert rows == [(2, ["Kedung Kandang", "Rp 1.500.000"]), (3, ["Pojok", "€ 5"])]


def test_excel_unicode_text_is_read(tmp_path: Path) -> None:
    path = files.csv_file(tmp_path, "NIK\tNama\r\n3578010101900001\tDéwi\r\n", encoding="utf-16")
    table, rows = read(path)
    assert (table.encoding, table.delimiter, rows) == ("utf-16", "\t", [(2, ["3578010101900001", "Déwi"])])


def test_a_late_byte_no_encoding_reads_is_caught_before_any_row(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"NIK;Nama\n" + b"3578010101900001;Ani\n" * 100_000 + b"3578010101900002;\x81\n")
    message = problem(path)
    assert message.startswith("data.csv cannot be read as text: line 100002 holds the byte 0x81")


def test_utf8_split_over_read_chunks_is_still_utf8(tmp_path: Path) -> None:
    # "é" is two bytes in UTF-8; put one on every possible offset around the 1 MB read boundary.
    text = "Nama;Desa\n" + "".join(f"Ané {n};Désa\n" for n in range(120_000))
    table, rows = read(files.csv_file(tmp_path, text))
    assert table.encoding == "utf-8"
    assert rows[-1] == (120_001, ["Ané 119999", "Désa"])


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_the_separator_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    text = delimiter.join(["NIK", "Nama", "Alamat"]) + "\n" + delimiter.join(["3578010101900001", "Ani", "Jl. A"])
    table, rows = read(files.csv_file(tmp_path, text + "\n"))
    assert (table.delimiter, table.header) == (delimiter, ["NIK", "Nama", "Alamat"])
    assert rows == [(2, ["3578010101900001", "Ani", "Jl. A"])]


def test_separators_inside_quotes_do_not_count() -> None:
    assert sniff_delimiter('"a,b,c,d";"e"\n') == ";"
    assert sniff_delimiter('"Nama; lengkap",NIK,Desa\n') == ","
    assert sniff_delimiter("DAFTAR KELUARGA\nNIK;Nama\n") == ";"
    assert sniff_delimiter("NIK\n1\n") == ","


def test_quoted_fields_hold_separators_and_newlines(tmp_path: Path) -> None:
    text = (
        'NIK;Nama;Alamat\r\n3578010101900001;"Ani; Budi";"Jl. Merdeka 5\r\nRT 01 ""Kidul"""\r\n'
        "3578010101900002;Cici;-\r\n"
    )
    table, rows = read(files.csv_file(tmp_path, text))
    assert rows == [
        (2, ["3578010101900001", "Ani; Budi", 'Jl. Merdeka 5\r\nRT 01 "Kidul"']),
        (3, ["3578010101900002", "Cici", "-"]),  # row numbers count records, as Excel shows the file
    ]


def test_a_quote_never_closed_is_reported_with_its_row(tmp_path: Path) -> None:
    message = problem(files.csv_file(tmp_path, 'NIK;Nama\n3578010101900001;Ani\n3578010101900002;"Budi\n3;C\n'))
    assert message.startswith('data.csv, row 3: a quote mark (") opened in this row is never closed')


def test_a_quote_never_closed_in_the_header_is_caught(tmp_path: Path) -> None:
    text = 'NIK;"Nama\n' + "3578010101900001;Ani\n" * 100
    message = problem(files.csv_file(tmp_path, text))
    assert message.startswith("data.csv: the header of column B is ")


def test_blank_rows_are_skipped_but_counted_and_short_rows_padded(tmp_path: Path) -> None:
    table, rows = read(files.csv_file(tmp_path, "NIK;Nama;Desa\n\n;;\n  ; \n1;Ani\n2;Budi;Pojok\n"))
    assert rows == [(5, ["1", "Ani", ""]), (6, ["2", "Budi", "Pojok"])]
    assert table.warnings == []


def test_values_beyond_the_header_are_cut_and_warned_once(tmp_path: Path) -> None:
    table, rows = read(files.csv_file(tmp_path, "NIK;Nama;;\n1;Ani;;\n2;Budi;x;y\n3;Cici;z\n"))
    assert table.header == ["NIK", "Nama"]  # trailing empty header cells are dropped
    assert [cells for _number, cells in rows] == [["1", "Ani"], ["2", "Budi"], ["3", "Cici"]]
    assert table.warnings == [
        "Row 3 (and maybe others) has values right of the last named column B; they are not read."
    ]


def test_a_title_row_above_the_header_is_skipped(tmp_path: Path) -> None:
    text = "DAFTAR KELUARGA PENERIMA;;\n;;\nNIK;Nama;Desa\n1;Ani;Pojok\n"
    table, rows = read(files.csv_file(tmp_path, text))
    assert table.header == ["NIK", "Nama", "Desa"]
    assert rows == [(4, ["1", "Ani", "Pojok"])]
    assert table.warnings == [
        "Row 1 above the header holds a single cell (a title) and was skipped: DAFTAR KELUARGA PENERIMA"
    ]


def test_several_title_rows_are_skipped(tmp_path: Path) -> None:
    table, rows = read(files.csv_file(tmp_path, "DAFTAR KELUARGA\nKota Malang\nNIK;Nama\n1;Ani\n"))
    assert (table.delimiter, table.header, rows) == (";", ["NIK", "Nama"], [(4, ["1", "Ani"])])
    assert table.warnings == [
        "Rows 1, 2 above the header hold a single cell (a title) and were skipped: DAFTAR KELUARGA; Kota Malang"
    ]


def test_a_one_column_file_keeps_its_first_row_as_header(tmp_path: Path) -> None:
    table, rows = read(files.csv_file(tmp_path, "NIK\n3578010101900001\n"))
    assert (table.delimiter, table.header, rows) == (",", ["NIK"], [(2, ["3578010101900001"])])


def test_duplicate_headers_name_both_columns(tmp_path: Path) -> None:
    message = problem(files.csv_file(tmp_path, "NIK;Nama;Desa;NAMA \n"))
    assert message == (
        'data.csv: columns B and D have the same header ("Nama" and "NAMA"). Rename or remove one of them.'
    )
    assert "columns C and F" in problem(files.xlsx_file(tmp_path, [["a", "b", "Tgl. Lahir", "d", "e", "TGL_LAHIR"]]))


def test_empty_header_cells_keep_their_place(tmp_path: Path) -> None:
    table, rows = read(files.csv_file(tmp_path, "NIK;;Nama\n1;x;Ani\n"))
    assert table.header == ["NIK", "", "Nama"]
    assert rows == [(2, ["1", "x", "Ani"])]


# --- Large files stream


def test_a_million_row_csv_streams(tmp_path: Path) -> None:
    path = files.big_csv(tmp_path, rows=1_000_000)
    assert path.stat().st_size > 40_000_000
    table = open_table(path, name="big.csv", max_bytes=50 * MB)
    count, last = 0, None
    for count, (number, cells) in enumerate(table.rows, start=1):  # noqa: B007 - the last pair is asserted
        last = (number, cells)
    assert count == 1_000_000
    assert last == (1_000_001, ["3578010101999999", "Warga 999999", "01/02/1980", "Kedung"])


def test_rows_are_not_held_in_memory(tmp_path: Path) -> None:
    path = files.big_csv(tmp_path, rows=200_000)  # ~9 MB on disk, far more as Python lists
    tracemalloc.start()
    try:
        table = open_table(path, name="big.csv")
        opened = tracemalloc.get_traced_memory()[1]
        assert sum(1 for _row in table.rows) == 200_000
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert opened < 3 * MB
    assert peak < 5 * MB


# --- XLSX


def test_xlsx_values_come_as_calamine_reads_them(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["NIK", "Nama", "Lahir", "Anggota", "PKH", "Catatan"],
        ["3578010101900001", "Ani", dt.datetime(1980, 2, 1), 4, True, ""],
        [],
        [3578010101900002, "Budi", "01/02/1980", 2.5, False, "  "],
    ]
    table, read_rows = read(files.xlsx_file(tmp_path, rows))
    assert (table.format, table.sheet, table.header) == ("xlsx", "Data", rows[0])
    assert read_rows == [
        (2, ["3578010101900001", "Ani", dt.date(1980, 2, 1), 4.0, True, ""]),
        (4, [3578010101900002.0, "Budi", "01/02/1980", 2.5, False, "  "]),  # exactly what the file holds
    ]


def test_xlsx_row_numbers_and_columns_are_the_sheets(tmp_path: Path) -> None:
    rows = [["DAFTAR KELUARGA"], [], ["NIK", "Nama"], ["1", "Ani"], [], ["2", "Budi"]]
    table, read_rows = read(files.xlsx_file(tmp_path, rows, first_row=2, first_column=2))
    # Header on sheet row 5 in columns C and D: header[i] is column column_letter(i).
    assert table.header == ["", "", "NIK", "Nama"]
    assert read_rows == [(6, ["", "", "1", "Ani"]), (8, ["", "", "2", "Budi"])]
    assert table.warnings == ["Row 3 above the header holds a single cell (a title) and was skipped: DAFTAR KELUARGA"]


def test_merged_cells_are_warned_about(tmp_path: Path) -> None:
    rows = [["NIK", "Nama", "Desa"], ["1", "Ani", ""], ["2", "Budi", ""], ["3", "Cici", ""]]
    table, read_rows = read(files.xlsx_file(tmp_path, rows, merges=[(1, 2, 3, 2)]))
    assert table.warnings == [
        "Merged cells C2:C4: only the first cell of each holds the value and the others are read as empty. "
        "Unmerge them and fill every cell."
    ]
    assert [cells[2] for _n, cells in read_rows] == ["merged", "", ""]


def test_a_merged_title_above_the_header_is_not_warned_about(tmp_path: Path) -> None:
    rows = [["DAFTAR"], ["NIK", "Nama", "Desa"], ["1", "Ani", "Pojok"]]
    table, _rows = read(files.xlsx_file(tmp_path, rows, merges=[(0, 0, 0, 2)]))
    assert table.header == ["NIK", "Nama", "Desa"]
    assert not any("Merged" in warning for warning in table.warnings)


def test_formulas_are_read_as_their_saved_values_with_a_warning(tmp_path: Path) -> None:
    table, rows = read(files.xlsx_file(tmp_path, [["Jumlah", "Nama"], ["=1+2", "Ani"]]))
    assert rows == [(2, [3.0, "Ani"])]
    assert table.warnings == ["Formulas are not calculated: the values Excel saved with the file are read."]


def test_data_validation_lists_are_not_formulas(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Data")
    sheet.write_row(0, 0, ["Jenis Kelamin", "Nama"])
    sheet.data_validation(1, 0, 100, 0, {"validate": "list", "source": ["Laki-laki", "Perempuan"]})
    sheet.write_row(1, 0, ["Perempuan", "Ani"])
    workbook.close()
    table, _rows = read(path)
    assert table.warnings == []


def test_macros_are_ignored_with_a_warning(tmp_path: Path) -> None:
    path = files.xlsx_file(tmp_path, [["NIK"], ["1"]])
    files.with_member(path, "xl/vbaProject.bin", b"\x00" * 100)
    table, rows = read(path)
    assert rows == [(2, ["1"])]
    assert "The workbook contains macros; they are ignored (never run)." in table.warnings


def test_the_sheet_can_be_chosen_and_an_unknown_one_lists_the_sheets(tmp_path: Path) -> None:
    path = files.xlsx_file(tmp_path, [["NIK"], ["1"]], sheet="Keluarga", before=["Petunjuk"])
    assert read(path)[0].sheet == "Petunjuk"
    table, rows = read(path, sheet=" keluarga")
    assert (table.sheet, rows) == ("Keluarga", [(2, ["1"])])
    assert problem(path, sheet="Anggota") == (
        'data.xlsx has no sheet "Anggota". Its sheets are: "Petunjuk", "Keluarga".'
    )


def test_a_hidden_first_sheet_is_passed_over(tmp_path: Path) -> None:
    path = files.xlsx_file(tmp_path, [["NIK"], ["1"]], sheet="Keluarga", before=["Daftar"], hidden_before=True)
    assert read(path)[0].sheet == "Keluarga"


# --- Helpers the engine uses in messages


@pytest.mark.parametrize(
    ("index", "letters"), [(0, "A"), (2, "C"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (16383, "XFD")]
)
def test_column_letters(index: int, letters: str) -> None:
    assert column_letter(index) == letters


def test_headers_match_ignoring_case_spaces_punctuation_and_accents() -> None:
    assert normalise_header(" Tgl. Lahir ") == normalise_header("TGL_LAHIR") == "tgllahir"
    assert normalise_header("Désa") == "desa"
    assert normalise_header("NO KK") == normalise_header("no_kk") == "nokk"
