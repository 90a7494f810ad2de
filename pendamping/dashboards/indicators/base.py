"""What every indicator module returns: figures (a number, its unit and the list behind it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | float | None  # None: nothing to count (a share of nobody), shown as "–"
    href: str = ""  # the list behind the number, with the same filters
    unit: str = ""  # "", "%" or "Rp"
    key: str = ""  # a stable name for the API and the report workbook


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def counts_by(qs: QuerySet[Any], field: str) -> dict[Any, int]:
    """field value -> rows, one GROUP BY in the database."""
    rows = qs.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n")
    return dict(rows)
