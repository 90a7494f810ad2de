"""How a dashboard number reads: rupiah and counts grouped (1.234.567), shares with one decimal and a percent
sign, nothing counted as a dash."""

from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import number_format

register = template.Library()


@register.filter
def amount(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if unit == "%":
        return f"{number_format(value, 1)} %"
    if isinstance(value, float) and not value.is_integer():
        value = round(value)
    text = intcomma(int(value))
    return f"Rp {text}" if unit == "Rp" else str(text)


@register.filter
def signed(value: Any, unit: str = "") -> str:
    """A change: +1.5 % or -3, so a fall is never read as a level."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else ""
    return sign + amount(value, unit)
