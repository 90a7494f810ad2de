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
