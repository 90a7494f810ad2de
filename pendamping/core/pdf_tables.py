"""Tables for the PDF reports (`pendamping.core.pdf`), laid out and drawn here rather than with fpdf2's own
`table()`, which measures every cell several times over: a register of 5,000 rows took it twenty seconds. Here each
cell is measured once; a cell that fits its column — nearly all of them — is drawn as one line of text."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from fpdf import FPDF

from pendamping.core.numbers import format_number, places

MISSING = "–"
SIZE = 8.0  # pt
LINE = 3.6  # mm, one line of 8 pt text
BASELINE = 2.65  # mm from the top of a line to its baseline
PAD_X, PAD_Y = 1.2, 0.9
SLACK = 0.01  # mm: a column is its widest text plus padding, less the padding again; rounding must not wrap it
HEADER_FILL, STRIPE_FILL, RULE = "#dcdcdc", "#f2f2f2", "#b4b4b4"
# Amounts already written for people ("Rp 1.500.000", "12,5%", "−3") line up on the right like numbers do.
_NUMERIC = re.compile(r"\s*(Rp\.?\s*)?[-+−]?\d[\d.,\s]*%?\s*")


class Widths:
    """Text widths in the current font, each distinct text measured once per style: a register repeats its words
    (the regency, the status) thousands of times."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self.seen: dict[tuple[str, float, str], float] = {}

    def __call__(self, text: str) -> float:
        key = (self.pdf.font_style, self.pdf.font_size_pt, text)
        width = self.seen.get(key)
        if width is None:
            width = self.seen[key] = self.pdf.get_string_width(text)
        return width


@dataclass(frozen=True)
class _Layout:
    header: list[str]
    cells: list[list[str]]
    natural: list[list[float]]  # each cell's text width, measured once
    widths: list[float]  # each column's width, padding included
    align: list[str]
    measure: Widths


def cell_text(value: object) -> str:
    """A value as printed: numbers grouped the way the reader's language groups them, "–" for nothing."""
    if value is None:
        return MISSING
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        return MISSING
    return format_number(value, min(2, places(value)) if isinstance(value, float) else places(value))


def _numeric(value: object) -> bool:
    if isinstance(value, str):
        return bool(_NUMERIC.fullmatch(value))
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def default_align(rows: Sequence[Sequence[object]], columns: int) -> list[str]:
    """Right for a column of numbers (blanks aside), left for anything else."""
    align = []
    for column in range(columns):
        present = [row[column] for row in rows if column < len(row) and row[column] not in (None, "", MISSING)]
        align.append("R" if present and all(_numeric(value) for value in present) else "L")
    return align


def share_width(natural: Sequence[float], total: float) -> list[float]:
    """Column widths within `total`: each column as wide as its widest cell if they all fit; otherwise the columns
    narrower than an even share keep their width and the wide ones split what is left in proportion."""
    if sum(natural) <= total:
        return list(natural)
    widths: dict[int, float] = {}
    open_columns, left = list(range(len(natural))), total
    while open_columns:
        share = left / len(open_columns)
        narrow = [c for c in open_columns if natural[c] <= share]
        if not narrow:
            break
        for column in narrow:
            widths[column] = natural[column]
            left -= natural[column]
        open_columns = [c for c in open_columns if c not in widths]
    wide_total = sum(natural[c] for c in open_columns)
    widths.update({c: left * natural[c] / wide_total for c in open_columns})
    return [widths[c] for c in range(len(natural))]


def _break_word(word: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """A word wider than the column, cut into pieces that fit (a long code or address has no spaces)."""
    pieces = []
    while len(word) > 1 and measure(word) > width:
        cut = next((n for n in range(len(word) - 1, 1, -1) if measure(word[:n]) <= width), 1)
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word]


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """`text` in lines no wider than `width`, broken at spaces (and at line breaks it has). A line's width is the
    sum of its words' and spaces' widths (fpdf2 neither kerns nor shapes here), so each word is measured once."""
    lines: list[str] = []
    space = measure(" ")
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in paragraph.split(" "):
            size = measure(word)
            if not line or used + space + size > width + SLACK:
                if line:
                    lines.append(line)
                *whole, line = _break_word(word, width, measure) if size > width + SLACK else [word]
                lines += whole
                used = measure(line)
            else:
                line, used = f"{line} {word}", used + space + size
        lines.append(line)
    return lines


def fit(text: str, width: float, measure: Callable[[str], float]) -> str:
    """`text` cut short with "…" to fit `width` on one line."""
    if measure(text) <= width:
        return text
    while text and measure(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _layout(pdf: FPDF, header: Sequence[str], rows: Sequence[Sequence[object]], align: Sequence[str] | None) -> _Layout:
    measure = Widths(pdf)
    columns = max([len(header), *(len(row) for row in rows)])
    head = [str(text) for text in header] + [""] * (columns - len(header))
    cells = [[cell_text(value) for value in row] + [""] * (columns - len(row)) for row in rows]
    natural = [[measure(text) for text in row] for row in cells]
    pdf.set_font(style="B")
    head_natural = [max((measure(word) for word in text.split()), default=0.0) for text in head]  # headers wrap
    pdf.set_font(style="")
    widest = [max([head_natural[c], *(row[c] for row in natural)]) + 2 * PAD_X for c in range(columns)]
    sides = list(align) if align is not None else default_align(rows, columns)
    sides += ["L"] * (columns - len(sides))
    widths = share_width(widest, pdf.epw)
    return _Layout(head, cells, natural, widths, [side.upper() for side in sides], measure)


def _lines(layout: _Layout, text: str, natural: float, width: float, most: int) -> list[str]:
    if natural <= width + SLACK and "\n" not in text:
        return [text]
    lines = wrap(text, width, layout.measure)
    if len(lines) <= most:
        return lines
    return [*lines[: most - 1], fit(lines[most - 1] + " …", width, layout.measure)]


def _draw_row(pdf: FPDF, layout: _Layout, lines: list[list[str]], y: float, fill: str) -> float:
    """Draw one row at `y` and return its height."""
    height = max(len(cell) for cell in lines) * LINE + 2 * PAD_Y
    if fill:
        pdf.set_fill_color(fill)
        pdf.rect(pdf.l_margin, y, sum(layout.widths), height, style="F")
    x = pdf.l_margin
    for cell, width, side in zip(lines, layout.widths, layout.align, strict=True):
        for number, line in enumerate(cell):
            shift = 0.0 if side == "L" else width - 2 * PAD_X - layout.measure(line)
            pdf.text(x + PAD_X + (shift / 2 if side == "C" else shift), y + PAD_Y + number * LINE + BASELINE, line)
        x += width
    pdf.line(pdf.l_margin, y + height, pdf.l_margin + sum(layout.widths), y + height)
    return height


def _draw_header(pdf: FPDF, layout: _Layout, most: int) -> float:
    """Draw the header row at the current position and return where the rows under it begin."""
    pdf.set_font(style="B")
    lines = [
        wrap(text, width - 2 * PAD_X, layout.measure)[:most]
        for text, width in zip(layout.header, layout.widths, strict=True)
    ]
    height = _draw_row(pdf, layout, lines, pdf.get_y(), HEADER_FILL)
    pdf.set_font(style="")
    return pdf.get_y() + height


def draw_table(pdf: FPDF, header: Sequence[str], rows: Sequence[Sequence[object]], align: Sequence[str] | None) -> None:
    """The table from the current position on, breaking across pages with the header repeated on each."""
    if not header and not any(rows):
        return
    pdf.set_font(style="", size=SIZE)
    pdf.set_text_color(0)
    pdf.set_draw_color(RULE)
    pdf.set_line_width(0.15)
    pdf.set_dash_pattern()
    layout = _layout(pdf, header, rows, align)
    # No row may be taller than a page: the lines past that are cut, with "…" to say so.
    most = max(1, math.floor((pdf.page_break_trigger - pdf.t_margin) / LINE) - 4)
    y = _draw_header(pdf, layout, most)
    for index, (row, natural) in enumerate(zip(layout.cells, layout.natural, strict=True)):
        lines = [_lines(layout, text, size, width - 2 * PAD_X, most)
                 for text, size, width in zip(row, natural, layout.widths, strict=True)]  # fmt: skip
        height = max(len(cell) for cell in lines) * LINE + 2 * PAD_Y
        if y + height > pdf.page_break_trigger:
            pdf.add_page()
            y = _draw_header(pdf, layout, most)
        y += _draw_row(pdf, layout, lines, y, STRIPE_FILL if index % 2 else "")
    pdf.set_y(y + 4)
