"""The area and period filters the briefing and internship lists share. The dashboards' pipeline figures link to
these lists with `regency`, `kecamatan` (the area) and `ends_from`, `ends_to` (the period, on the batch's or the
round's last day), so a figure opens the rows it counts. Malformed values are no filter: a forged one can narrow
a list, never widen it past `visible_to`."""

from typing import Any, TypeVar

from django.db.models import Count, IntegerField, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from pendamping.core.filters import Days, region_code

QS = TypeVar("QS", bound=QuerySet[Any])


def companion_area(*, regency: str, kecamatan: str) -> Q | None:
    """The rows (participants, placements) whose companion is in the area, looked up as the dashboards count them:
    a kecamatan by the companion's home village, whatever regency they serve (the dashboards send its regency
    along only as the selects' parent); a regency by the regency of service. None when no code is well-formed."""
    if code := region_code(kecamatan, 2):
        return Q(companion__home_desa__parent_id=code)
    if code := region_code(regency, 1):
        return Q(companion__regency_id=code)
    return None


def ending_between(qs: QS, *, ends_from: str, ends_to: str) -> QS:
    """Rows whose `ends_on` is within the bounds, both inclusive (the dashboards' period: start..last day)."""
    return qs.filter(Days.of(ends_from, ends_to).q("ends_on"))


def count_per(rows: QuerySet[Any], *, key: str) -> Coalesce:
    """A correlated count of `rows` (already filtered on `key` = OuterRef("pk")) to annotate each outer row with:
    part of the list's one query, so a page of rows costs no query per row."""
    counted = rows.order_by().values(key).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
