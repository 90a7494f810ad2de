"""Reads of a grant's use: planned against realised per RAB item, spending outside the plan, the unspent balance.
Sums are computed by the database, a fixed number of queries whatever the number of items."""

from dataclasses import dataclass
from typing import Any

from django.db.models import F, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from pendamping.enterprise.models import PlanItem, Realisation
from pendamping.registry.models import Grant, Group, Tranche

__all__ = [
    "GrantUse",
    "ItemUse",
    "grant_use_by_grant",
    "grant_use_summary",
    "plan_item_get",
    "realisation_get",
]


@dataclass(frozen=True)
class ItemUse:
    item: PlanItem
    planned: int
    realised: int

    @property
    def difference(self) -> int:
        """Planned minus realised: positive is still to spend, negative is overspent on this item."""
        return self.planned - self.realised


@dataclass(frozen=True)
class GrantUse:
    grant: Grant
    items: list[ItemUse]
    unplanned: list[Realisation]  # spending recorded against no plan item
    realisations: list[Realisation]  # all of them, by date
    amount: int
    planned: int
    disbursed: int  # approved tranches only
    realised: int

    @property
    def unspent(self) -> int:
        return self.amount - self.realised

    @property
    def unplanned_total(self) -> int:
        return sum(r.amount for r in self.unplanned)


def _sum(qs: QuerySet[Any], field: str) -> Any:
    """The sum of `field` over `qs` (already filtered on OuterRef("pk")), as a correlated subquery (0 if none):
    a subquery per sum, not a join, so the plan's rows do not multiply the realisations' (or the reverse)."""
    total = qs.order_by().values("grant_id").annotate(s=Sum(field)).values("s")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def _with_sums(qs: QuerySet[Grant]) -> QuerySet[Any]:
    return qs.annotate(
        planned=_sum(PlanItem.objects.filter(grant=OuterRef("pk")), "total"),
        realised=_sum(Realisation.objects.filter(grant=OuterRef("pk")), "amount"),
        disbursed=_sum(Tranche.objects.filter(grant=OuterRef("pk"), status=Tranche.Status.APPROVED), "amount"),
    )


def grant_use_summary(*, grant: Grant) -> GrantUse:
    """Three queries: the grant's totals, its plan items with what was spent on each, and its realisations."""
    totals = _with_sums(Grant.objects.filter(pk=grant.pk)).values("amount", "planned", "realised", "disbursed").get()
    items = PlanItem.objects.filter(grant=grant).annotate(
        realised=Coalesce(Sum("realisations__amount"), 0, output_field=IntegerField())
    )
    spending = list(
        Realisation.objects.filter(grant=grant).select_related("plan_item", "entered_by").order_by("spent_on", "id")
    )
    return GrantUse(
        grant=grant,
        items=[ItemUse(item=item, planned=item.total, realised=item.realised) for item in items],
        unplanned=[r for r in spending if r.plan_item_id is None],
        realisations=spending,
        **totals,
    )


def grant_use_by_grant(*, group: Group) -> QuerySet[Any]:
    """The KUBE's grants, each with `planned`, `realised`, `disbursed` (approved tranches) and `unspent` (the
    grant minus what was spent): one query."""
    return _with_sums(group.grants.all()).annotate(unspent=F("amount") - F("realised")).order_by("-year", "id")


def plan_items_by_grant(*, group: Group) -> dict[int, list[ItemUse]]:
    """Every plan item of the KUBE's grants with what was spent on it, by grant id: one query."""
    items = (
        PlanItem.objects.filter(grant__group=group)
        .annotate(realised=Coalesce(Sum("realisations__amount"), 0, output_field=IntegerField()))
        .order_by("grant_id", "position", "id")
    )
    found: dict[int, list[ItemUse]] = {}
    for item in items:
        found.setdefault(item.grant_id, []).append(ItemUse(item=item, planned=item.total, realised=item.realised))
    return found


def plan_item_get(*, user: Any, pk: Any) -> PlanItem:
    """Raises PlanItem.DoesNotExist when absent or out of the user's scope (a 404 either way)."""
    return PlanItem.objects.visible_to(user).select_related("grant__group").get(pk=pk)


def realisation_get(*, user: Any, pk: Any) -> Realisation:
    return Realisation.objects.visible_to(user).select_related("grant__group").get(pk=pk)
