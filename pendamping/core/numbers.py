"""Numbers as people read them in charts, tables and printed reports: grouped the way the active language groups
(1.500.000 in Indonesian, 1,500,000 in English), rounded half up rather than cut off."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Context, Decimal

from django.utils.formats import number_format

# The largest float has 309 digits before the point; the default 28-digit context would refuse to round it.
_WIDE = Context(prec=800)


def exact(value: float | Decimal) -> Decimal:
    """The number as written: repr() gives the shortest decimal that reads back as the same float, so 0.1 stays
    0.1 instead of 0.1000000000000000055511151231257827."""
    return value if isinstance(value, Decimal) else Decimal(repr(value))


def places(value: float | Decimal) -> int:
    """Digits after the decimal point in the number as written: 0 for 1500 and for 1500.0 (a float's ".0" is
    how Python prints it, not a digit anyone wrote), 2 for 3.84 and for Decimal("3.50")."""
    written = exact(value).normalize() if isinstance(value, float) else exact(value)
    exponent = written.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def decimals_for(values: Iterable[float | Decimal], most: int = 2) -> int:
    """Enough decimals to show every value as written, but no more than `most`: one setting for a whole column,
    so the numbers line up."""
    return max((min(most, places(value)) for value in values), default=0)


def format_number(value: float | Decimal, decimals: int) -> str:
    rounded = exact(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=_WIDE)
    if rounded == 0:
        rounded = abs(rounded)  # "-0" after rounding a small negative helps no one
    # number_format cuts the digits past `decimals` off instead of rounding: the value is rounded first.
    return str(number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True))
