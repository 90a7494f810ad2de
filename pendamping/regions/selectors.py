import math
import time
from collections.abc import Iterable

from django.db.models import QuerySet

from pendamping.regions.models import Region


def regencies() -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.REGENCY).order_by("code")


def region_children(*, parent_code: str, level: str) -> QuerySet[Region]:
    return Region.objects.filter(parent_id=parent_code, level=level).order_by("name")


def village_search(*, query: str, regency_codes: list[str] | None = None, limit: int = 20) -> QuerySet[Region]:
    """Villages by name or code, optionally inside some regencies (for pickers)."""
    qs = Region.objects.filter(level=Region.Level.VILLAGE).select_related("parent", "parent__parent")
    if regency_codes is not None:
        qs = qs.filter(parent__parent_id__in=regency_codes)
    q = query.strip()
    qs = qs.filter(code__startswith=q) if q[:2].isdigit() else qs.filter(name__icontains=q)
    return qs.order_by("name", "code")[:limit]


def known_nik_prefixes() -> set[str]:
    return {r.code.replace(".", "") for r in Region.objects.filter(level=Region.Level.DISTRICT).only("code")}


LOOKUP_SECONDS = 300.0  # how long a process trusts its copy of the region names


class RegionLookup:
    """code -> (name, parent code or "") of every region (9,199 in Jawa Timur, about a megabyte), read once per
    process and again after LOOKUP_SECONDS, or at once when a code asked for is missing (a region loaded since).
    The API's busiest list names each family's desa, kecamatan and regency from it instead of joining the region
    table three times on every request. A region renamed (a new Kepmendagri edition, the admin site) shows its old
    name in such lists for at most LOOKUP_SECONDS in processes that read it before."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple[str, str]] = {}
        self._read_at = -math.inf

    def of(self, codes: Iterable[str]) -> dict[str, tuple[str, str]]:
        rows = self._rows
        if time.monotonic() - self._read_at > LOOKUP_SECONDS or any(code not in rows for code in codes):
            regions = Region.objects.values_list("code", "name", "parent")
            rows = {code: (name, parent or "") for code, name, parent in regions}
            self._rows, self._read_at = rows, time.monotonic()
        return rows

    def forget(self) -> None:
        self._read_at = -math.inf


region_lookup = RegionLookup()
