"""A choropleth of Jawa Timur's 38 kabupaten/kota as inline SVG, drawn on the server from the bundled boundaries
(`regions/data/jatim_kabkota.geojson`): no tile server, no script, nothing fetched from the network; it prints,
it scales to a phone, and every regency is a link to the list behind its number.

The boundaries are projected once per process (equirectangular, longitudes shrunk by the cosine of the
province's middle latitude, which is faithful enough 7 degrees south of the equator)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.formats import number_format
from django.utils.translation import gettext as _

import pendamping.regions

GEOJSON = Path(pendamping.regions.__file__).parent / "data" / "jatim_kabkota.geojson"
# The credit the data's licence asks for, as its source words it (pendamping/regions/data/README.md).
CREDIT = "Batas wilayah: cahyadsn/wilayah_boundaries (MIT), turunan data Badan Informasi Geospasial; disederhanakan."
WIDTH = 1000  # SVG user units across; the height follows the province's shape
PALETTE = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")  # light to dark: low to high
NO_DATA = "#f0f0f0"


@dataclass(frozen=True)
class Shape:
    code: str  # "35.78"
    name: str  # "Kota Surabaya"
    path: str  # SVG path data in the map's units


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    path: str
    href: str
    value: float | None
    label: str  # the value as shown, or "no data"
    fill: str


@dataclass(frozen=True)
class Choropleth:
    title: str
    view_box: str
    areas: tuple[Area, ...]
    legend: tuple[tuple[str, str], ...]  # (fill, range as shown), low to high, then "no data" if any area lacks one
    credit: str = CREDIT


def _rings(geometry: dict) -> list[list[list[float]]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [ring for polygon in polygons for ring in polygon]


@lru_cache(maxsize=1)
def shapes() -> tuple[tuple[Shape, ...], str]:
    """The 38 regencies as SVG paths, and the view box that holds them."""
    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    points = [point for f in features for ring in _rings(f["geometry"]) for point in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    shrink = math.cos(math.radians((north + south) / 2))
    scale = WIDTH / ((east - west) * shrink)

    def path(rings: list[list[list[float]]]) -> str:
        parts = []
        for ring in rings:
            xy = [f"{(lon - west) * shrink * scale:.1f},{(north - lat) * scale:.1f}" for lon, lat in ring]
            parts.append("M" + "L".join(xy) + "Z")
        return "".join(parts)

    out = [Shape(f["properties"]["kode"], f["properties"]["nama"], path(_rings(f["geometry"]))) for f in features]
    height = (north - south) * scale
    return tuple(sorted(out, key=lambda s: s.code)), f"0 0 {WIDTH} {height:.0f}"


def _breaks(values: list[float], classes: int) -> list[float]:
    """Upper bounds of equal-width classes between the lowest and the highest value (one class if all agree)."""
    low, high = min(values), max(values)
    if high == low:
        return [high]
    step = (high - low) / classes
    return [low + step * (i + 1) for i in range(classes)]


def _class_of(value: float, breaks: list[float]) -> int:
    """The first class whose upper bound holds `value`; the top one for the highest value, which the sum of the
    steps may miss by a rounding error (rupiah totals run into the billions)."""
    return next((i for i, bound in enumerate(breaks) if value <= bound), len(breaks) - 1)


def _shown(value: float, decimals: int, unit: str = "") -> str:
    text = str(number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True))
    return f"{text} {unit}" if unit else text


def choropleth(
    *,
    title: str,
    values: Mapping[str, float | None],
    href: Callable[[str], str],
    decimals: int = 0,
    unit: str = "",
) -> Choropleth:
    """Colour each regency by `values` (regency code -> number; missing or None: no data); `href(code)` is where a
    click on it leads (the list behind its number, or the next level down); `unit` ("%") follows each number."""
    shape_list, view_box = shapes()
    present = [float(v) for v in values.values() if v is not None]
    breaks = _breaks(present, len(PALETTE)) if present else []
    palette = PALETTE[-len(breaks) :] if breaks else ()
    areas = []
    for shape in shape_list:
        value = values.get(shape.code)
        if value is None:
            fill, label = NO_DATA, _("no data")
        else:
            fill = palette[_class_of(float(value), breaks)]
            label = _shown(float(value), decimals, unit)
        areas.append(Area(shape.code, shape.name, shape.path, href(shape.code), value, label, fill))
    lows = [min(present)] + breaks[:-1] if present else []
    legend = [
        (fill, f"{_shown(lo, decimals, unit)} – {_shown(hi, decimals, unit)}")
        for fill, lo, hi in zip(palette, lows, breaks, strict=True)
    ]
    if any(area.value is None for area in areas):
        legend.append((NO_DATA, _("no data")))
    return Choropleth(title=title, view_box=view_box, areas=tuple(areas), legend=tuple(legend))
