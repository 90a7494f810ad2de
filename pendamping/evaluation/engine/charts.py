"""Charts as inline SVG strings, drawn from the result's chart data (no libraries, no external files).

- :func:`favourable_bars`: per aspect, four 100% stacked bars (treatment pre/post, control
  pre/post) — favourable answers vs the rest.
- :func:`change_chart`: per aspect and arm, the distribution of score changes (post − pre, on the
  0-100 aspect score): a box from the first to the third quartile, the median as a bar, the mean as
  a diamond, and a dot per distinct change whose area grows with the number of respondents.

The SVG carries ``role="img"`` and a ``<title>``; all text is escaped.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from pendamping.evaluation.engine.text import fmt, t

__all__ = ["change_chart", "favourable_bars"]

COLOURS = {"favourable": "#2e7d4f", "other": "#d9d9d9", "treatment": "#1f5f99", "control": "#b5532a"}
_FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    head = (f'<svg viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" role="img" {_FONT}>'
            f"<title>{escape(title)}</title>")  # fmt: skip
    return head + "".join(body) + "</svg>"


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {extra}>{escape(text)}</text>'


def favourable_bars(charts: dict[str, Any], titles: dict[str, str], lang: str) -> str:
    """Stacked bars of the favourable share of answers per aspect, arm and wave."""
    rows = charts["favourable"]
    left, width, bar, gap = 230, 380, 16, 4
    aspects = list(dict.fromkeys(r["aspect"] for r in rows))
    per = {a: [r for r in rows if r["aspect"] == a] for a in aspects}
    height = 30 + sum(len(per[a]) * (bar + gap) + 26 for a in aspects)
    body, y = [], 20.0
    for a in aspects:
        body.append(_text(4, y + 10, titles.get(a, a), extra='font-weight="bold"'))
        y += 16
        for r in per[a]:
            share = r["share"]
            label = f"{t(r['arm'], lang)} {r['wave']}"
            body.append(_text(left - 8, y + bar - 4, label, "end"))
            if share is None:
                body.append(_text(left, y + bar - 4, "–"))
            else:
                fav_w = width * float(share)
                body.append(f'<rect x="{left}" y="{y:.1f}" width="{fav_w:.1f}" height="{bar}" '
                            f'fill="{COLOURS["favourable"]}"/>')  # fmt: skip
                body.append(f'<rect x="{left + fav_w:.1f}" y="{y:.1f}" width="{width - fav_w:.1f}" height="{bar}" '
                            f'fill="{COLOURS["other"]}"/>')  # fmt: skip
                body.append(_text(left + width + 6, y + bar - 4, f"{fmt(100 * float(share), lang, 0)}%"))
            y += bar + gap
        y += 10
    title = "Jawaban favorable per aspek" if lang == "id" else "Favourable answers per aspect"
    return _svg(left + width + 60, int(height), title, body)


def _x(value: float, left: float, width: float) -> float:
    return left + (value + 100.0) / 200.0 * width


def _axis(left: float, width: float, top: float, bottom: float) -> list[str]:
    out = []
    for tick in (-100, -50, 0, 50, 100):
        x = _x(tick, left, width)
        dash = "" if tick == 0 else ' stroke-dasharray="2,3"'
        out.append(f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="#999"{dash}/>')
        out.append(_text(x, bottom + 14, f"{tick:+d}" if tick else "0", "middle"))
    return out


def _distribution(d: dict[str, Any], y: float, left: float, width: float, colour: str) -> list[str]:
    if not d["n"]:
        return [_text(left, y + 4, "–")]
    out = []
    x1, x3 = _x(d["q1"], left, width), _x(d["q3"], left, width)
    out.append(f'<rect x="{x1:.1f}" y="{y - 9:.1f}" width="{max(x3 - x1, 1):.1f}" height="18" fill="{colour}" '
               'fill-opacity="0.15" stroke="' + colour + '"/>')  # fmt: skip
    xm = _x(d["median"], left, width)
    out.append(
        f'<line x1="{xm:.1f}" y1="{y - 9:.1f}" x2="{xm:.1f}" y2="{y + 9:.1f}" stroke="{colour}" stroke-width="3"/>'
    )
    biggest = max(d["counts"])
    for value, count in zip(d["values"], d["counts"], strict=True):
        r = 2.0 + 6.0 * math.sqrt(count / biggest)
        out.append(f'<circle cx="{_x(value, left, width):.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}" '
                   f'fill-opacity="0.6"><title>{value:+.1f}: {count}</title></circle>')  # fmt: skip
    xa = _x(d["mean"], left, width)
    out.append(f'<path d="M{xa:.1f},{y - 14:.1f} l5,5 l-5,5 l-5,-5 z" fill="#222"/>')
    return out


def change_chart(charts: dict[str, Any], titles: dict[str, str], lang: str) -> str:
    """Change-score distributions (post − pre) per aspect and arm on the 0-100 aspect score."""
    rows = charts["change"]
    left, width, step = 230, 400, 30
    aspects = list(dict.fromkeys(r["aspect"] for r in rows))
    body, y = [], 20.0
    for a in aspects:
        body.append(_text(4, y + 8, titles.get(a, a), extra='font-weight="bold"'))
        y += 26
        for r in (r for r in rows if r["aspect"] == a):
            colour = COLOURS[r["arm"]]
            n = f"{t(r['arm'], lang)} (n = {r['n']})"
            body.append(_text(left - 12, y + 4, n, "end", f'fill="{colour}"'))
            body += _distribution(r, y, left, width, colour)
            y += step
        y += 4
    body = _axis(left, width, 14, y - 10) + body
    title = "Perubahan skor aspek (post − pre)" if lang == "id" else "Change in aspect score (post − pre)"
    return _svg(left + width + 30, int(y + 14), title, body)
