"""The value axis of a chart: a handful of round ticks, labelled for people.

The chart's values arrive scaled to below 1000 times 10**exponent (`chart_scene`). Between a thousandth and a
million the labels show the plain number (0,25 … 750.000); beyond, they keep the scaled number and the axis title
names the scale ("Rp (juta)"), so that no tick label runs to fifteen digits."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pendamping.core.numbers import exact, format_number, places

SCALES = {6: gettext_lazy("million"), 9: gettext_lazy("billion"), 12: gettext_lazy("trillion")}
MULTIPLES = ("1", "2", "2.5", "5")
MOST_TICKS = 6


@dataclass(frozen=True)
class Axis:
    ticks: tuple[Decimal, ...]  # in the scaled units, lowest first
    labels: tuple[str, ...]
    title: str  # the unit and the scale, or "" when there is neither

    def y(self, value: float, top: float, height: float) -> float:
        """Where `value` (scaled) sits on a plot `height` tall whose top is at `top`; y grows downwards."""
        low, high = float(self.ticks[0]), float(self.ticks[-1])
        return top + (high - value) / (high - low) * height


def nice_ticks(low: float, high: float) -> tuple[Decimal, ...]:
    """Evenly spaced round numbers — steps of 1, 2, 2.5 or 5 times a power of ten — from at or below `low` to at
    or above `high`: the finest such steps that need no more than six ticks, which leaves at least four."""
    if high <= low:
        high = low + 1
    exponent = math.floor(math.log10(high - low)) - 1
    while True:
        for multiple in MULTIPLES:
            step = Decimal(multiple).scaleb(exponent)
            first, last = math.floor(exact(low) / step), math.ceil(exact(high) / step)
            if last - first < MOST_TICKS:
                return tuple(step * k for k in range(first, last + 1))
        exponent += 1


def _title(unit: str, exponent: int) -> str:
    if -6 < exponent < 6:
        return unit
    scale = str(SCALES[exponent]) if exponent in SCALES else _("× 10^%(exponent)s") % {"exponent": exponent}
    return f"{unit} ({scale})" if unit else scale


def axis_for(low: float, high: float, *, exponent: int, unit: str) -> Axis:
    """The axis for scaled values from `low` to `high` (zero among them)."""
    ticks = nice_ticks(low, high)
    written_out = -6 < exponent < 6
    shown = [tick.scaleb(exponent) if written_out else tick for tick in ticks]
    decimals = places((shown[1] - shown[0]).normalize())
    return Axis(ticks, tuple(format_number(value, decimals) for value in shown), _title(unit, exponent))
