"""A small PDF document builder for the reports: headings, paragraphs, headline figures, tables and charts, in
that order down the page, on fpdf2 (pure Python: nothing to install on an office server, nothing written to disk).

The bundled DejaVu fonts print Indonesian text, "Rp", "χ²" and "–". Every page carries the report's title at the
top and, at the bottom, when it was made and "Halaman N dari M"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from pendamping.core.chart_scene import WIDTH, scene
from pendamping.core.charts import Chart
from pendamping.core.pdf_charts import draw_scene
from pendamping.core.pdf_tables import draw_table, fit, wrap

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
MARGIN, TOP, BOTTOM = 15.0, 20.0, 18.0  # mm
BODY = 10.0  # pt
GREY, BOX_FILL, BOX_EDGE = "#505050", "#f2f2f2", "#b4b4b4"
HEADINGS = {1: 14.0, 2: 11.0}  # pt
KEEP_WITH_NEXT = 30.0  # mm: a heading with less than this below it goes to the next page with its text
CHART_TEXT = 2.9  # mm, about 8 pt
FIGURE_WIDTH, FIGURE_HEIGHT, GAP = 55.0, 20.0, 4.0  # mm, the boxes of key_figures


class _Pages(FPDF):
    """fpdf2's page with the report's running header and footer."""

    def __init__(self, *, title: str, stamp: str, landscape: bool) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.running_title, self.stamp = title, stamp
        self.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(True, BOTTOM)
        self.set_font(FAMILY, "", BODY)

    def header(self) -> None:
        self.set_font(FAMILY, "", 8)
        self.set_text_color(GREY)
        self.text(MARGIN, 11, fit(self.running_title, self.epw, self.get_string_width))
        self.set_draw_color(GREY)
        self.set_line_width(0.2)
        self.set_dash_pattern()
        self.line(MARGIN, 13, self.w - MARGIN, 13)
        self.set_xy(MARGIN, TOP)

    def footer(self) -> None:
        bottom = self.h - 10
        self.set_font(FAMILY, "", 8)
        self.set_text_color(GREY)
        self.set_draw_color(GREY)
        self.set_line_width(0.2)
        self.set_dash_pattern()
        self.line(MARGIN, bottom - 4, self.w - MARGIN, bottom - 4)
        self.text(MARGIN, bottom, self.stamp)
        page = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": self.str_alias_nb_pages}
        # cell(), not text(): fpdf2 puts the page count in place of its alias only in the text of cells.
        self.set_xy(MARGIN, bottom - 3)
        self.cell(self.epw, 4, page, align="R")


class Document:
    """Build a report top to bottom, then take its bytes with `output()`.

    `creation_date` (aware, or read in the site's time zone) is when the report says it was made; tests pin it."""

    def __init__(
        self, *, title: str, subtitle: str = "", landscape: bool = False, creation_date: dt.datetime | None = None
    ) -> None:
        made = creation_date or timezone.now()
        if timezone.is_naive(made):
            made = timezone.make_aware(made)
        stamp = _("Generated on %(when)s") % {"when": date_format(timezone.localtime(made), "DATETIME_FORMAT")}
        self._pdf = _Pages(title=title, stamp=stamp, landscape=landscape)
        self._pdf.set_title(title)
        self._pdf.set_subject(subtitle or title)
        self._pdf.set_creator("Pendamping")
        self._pdf.set_lang(get_language() or "id")
        self._pdf.set_creation_date(made)
        self._pdf.add_page()
        self._write(title, "B", 18.0, 8.0)
        if subtitle:
            self._write(subtitle, "", 11.0, 5.5, GREY)
        self._pdf.ln(4)

    def _write(self, text: str, style: str, size: float, line: float, colour: str = "#000000") -> None:
        self._pdf.set_font(FAMILY, style, size)
        self._pdf.set_text_color(colour)
        self._pdf.multi_cell(0, line, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self._pdf.set_font(FAMILY, "", BODY)
        self._pdf.set_text_color(0)

    def _room(self, height: float) -> None:
        """Start a new page unless `height` mm still fit on this one (a fresh page takes whatever comes)."""
        pdf = self._pdf
        if pdf.get_y() + height > pdf.page_break_trigger and pdf.get_y() > pdf.t_margin + 1:
            pdf.add_page()

    def heading(self, text: str, level: int = 1) -> None:
        if level not in HEADINGS:
            raise ValueError(f"Heading level must be 1 or 2, not {level!r}.")
        self._room(KEEP_WITH_NEXT)
        if self._pdf.get_y() > self._pdf.t_margin + 1:
            self._pdf.ln(4 if level == 1 else 2)
        self._write(text, "B", HEADINGS[level], HEADINGS[level] * 0.5)
        self._pdf.ln(1.5)

    def paragraph(self, text: str) -> None:
        self._write(text, "", BODY, 5.0)
        self._pdf.ln(2)

    def key_figures(self, items: Sequence[tuple[str, str]]) -> None:
        """The headline numbers: a box per label and value, as many to a row as the page width holds."""
        pdf = self._pdf
        per_row = max(1, min(len(items), int((pdf.epw + GAP) // (FIGURE_WIDTH + GAP))))
        width = (pdf.epw - GAP * (per_row - 1)) / per_row
        for start in range(0, len(items), per_row):
            self._room(FIGURE_HEIGHT)
            y = pdf.get_y()
            for column, (label, value) in enumerate(items[start : start + per_row]):
                self._figure(pdf.l_margin + column * (width + GAP), y, width, label, value)
            pdf.set_y(y + FIGURE_HEIGHT + GAP)

    def _figure(self, x: float, y: float, width: float, label: str, value: str) -> None:
        pdf = self._pdf
        pdf.set_fill_color(BOX_FILL)
        pdf.set_draw_color(BOX_EDGE)
        pdf.set_line_width(0.2)
        pdf.set_dash_pattern()
        pdf.rect(x, y, width, FIGURE_HEIGHT, style="DF")
        inner = width - 4
        size = 15.0
        pdf.set_font(FAMILY, "B", size)
        while size > 8 and pdf.get_string_width(value) > inner:  # a long amount shrinks rather than overflows
            size -= 1
            pdf.set_font(FAMILY, "B", size)
        pdf.text(x + 2, y + 8, fit(value, inner, pdf.get_string_width))
        pdf.set_font(FAMILY, "", 8)
        pdf.set_text_color(GREY)
        for number, line in enumerate(wrap(label, inner, pdf.get_string_width)[:2]):
            pdf.text(x + 2, y + 13.5 + number * 3.5, fit(line, inner, pdf.get_string_width))
        pdf.set_text_color(0)
        pdf.set_font(FAMILY, "", BODY)

    def table(
        self, header: Sequence[str], rows: Sequence[Sequence[object]], *, align: Sequence[str] | None = None
    ) -> None:
        """Columns as wide as their content within the page; long text wraps in its cell; a long table goes on
        over pages with the header on each; numbers sit on the right unless `align` ("L", "R", "C") says else."""
        self._room(20)
        draw_table(self._pdf, header, rows, align)
        self._pdf.set_font(FAMILY, "", BODY)
        self._pdf.set_text_color(0)

    def chart(self, chart: Chart) -> None:
        """The chart under its title, as wide as the text, drawn with fpdf2's lines and rectangles."""
        pdf = self._pdf
        scale = pdf.epw / WIDTH
        drawing = scene(chart, font=CHART_TEXT / scale)
        body = pdf.page_break_trigger - pdf.t_margin - 12
        scale = min(scale, body / drawing.height)  # a chart taller than a page shrinks to fit one
        self._room(drawing.height * scale + 12)
        self._write(chart.title, "B", 10.0, 5.0)
        pdf.ln(1)
        draw_scene(pdf, drawing, pdf.l_margin, pdf.get_y(), scale)
        pdf.set_y(pdf.get_y() + drawing.height * scale + 4)
        pdf.set_font(FAMILY, "", BODY)

    def page_break(self) -> None:
        self._pdf.add_page()

    def output(self) -> bytes:
        return bytes(self._pdf.output())
