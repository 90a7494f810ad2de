"""The area and period filters the briefing and internship lists share. The dashboards' pipeline figures link to
these lists with `regency`, `kecamatan` (the area) and `ends_from`, `ends_to` (the period, on the batch's or the
round's last day), so a figure opens the rows it counts. Malformed values are no filter: a forged one can narrow
a list, never widen it past `visible_to`."""

import datetime as dt
import re
from typing import Any, TypeVar

from django.db.models import Count, IntegerField, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

QS = TypeVar("QS", bound=QuerySet[Any])


def region_code(value: str, *, depth: int) -> str | None:
    """A Kemendagri code of a regency (depth 2: 35.78) or kecamatan (depth 3: 35.78.01), else None. [0-9], not
    \\d: \\d would take other scripts' digits, which no region code has."""
    return value if re.fullmatch(r"[0-9]{2}" + r"\.[0-9]{2}" * (depth - 1), value) else None


def companion_area(*, regency: str, kecamatan: str) -> Q | None:
    """The rows (participants, placements) whose companion is in the area, looked up as the dashboards count them:
    a kecamatan by the companion's home village, whatever regency they serve (the dashboards send its regency
    along only as the selects' parent); a regency by the regency of service. None when no code is well-formed."""
    if code := region_code(kecamatan, depth=3):
        return Q(companion__home_desa__parent_id=code)
    if code := region_code(regency, depth=2):
        return Q(companion__regency_id=code)
    return None


def day(value: str) -> dt.date | None:
    """YYYY-MM-DD only: fromisoformat alone would also take 20240701 or 2024-W27-3, which no link sends."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:  # 2024-02-30
        return None


def ending_between(qs: QS, *, ends_from: str, ends_to: str) -> QS:
    """Rows whose `ends_on` is within the bounds, both inclusive (the dashboards' period: start..last day)."""
    if since := day(ends_from):
        qs = qs.filter(ends_on__gte=since)
    if until := day(ends_to):
        qs = qs.filter(ends_on__lte=until)
    return qs


def count_per(rows: QuerySet[Any], *, key: str) -> Coalesce:
    """A correlated count of `rows` (already filtered on `key` = OuterRef("pk")) to annotate each outer row with:
    part of the list's one query, so a page of rows costs no query per row."""
    counted = rows.order_by().values(key).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
