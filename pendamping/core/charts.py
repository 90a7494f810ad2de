"""Charts for dashboards and reports, drawn on the server as inline SVG: offices run on intranets, so nothing is
fetched from the network and no script runs. Each chart also gives its numbers as a table (`Chart.table`), which
the page shows under the picture (templates/dashboards/_chart.html) for screen readers, for copying and for print.

The SVG keeps to rect, line, polyline, text and g, with a colour-blind-safe palette and dashed lines, so that it
prints in greyscale; the PDF reports (`pendamping.core.pdf`) draw the same layout (`chart_scene`) natively.

Values are in the unit's own terms: 20 with unit "%" is twenty per cent. None — and NaN or infinity, which no
count or amount can be — is "no data": a gap in a line, no bar."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pendamping.core.chart_scene import NO_DATA, Line, Mark, Polyline, Rect, Scene, Text, scene
from pendamping.core.numbers import decimals_for, format_number

KINDS = ("line", "bars")
SCREEN_FONT = 20.0  # in a picture 640 units wide: 11 px letters when a phone shows it 360 px wide
MISSING = "–"
# Characters XML 1.0 forbids even escaped: a stray control character from an imported name would break the page.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]  # one per category; None = no data


@dataclass(frozen=True)
class Chart:
    kind: str  # "line": one line per series; "bars": simple bars for one series, stacked bars for several
    title: str
    categories: tuple[str, ...]  # the x axis: quarters, months, regencies, income-change buckets…
    series: tuple[Series, ...]
    unit: str = ""  # "%", "Rp" or ""
    baseline: float | None = None  # a horizontal reference line, e.g. the 20 % baseline
    baseline_label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Chart kind must be one of {KINDS}, not {self.kind!r}.")
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"Series {series.name!r} has {len(series.values)} values for "
                                 f"{len(self.categories)} categories.")  # fmt: skip

    def svg(self) -> SafeString:
        return render_svg(self.title, self.summary(), scene(self, font=SCREEN_FONT))

    def table(self) -> tuple[list[str], list[list[str]]]:
        """A header (an empty corner, then the series' names) and a row per category, numbers as people read
        them, all with the same decimals, "–" where there is no data."""
        decimals = decimals_for(_present(v for s in self.series for v in s.values))
        header = ["", *(series.name for series in self.series)]
        rows = [
            [category, *(self.shown(series.values[index], decimals) for series in self.series)]
            for index, category in enumerate(self.categories)
        ]
        return header, rows

    def shown(self, value: float | None, decimals: int) -> str:
        """`value` formatted with the chart's unit: "Rp 1.500.000", "12,5%", "–" for no data."""
        if value is None or not math.isfinite(value):
            return MISSING
        number = format_number(value, decimals)
        if self.unit == "Rp":
            return f"Rp {number}"
        return f"{number}{self.unit}" if self.unit in ("", "%") else f"{number} {self.unit}"

    def summary(self) -> str:
        """What a screen reader says for the picture: its size, its highest and lowest value, the reference line."""
        count = len(self.categories)
        parts = [ngettext("%(series)s series over %(count)s category", "%(series)s series over %(count)s categories",
                          count) % {"series": len(self.series), "count": count}]  # fmt: skip
        parts += self._extremes() or [str(NO_DATA)]
        if self.baseline is not None and math.isfinite(self.baseline):
            shown = self.shown(self.baseline, decimals_for([self.baseline]))
            line = _("reference line at %(value)s") % {"value": shown}
            parts.append(f"{line} ({self.baseline_label})" if self.baseline_label else line)
        return "; ".join(parts) + "."

    def _extremes(self) -> list[str]:
        points = [
            (value, series.name, category)
            for series in self.series
            for value, category in zip(series.values, self.categories, strict=True)
            if value is not None and math.isfinite(value)
        ]
        if not points:
            return []
        decimals = decimals_for(value for value, _name, _category in points)
        high, low = max(points, key=lambda p: p[0]), min(points, key=lambda p: p[0])
        return [
            template % {"value": self.shown(value, decimals), "series": name, "category": category}
            for template, (value, name, category) in (
                (_("highest %(value)s (%(series)s, %(category)s)"), high),
                (_("lowest %(value)s (%(series)s, %(category)s)"), low),
            )
        ]


def _present(values: Iterable[float | None]) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


def _escaped(text: str) -> str:
    return str(escape(_NOT_XML.sub("", text)))


def _class(kind: str) -> str:
    return f' class="{kind}"' if kind else ""


def _dash(dash: tuple[float, float] | None) -> str:
    return f' stroke-dasharray="{dash[0]:g} {dash[1]:g}"' if dash else ""


def _rect(mark: Rect) -> str:
    stroke = f' stroke="{mark.stroke}"' if mark.stroke else ""
    return (f'<rect x="{mark.x:.1f}" y="{mark.y:.1f}" width="{mark.w:.1f}" height="{mark.h:.1f}" '
            f'fill="{mark.fill}"{stroke}{_class(mark.kind)}/>')  # fmt: skip


def _line(mark: Line) -> str:
    return (f'<line x1="{mark.x1:.1f}" y1="{mark.y1:.1f}" x2="{mark.x2:.1f}" y2="{mark.y2:.1f}" '
            f'stroke="{mark.colour}" stroke-width="{mark.width:g}"{_dash(mark.dash)}{_class(mark.kind)}/>')  # fmt: skip


def _polyline(mark: Polyline) -> str:
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in mark.points)
    return (f'<polyline points="{points}" fill="none" stroke="{mark.colour}" stroke-width="{mark.width:g}" '
            f'stroke-linejoin="round"{_dash(mark.dash)}{_class(mark.kind)}/>')  # fmt: skip


def _text(mark: Text) -> str:
    anchor = f' text-anchor="{mark.anchor}"' if mark.anchor != "start" else ""
    size = f' font-size="{mark.size:g}"' if mark.size != SCREEN_FONT else ""
    turn = f' transform="rotate({mark.rotate:g} {mark.x:.1f} {mark.y:.1f})"' if mark.rotate else ""
    return (f'<text x="{mark.x:.1f}" y="{mark.y:.1f}"{anchor}{size}{turn}{_class(mark.kind)}>'
            f"{_escaped(mark.text)}</text>")  # fmt: skip


def _element(mark: Mark) -> str:
    if isinstance(mark, Rect):
        return _rect(mark)
    if isinstance(mark, Line):
        return _line(mark)
    if isinstance(mark, Polyline):
        return _polyline(mark)
    return _text(mark)


def render_svg(title: str, description: str, drawing: Scene) -> SafeString:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {drawing.width:.0f} {math.ceil(drawing.height)}" '
            f'width="100%" role="img" font-family="DejaVu Sans, Verdana, sans-serif" font-size="{SCREEN_FONT:g}" '
            'fill="#000000">')  # fmt: skip
    parts = [head, f"<title>{_escaped(title)}</title>", f"<desc>{_escaped(description)}</desc>"]
    parts += [_element(mark) for mark in drawing.marks]
    parts.append("</svg>")
    # Safe: every text in it went through escape() (_escaped); the rest is numbers and the palette's colours.
    return mark_safe("".join(parts))  # nosec B308 B703
