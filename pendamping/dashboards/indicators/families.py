"""Families (KBS): how many, and how their income and welfare decile changed since joining a KUBE. The changes
come from `enterprise.WelfareChange` (one row per family, kept current by the welfare services), so the median
is one ordered offset on an index and the distribution one grouped count, even over a million families."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _

from pendamping.dashboards.area import Area, child_key, list_url, within
from pendamping.dashboards.indicators.base import Figure, counts_by, share
from pendamping.enterprise.models import WelfareChange
from pendamping.registry.models import Family

# Income change since joining, in percent of the baseline income: the distribution's buckets (lower bounds).
BUCKETS = (-50, -25, -10, 0, 10, 25, 50, 100)


@dataclass(frozen=True)
class FamilyFigures:
    families: Figure
    followed: Figure  # families with a baseline and a later record
    median_change: Figure  # Rp per month
    distribution: list[tuple[str, int]]  # bucket label -> families
    moved_up: Figure  # families whose welfare decile rose
    moved_down: Figure
    decile_shifts: list[tuple[int, int]]  # shift (-3..+3, clipped) -> families
    by_child: dict[str, int]  # child area code -> families


def _bucket_labels() -> list[str]:
    edges = list(BUCKETS)
    labels = [f"< {edges[0]} %"]
    labels += [f"{lo} … {hi} %" for lo, hi in zip(edges, edges[1:], strict=False)]
    return [*labels, f"≥ {edges[-1]} %"]


def _bucket() -> Case:
    whens = [When(change_pct__lt=edge, then=Value(i)) for i, edge in enumerate(BUCKETS)]
    return Case(When(change_pct=None, then=None), *whens, default=Value(len(BUCKETS)), output_field=IntegerField())


def _shift() -> Case:
    clipped = [When(decile_shift__lt=-3, then=Value(-3)), When(decile_shift__gt=3, then=Value(3))]
    return Case(*clipped, default="decile_shift", output_field=IntegerField())


def median(qs: QuerySet[Any], field: str, count: int) -> float | None:
    """The median of `field` over `qs` by ordered offsets in the database (two rows read, whatever the size)."""
    if not count:
        return None
    ordered = qs.order_by(field).values_list(field, flat=True)
    middle = list(ordered[(count - 1) // 2 : count // 2 + 1])
    return sum(middle) / len(middle)


def _changes(user: Any, area: Area) -> QuerySet[WelfareChange]:
    qs = WelfareChange.objects.visible_to(user)
    if area.level == "kecamatan":
        return qs.filter(kecamatan_id=area.code)
    return qs.filter(regency_id=area.code) if area.level == "regency" else qs


def _cross(changes: QuerySet[WelfareChange]) -> dict[tuple[int | None, int | None], int]:
    """(income-change bucket, decile shift) -> families: one scan gives the distribution, the shifts and the
    totals (a bucket or shift is None when its numbers are missing)."""
    rows = changes.order_by().annotate(b=_bucket(), s=_shift()).values("b", "s").annotate(n=Count("pk"))
    return {(r["b"], r["s"]): r["n"] for r in rows}


def _distribution(cross: dict[tuple[int | None, int | None], int]) -> list[tuple[str, int]]:
    counts = [sum(n for (b, _s), n in cross.items() if b == i) for i in range(len(BUCKETS) + 1)]
    return list(zip(_bucket_labels(), counts, strict=True))


def _deciles(cross: dict[tuple[int | None, int | None], int]) -> list[tuple[int, int]]:
    return [(shift, sum(n for (_b, s), n in cross.items() if s == shift)) for shift in range(-3, 4)]


def _counts(user: Any, area: Area) -> tuple[int, dict[str, int]]:
    """The area's families and, for an area with children, each child's: one grouped count, summed."""
    families = within(Family.objects.visible_to(user), area, regency="regency_id", desa="desa")
    key = child_key(area, regency="regency_id", desa="desa")
    if key is None:
        return families.count(), {}
    by_child = counts_by(families, key)
    return sum(by_child.values()), by_child


def family_figures(*, user: Any, area: Area) -> FamilyFigures:
    families, by_child = _counts(user, area)
    changes = _changes(user, area)
    cross = _cross(changes)
    followed = sum(cross.values())
    up = sum(n for (_b, s), n in cross.items() if s is not None and s > 0)
    down = sum(n for (_b, s), n in cross.items() if s is not None and s < 0)
    href = list_url("registry:family_list", area)
    welfare = list_url("enterprise:welfare_list", area)
    return FamilyFigures(
        families=Figure(_("Families (KBS)"), families, href, "", "families"),
        followed=Figure(_("Families followed up since joining"), followed, welfare, "", "followed"),
        median_change=Figure(
            _("Median income change since joining, per month"),
            median(changes, "income_change", followed),
            welfare,  # the list in the order of the change: the median sits in its middle
            "Rp",
            "median_income_change",
        ),
        distribution=_distribution(cross),
        moved_up=Figure(
            _("Moved up a welfare decile"),
            share(up, followed),
            list_url("enterprise:welfare_list", area, shift="up"),
            "%",
            "moved_up",
        ),
        moved_down=Figure(
            _("Moved down a welfare decile"),
            share(down, followed),
            list_url("enterprise:welfare_list", area, shift="down"),
            "%",
            "moved_down",
        ),
        decile_shifts=_deciles(cross),
        by_child=by_child,
    )
