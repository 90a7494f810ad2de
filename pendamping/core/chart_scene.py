"""The geometry of a chart (`pendamping.core.charts.Chart`) as plain marks — rectangles, lines, polylines and text
— in a frame 640 units wide, so that the SVG on the page and the PDF on paper draw one picture from one layout.

The text size is a parameter: on a phone 360 px wide the page needs 20 units for 11 px letters; the printed page,
with the chart as wide as the text, needs far less. Values are brought to a scale of 1 to 1000 (times a power of
ten the axis names: "juta", "miliar") before anything is added up or placed, so that neither rupiah totals nor tiny
fractions overflow or vanish in floating point."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext_lazy

from pendamping.core.chart_axis import Axis, axis_for
from pendamping.core.numbers import exact

WIDTH = 640.0
PLOT_HEIGHT = 190.0
CHAR = 0.62  # a generous average glyph width, in text sizes: labels estimated this wide do not collide
SIN45 = math.sqrt(0.5)
ROTATED_CHARS = 14  # a slanted label longer than this would take more height than the plot; the table has it whole
LEGEND_CHARS = 30
# Okabe & Ito's colour-blind-safe palette, ordered so that neighbours differ in lightness too (greyscale print).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
# Lines differ in pattern as well as in colour: on a greyscale printout the colours alone can look alike.
DASHES: tuple[tuple[float, float] | None, ...] = (None, (10.0, 5.0), (3.0, 4.0), (16.0, 5.0))
INK = "#000000"
GRID = "#c8c8c8"
NO_DATA = gettext_lazy("no data")


class _Series(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def values(self) -> tuple[float | None, ...]: ...


class Plottable(Protocol):
    """What the layout reads of a `charts.Chart` (which imports this module, so it cannot import that one)."""

    @property
    def kind(self) -> str: ...
    @property
    def categories(self) -> tuple[str, ...]: ...
    @property
    def series(self) -> Sequence[_Series]: ...
    @property
    def unit(self) -> str: ...
    @property
    def baseline(self) -> float | None: ...
    @property
    def baseline_label(self) -> str: ...


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str = ""
    kind: str = ""  # "mark" (one per value), "legend": the SVG's class, for styling and tests


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    width: float = 1.0
    dash: tuple[float, float] | None = None
    kind: str = ""


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    colour: str
    width: float = 1.0
    dash: tuple[float, float] | None = None
    kind: str = ""


@dataclass(frozen=True)
class Text:
    x: float  # at the anchor, on the baseline
    y: float
    text: str
    size: float
    anchor: str = "start"  # "start", "middle" or "end", as in SVG
    rotate: float = 0.0  # degrees, clockwise as in SVG (y grows downwards)
    kind: str = ""


Mark = Rect | Line | Polyline | Text


@dataclass(frozen=True)
class Scene:
    width: float
    height: float
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class _Frame:
    left: float
    top: float
    width: float
    count: int  # categories

    @property
    def slot(self) -> float:
        return self.width / self.count

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + PLOT_HEIGHT

    def x(self, index: int) -> float:
        return self.left + (index + 0.5) * self.slot


@dataclass(frozen=True)
class _Labels:
    texts: tuple[str, ...]
    every: int  # show every n-th label: a long list would otherwise overprint itself
    rotated: bool
    height: float


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _width(text: str, font: float) -> float:
    return len(text) * CHAR * font


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _scaled(value: float | None, exponent: int) -> float | None:
    return None if value is None else float(exact(value).scaleb(-exponent))


def _normalised(chart: Plottable) -> tuple[list[list[float | None]], float | None, int]:
    """The values and the baseline divided by a power of 1000 that brings the largest below 1000 — then again if
    a stack of them reaches 1000 — and that power's exponent."""
    rows = [[_finite(v) for v in s.values] for s in chart.series]
    baseline = _finite(chart.baseline)
    sizes = [abs(v) for row in rows for v in row if v] + ([abs(baseline)] if baseline else [])
    exponent = 3 * math.floor(math.log10(max(sizes)) / 3) if sizes else 0
    rows = [[_scaled(v, exponent) for v in row] for row in rows]
    baseline = _scaled(baseline, exponent)
    low, high = _extent(chart.kind, rows, baseline)
    while max(-low, high) >= 1000:
        exponent += 3
        rows = [[None if v is None else v / 1000 for v in row] for row in rows]
        baseline = None if baseline is None else baseline / 1000
        low, high = low / 1000, high / 1000
    return rows, baseline, exponent


def _extent(kind: str, rows: Sequence[Sequence[float | None]], baseline: float | None) -> tuple[float, float]:
    """The lowest and highest point the plot must show: zero, the baseline, and each value — or for stacked bars
    each stack's top and bottom."""
    points = [0.0] + ([baseline] if baseline is not None else [])
    if kind == "bars" and len(rows) > 1:
        for column in zip(*rows, strict=True):
            points.append(sum(v for v in column if v is not None and v > 0))
            points.append(sum(v for v in column if v is not None and v < 0))
    else:
        points += [v for row in rows for v in row if v is not None]
    return min(points), max(points)


def _plan_labels(categories: Sequence[str], slot: float, font: float) -> _Labels:
    if max(_width(c, font) for c in categories) <= slot - 0.4 * font:
        return _Labels(tuple(categories), 1, False, 1.6 * font)
    texts = tuple(shorten(c, ROTATED_CHARS) for c in categories)
    every = max(1, math.ceil(1.3 * font / (slot * SIN45)))
    longest = max(_width(t, font) for t in texts) * SIN45
    return _Labels(texts, every, True, longest + 1.4 * font)


def _layout(chart: Plottable, axis: Axis, top: float, font: float) -> tuple[_Frame, _Labels]:
    """Room on the left for the tick labels and, when category labels slant, for the first one's tail."""
    left = max(_width(label, font) for label in axis.labels) + 0.6 * font
    count = len(chart.categories)
    frame = _Frame(left, top, WIDTH - left - 0.5 * font, count)
    labels = _plan_labels(chart.categories, frame.slot, font)
    if labels.rotated:
        tail = _width(labels.texts[0], font) * SIN45 - frame.slot / 2 + 0.5 * font
        if tail > left:
            frame = _Frame(tail, top, WIDTH - tail - 0.5 * font, count)
            labels = _plan_labels(chart.categories, frame.slot, font)
    return frame, labels


def _legend(chart: Plottable, font: float) -> tuple[list[Mark], float]:
    """One entry per series, flowing onto a new row when the line is full; returns the marks and their height."""
    marks: list[Mark] = []
    x, y, pad = 0.5 * font, 1.3 * font, 0.5 * font
    for index, series in enumerate(chart.series):
        name = shorten(series.name, LEGEND_CHARS)
        entry = 2.1 * font + _width(name, font)
        if x > pad and x + entry > WIDTH - pad:
            x, y = pad, y + 1.5 * font
        colour = PALETTE[index % len(PALETTE)]
        if chart.kind == "line":
            dash = DASHES[index % len(DASHES)]
            marks.append(Line(x, y - 0.35 * font, x + 1.6 * font, y - 0.35 * font, colour, 3.0, dash, "legend"))
        else:
            marks.append(Rect(x + 0.4 * font, y - 0.8 * font, 0.8 * font, 0.8 * font, colour, kind="legend"))
        marks.append(Text(x + 2.0 * font, y, name, font, kind="legend"))
        x += entry + font
    return marks, y + 0.8 * font


def _axis_marks(axis: Axis, frame: _Frame, font: float) -> list[Mark]:
    marks: list[Mark] = []
    for tick, label in zip(axis.ticks, axis.labels, strict=True):
        y = axis.y(float(tick), frame.top, PLOT_HEIGHT)
        colour, width = (INK, 1.5) if tick == 0 else (GRID, 1.0)
        marks.append(Line(frame.left, y, frame.right, y, colour, width, kind="grid"))
        marks.append(Text(frame.left - 0.3 * font, y + 0.35 * font, label, font, "end", kind="tick"))
    if axis.title:
        marks.append(Text(0.5 * font, frame.top - 1.0 * font, axis.title, font, kind="unit"))
    return marks


def _bar_marks(rows: Sequence[Sequence[float | None]], axis: Axis, frame: _Frame) -> list[Mark]:
    """A bar per value; several series stack, positive values upwards from zero and negative ones downwards."""
    marks: list[Mark] = []
    width = frame.slot * 0.7
    stroke = "#ffffff" if len(rows) > 1 else ""  # a white seam tells stacked segments apart in greyscale
    for index in range(frame.count):
        up = down = 0.0
        for number, row in enumerate(rows):
            value = row[index]
            if value is None:
                continue
            start = up if value >= 0 else down
            end = start + value
            up, down = (end, down) if value >= 0 else (up, end)
            y1, y2 = sorted((axis.y(start, frame.top, PLOT_HEIGHT), axis.y(end, frame.top, PLOT_HEIGHT)))
            colour = PALETTE[number % len(PALETTE)]
            marks.append(Rect(frame.x(index) - width / 2, y1, width, y2 - y1, colour, stroke, "mark"))
    return marks


def _line_marks(rows: Sequence[Sequence[float | None]], axis: Axis, frame: _Frame, font: float) -> list[Mark]:
    """A line per series, broken where a value is missing, and a square on each value (a lone value between two
    gaps shows as its square alone)."""
    lines: list[Mark] = []
    squares: list[Mark] = []
    side = 0.45 * font
    for number, row in enumerate(rows):
        colour, dash = PALETTE[number % len(PALETTE)], DASHES[number % len(DASHES)]
        runs: list[list[tuple[float, float]]] = [[]]
        for index, value in enumerate(row):
            if value is None:
                runs.append([])
                continue
            point = (frame.x(index), axis.y(value, frame.top, PLOT_HEIGHT))
            runs[-1].append(point)
            squares.append(Rect(point[0] - side / 2, point[1] - side / 2, side, side, colour, kind="mark"))
        lines += [Polyline(tuple(run), colour, 3.0, dash, "line") for run in runs if len(run) > 1]
    return lines + squares


def _baseline_marks(chart: Plottable, baseline: float, axis: Axis, frame: _Frame, font: float) -> list[Mark]:
    y = axis.y(baseline, frame.top, PLOT_HEIGHT)
    marks: list[Mark] = [Line(frame.left, y, frame.right, y, INK, 2.0, (8.0, 5.0), "baseline")]
    if chart.baseline_label:
        # On a white ground, or a bar under it would leave black letters on dark blue.
        width = _width(chart.baseline_label, font) + 0.4 * font
        marks.append(Rect(frame.right - width, y - 1.25 * font, width, 1.1 * font, "#ffffff"))
        marks.append(
            Text(frame.right - 0.2 * font, y - 0.4 * font, chart.baseline_label, font, "end", kind="baseline-label")
        )
    return marks


def _category_marks(labels: _Labels, frame: _Frame, font: float) -> list[Mark]:
    marks: list[Mark] = []
    for index, text in enumerate(labels.texts):
        if index % labels.every:
            continue
        if labels.rotated:
            x, y = frame.x(index) + 0.3 * font, frame.bottom + 0.8 * font
            marks.append(Text(x, y, text, font, "end", -45.0, "category"))
        else:
            marks.append(Text(frame.x(index), frame.bottom + 1.3 * font, text, font, "middle", kind="category"))
    return marks


def message(text: str, font: float) -> Scene:
    """A small picture holding only a sentence, for a chart with nothing to draw."""
    return Scene(WIDTH, 3 * font, (Text(WIDTH / 2, 1.8 * font, text, font, "middle", kind="empty"),))


def scene(chart: Plottable, *, font: float) -> Scene:
    rows, baseline, exponent = _normalised(chart)
    if not chart.categories or all(v is None for row in rows for v in row):
        return message(str(NO_DATA), font)
    axis = axis_for(*_extent(chart.kind, rows, baseline), exponent=exponent, unit=chart.unit)
    legend, legend_height = _legend(chart, font) if len(chart.series) > 1 else ([], 0.0)
    top = legend_height + (2.2 if axis.title else 0.8) * font
    frame, labels = _layout(chart, axis, top, font)
    drawn = _line_marks(rows, axis, frame, font) if chart.kind == "line" else _bar_marks(rows, axis, frame)
    marks = [*legend, *_axis_marks(axis, frame, font), *drawn, *_category_marks(labels, frame, font)]
    if baseline is not None:
        marks += _baseline_marks(chart, baseline, axis, frame, font)
    return Scene(WIDTH, frame.bottom + labels.height, tuple(marks))
