"""PDF reports (core/pdf.py): read back with pypdf, the words, the numbers, the page footer and the metadata are
there; long tables go on over pages; nothing is written to disk; thousands of rows take seconds, not minutes."""

import datetime as dt
import io
import os
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from pendamping.core.charts import Chart, Series
from pendamping.core.pdf import Document
from pendamping.core.pdf_tables import default_align, share_width, wrap

MADE = dt.datetime(2025, 5, 12, 3, 30, tzinfo=dt.UTC)  # 10.30 in Jakarta
PLACE = "Kabupaten Probolinggo – χ² 3,84 Rp 1.500.000"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def trend() -> Chart:
    return Chart(
        kind="line",
        title="Families above the line",
        categories=("Q1", "Q2", "Q3", "Q4"),
        series=(Series("Treatment", (10.0, 12.5, None, 18.0)), Series("Control", (10.0, 11.0, 12.0, 13.0))),
        unit="%",
        baseline=20.0,
        baseline_label="Baseline",
    )


def report(rows: int = 300) -> bytes:
    document = Document(title="Quarterly report", subtitle="Jawa Timur, 2025 Q1", creation_date=MADE)
    document.heading("Summary")
    document.paragraph(f"The families of {PLACE} were visited.")
    document.key_figures([("Families", "12,345"), ("Mean income", "Rp 1,500,000"), ("Above the line", "23.4%")])
    document.chart(trend())
    document.heading("Families", level=2)
    document.table(
        ["No", "Regency", "Income", "Note"],
        [[n, PLACE, Decimal(1_500_000 + n), None if n % 2 else "visited twice"] for n in range(rows)],
    )
    return document.output()


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_a_report_reads_back_with_its_words_and_numbers() -> None:
    data = report()
    assert data.startswith(b"%PDF-")
    text = pages(data)
    assert len(text) > 1
    first = text[0]
    for words in (
        "Quarterly report",
        "Jawa Timur, 2025 Q1",
        "Summary",
        PLACE,
        "12,345",
        "Rp 1,500,000",
        "Above the line",
    ):
        assert words in first, words
    everything = "\n".join(text)
    assert "1,500,299" in everything  # the last row's income, grouped
    assert everything.count(PLACE) == 301  # the paragraph and every row
    assert "–" in everything  # the missing notes


def test_every_page_has_the_title_the_date_and_its_number() -> None:
    text = pages(report())
    for number, page in enumerate(text, start=1):
        assert "Quarterly report" in page
        assert "Generated on May 12, 2025, 10:30 a.m." in page
        assert f"Page {number} of {len(text)}" in page


def test_a_long_table_repeats_its_header_on_each_page() -> None:
    text = pages(report())
    assert all("Regency" in page and "Income" in page for page in text[1:])


def test_the_chart_is_drawn_with_its_labels() -> None:
    first = pages(report())[0]
    for words in ("Families above the line", "Treatment", "Control", "Q1", "Q4", "Baseline", "%"):
        assert words in first, words


def test_the_metadata_names_the_report() -> None:
    metadata = PdfReader(io.BytesIO(report(rows=5))).metadata
    assert metadata is not None
    assert metadata.title == "Quarterly report"
    assert metadata.creator == "Pendamping"


def test_the_same_report_gives_the_same_bytes() -> None:
    assert report(rows=20) == report(rows=20)


def test_indonesian_numbers_and_dates() -> None:
    with translation.override("id"):
        document = Document(title="Laporan", creation_date=MADE)
        document.table(["Jumlah"], [[1_500_000], [3.84]])
        text = pages(document.output())[0]
    assert "1.500.000" in text and "3,84" in text
    assert "12 Mei 2025, 10.30" in text


def test_long_text_wraps_in_its_cell() -> None:
    note = " ".join(f"word{n}" for n in range(80))
    document = Document(title="Notes", creation_date=MADE)
    document.table(["Name", "Note"], [["Alice", note]])
    text = pages(document.output())[0]
    assert all(f"word{n}" in text for n in range(80))
    assert text.count("\n") > 5


def test_an_empty_table_prints_its_header_or_nothing() -> None:
    document = Document(title="Empty", creation_date=MADE)
    document.table(["Regency", "Families"], [])
    document.table([], [])
    assert "Families" in pages(document.output())[0]


def test_a_landscape_report_is_wider_than_tall() -> None:
    box = PdfReader(io.BytesIO(Document(title="Wide", landscape=True, creation_date=MADE).output())).pages[0].mediabox
    assert box.width > box.height


def test_page_break_starts_a_new_page() -> None:
    document = Document(title="Two pages", creation_date=MADE)
    document.page_break()
    document.paragraph("Second")
    assert len(pages(document.output())) == 2


def test_only_two_heading_levels() -> None:
    with pytest.raises(ValueError):
        Document(title="t").heading("Deep", level=3)


def test_nothing_is_written_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    report(rows=50)
    assert os.listdir(tmp_path) == []


def test_five_thousand_rows_take_seconds() -> None:
    # fpdf2's own table() needed twenty seconds for this; the report's tables must stay well clear of that.
    started = time.perf_counter()
    data = report(rows=5000)
    assert time.perf_counter() - started < 10
    assert len(PdfReader(io.BytesIO(data)).pages) > 50


def test_numbers_align_right_and_text_left() -> None:
    rows = [[1, "Alice", "Rp 1.500.000", None, 3.5], [2, "Bob", "12,5%", None, "–"]]
    assert default_align(rows, 5) == ["R", "L", "R", "L", "R"]


def test_narrow_columns_keep_their_width_when_the_page_is_too_narrow() -> None:
    widths = share_width([10.0, 200.0, 100.0, 15.0], 180.0)
    assert widths[0] == 10.0 and widths[3] == 15.0
    assert sum(widths) == pytest.approx(180.0)
    assert widths[1] == pytest.approx(2 * widths[2])
    assert share_width([10.0, 20.0], 180.0) == [10.0, 20.0]


words = st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=25), max_size=30)


@given(words, st.integers(min_value=3, max_value=40))
def test_wrapped_lines_fit_and_keep_every_letter(text_words: list[str], width: int) -> None:
    text = " ".join(text_words)
    lines = wrap(text, float(width), lambda s: float(len(s)))
    assert all(len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
