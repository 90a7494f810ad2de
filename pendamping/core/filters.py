"""What every list's filters read from a query string: a Kemendagri region code and a day. A malformed value is
no filter (None), never an error: a forged or mistyped value can narrow a list, never widen it past the user's
scope (`visible_to` stays the base of every list)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Q, QuerySet

QS = TypeVar("QS", bound=QuerySet[Any])

# [0-9], not \d: \d would take other scripts' digits, which no code or date input has.
_REGION = {1: r"[0-9]{2}\.[0-9]{2}", 2: r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}", 3: r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}"}
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def region_code(value: str, dots: int) -> str | None:
    """The code of a regency (1 dot: 35.78), kecamatan (2: 35.78.01) or desa (3: 35.78.01.1001), else None."""
    return value if re.fullmatch(_REGION[dots], value or "") else None


def in_region(qs: QS, *, regency: str, kecamatan: str, desa: str, regency_field: str, desa_field: str) -> QS:
    """The rows in each well-formed region given; `regency_field` and `desa_field` lead to the row's regency code
    and village (a kecamatan is the village's parent)."""
    if code := region_code(regency, 1):
        qs = qs.filter(**{regency_field: code})
    if code := region_code(kecamatan, 2):
        qs = qs.filter(**{f"{desa_field}__parent_id": code})
    if code := region_code(desa, 3):
        qs = qs.filter(**{desa_field: code})
    return qs


def iso_day(value: str) -> dt.date | None:
    """The day written YYYY-MM-DD, or None (malformed, or no such day: 2026-02-30). The pattern comes first:
    Python 3.11's fromisoformat also reads 20260131 and 2026-W05-1, which no date input sends."""
    if not _ISO_DAY.fullmatch(value or ""):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class Days:
    """Days from `start` to `end`, both included; an end left open is None. False when neither end is a real day,
    so the list is not narrowed."""

    start: dt.date | None = None
    end: dt.date | None = None

    @classmethod
    def of(cls, first: str, last: str) -> Days:
        return cls(iso_day(first), iso_day(last))

    def __bool__(self) -> bool:
        return bool(self.start or self.end)

    def q(self, field: str) -> Q:
        if self.start and self.end and self.start > self.end:
            return Q(pk__in=[])  # a range that ends before it begins holds nothing
        bounds = {f"{field}__gte": self.start, f"{field}__lte": self.end}
        return Q(**{lookup: day for lookup, day in bounds.items() if day})
