"""The families' welfare change since joining a KUBE, as a list: the rows behind the dashboards' family figures
(followed up, moved up or down a welfare decile), so an officer can open them and see who is worse off."""

from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet

from pendamping.core.filters import region_code
from pendamping.enterprise.models import WelfareChange

SHIFTS = {"up": {"decile_shift__gt": 0}, "down": {"decile_shift__lt": 0}, "same": {"decile_shift": 0}}
ORDERS = {
    "change": (F("income_change").asc(), "family_id"),  # the worst off first: the default
    "-change": (F("income_change").desc(), "family_id"),
    "pct": (F("change_pct").asc(nulls_last=True), "family_id"),
    "-pct": (F("change_pct").desc(nulls_last=True), "family_id"),
}


@dataclass(frozen=True)
class WelfareFilters:
    regency: str = ""
    kecamatan: str = ""
    desa: str = ""
    shift: str = ""  # up, down or same (decile); anything else: every family followed up
    order: str = ""

    @classmethod
    def from_params(cls, params: Any) -> "WelfareFilters":
        return cls(**{k: str(params.get(k, "") or "").strip()[:20] for k in cls.__dataclass_fields__})


def welfare_change_list(*, user: Any, filters: WelfareFilters) -> QuerySet[WelfareChange]:
    """Families with a record at joining and a later one, in the user's regencies. Region codes are taken only in
    their exact shape, so a forged filter can narrow the list but never widen it."""
    qs = WelfareChange.objects.visible_to(user).select_related("family", "family__desa", "kecamatan", "regency")
    if code := region_code(filters.regency, 1):
        qs = qs.filter(regency_id=code)
    if code := region_code(filters.kecamatan, 2):
        qs = qs.filter(kecamatan_id=code)
    if code := region_code(filters.desa, 3):
        qs = qs.filter(family__desa_id=code)
    if filters.shift in SHIFTS:
        qs = qs.filter(**SHIFTS[filters.shift])
    return qs.order_by(*ORDERS.get(filters.order, ORDERS["change"]))
