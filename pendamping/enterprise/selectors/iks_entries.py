"""The IKS ledger across KUBE: every contribution and use in the user's scope, by region, kind and day; the rows
behind the dashboards' "IKS collected" and "IKS used" of an area and a period, with their sum."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum

from pendamping.core.filters import Days, in_region
from pendamping.enterprise.models import IksEntry


@dataclass(frozen=True)
class IksEntryFilters:
    regency: str = ""
    kecamatan: str = ""
    desa: str = ""
    kind: str = ""  # "in" (contribution) or "out" (use)
    on_from: str = ""  # YYYY-MM-DD, inclusive
    on_to: str = ""

    @classmethod
    def from_params(cls, params: Any) -> "IksEntryFilters":
        return cls(**{k: str(params.get(k, "") or "").strip()[:20] for k in cls.__dataclass_fields__})


def iks_entry_list(*, user: Any, filters: IksEntryFilters) -> QuerySet[IksEntry]:
    """Newest first. The region is the KUBE's, as the dashboards count it; malformed filters filter nothing."""
    qs = IksEntry.objects.visible_to(user).select_related("group", "group__desa", "group__regency")
    f = filters
    qs = in_region(
        qs,
        regency=f.regency,
        kecamatan=f.kecamatan,
        desa=f.desa,
        regency_field="group__regency_id",
        desa_field="group__desa",
    )
    if filters.kind in IksEntry.Kind.values:
        qs = qs.filter(kind=filters.kind)
    return qs.filter(Days.of(filters.on_from, filters.on_to).q("on")).order_by("-on", "-id")


def iks_entry_totals(entries: QuerySet[IksEntry]) -> dict[str, int]:
    """The rupiah of the listed contributions and uses, apart (one aggregate over the same filters)."""
    sums = entries.order_by().aggregate(
        contributed=Sum("amount", filter=Q(kind=IksEntry.Kind.IN)), used=Sum("amount", filter=Q(kind=IksEntry.Kind.OUT))
    )
    return {key: int(value or 0) for key, value in sums.items()}
