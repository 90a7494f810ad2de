"""Money: grants disbursed and realised in the period, unspent at its end, by funding source and budget year;
and the IKS (solidarity fund) collected, used and its balance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from pendamping.dashboards.area import Area, list_url, within
from pendamping.dashboards.indicators.base import Figure
from pendamping.dashboards.period import Period
from pendamping.enterprise.models import IksEntry, Realisation
from pendamping.registry.models import Grant, Tranche


@dataclass(frozen=True)
class GrantRow:
    source: str
    year: int
    granted: int
    disbursed: int  # approved tranches up to the period's end
    realised: int  # spending recorded up to the period's end

    @property
    def unspent(self) -> int:
        return self.disbursed - self.realised


@dataclass(frozen=True)
class MoneyFigures:
    disbursed: Figure  # in the period
    realised: Figure  # in the period
    unspent: Figure  # at the period's end
    grants: list[GrantRow]
    iks_collected: Figure
    iks_used: Figure
    iks_balance: Figure


def _area(qs: QuerySet[Any], area: Area, group: str) -> QuerySet[Any]:
    return within(qs, area, regency=f"{group}__regency_id", desa=f"{group}__desa")


def _sums(qs: QuerySet[Any], keys: tuple[str, str]) -> dict[tuple[str, int], int]:
    rows = qs.order_by().values(*keys).annotate(total=Sum("amount")).values_list(*keys, "total")
    return {(source, year): total or 0 for source, year, total in rows}


def _grant_rows(user: Any, area: Area, period: Period) -> list[GrantRow]:
    grants = _area(Grant.objects.visible_to(user), area, "group").filter(year__lte=period.last_day.year)
    granted = _sums(grants, ("source", "year"))
    approved = Tranche.objects.visible_to(user).filter(status=Tranche.Status.APPROVED, disbursed_on__lt=period.end)
    disbursed = _sums(_area(approved, area, "grant__group"), ("grant__source", "grant__year"))
    spent = Realisation.objects.visible_to(user).filter(spent_on__lt=period.end)
    realised = _sums(_area(spent, area, "grant__group"), ("grant__source", "grant__year"))
    labels = dict(Grant.Source.choices)
    keys = sorted(set(granted) | set(disbursed), key=lambda k: (k[1], k[0]))
    return [
        GrantRow(str(labels.get(k[0], k[0])), k[1], granted.get(k, 0), disbursed.get(k, 0), realised.get(k, 0))
        for k in keys
    ]


def _in_period(qs: QuerySet[Any], field: str, period: Period) -> int:
    return int(
        qs.filter(**{f"{field}__gte": period.start, f"{field}__lt": period.end}).aggregate(t=Sum("amount"))["t"] or 0
    )


def _iks(user: Any, area: Area, period: Period) -> tuple[Figure, Figure, Figure]:
    """One scan of the ledger up to the period's end: the balance, and what came in and went out inside it."""
    entries = _area(IksEntry.objects.visible_to(user), area, "group").filter(on__lt=period.end)
    inflow, outflow, inside = Q(kind=IksEntry.Kind.IN), Q(kind=IksEntry.Kind.OUT), Q(on__gte=period.start)
    totals = {
        key: value or 0
        for key, value in entries.aggregate(
            inflow=Sum("amount", filter=inflow),
            outflow=Sum("amount", filter=outflow),
            collected=Sum("amount", filter=inflow & inside),
            used=Sum("amount", filter=outflow & inside),
        ).items()
    }
    days = {"on_from": period.start.isoformat(), "on_to": period.last_day.isoformat()}
    collected = list_url("enterprise:iks_entries", area, kind=IksEntry.Kind.IN, **days)
    used = list_url("enterprise:iks_entries", area, kind=IksEntry.Kind.OUT, **days)
    href = list_url("enterprise:iks_status", area)  # each KUBE's balance
    return (
        Figure(_("IKS collected"), totals["collected"], collected, "Rp", "iks_collected"),
        Figure(_("IKS used"), totals["used"], used, "Rp", "iks_used"),
        Figure(_("IKS balance at the period's end"), totals["inflow"] - totals["outflow"], href, "Rp", "iks_balance"),
    )


def money_figures(*, user: Any, area: Area, period: Period) -> MoneyFigures:
    approved = Tranche.objects.visible_to(user).filter(status=Tranche.Status.APPROVED)
    disbursed = _in_period(_area(approved, area, "grant__group"), "disbursed_on", period)
    realised = _in_period(_area(Realisation.objects.visible_to(user), area, "grant__group"), "spent_on", period)
    rows = _grant_rows(user, area, period)
    href = list_url("registry:grant_list", area)
    first, last = period.start.isoformat(), period.last_day.isoformat()
    # The grants whose tranches (or spending) make up the period's sum: the list behind each number.
    paid = list_url("registry:grant_list", area, disbursed_from=first, disbursed_to=last)
    spent = list_url("registry:grant_list", area, spent_from=first, spent_to=last)
    unspent = sum(r.unspent for r in rows)
    return MoneyFigures(
        Figure(_("Grants disbursed"), disbursed, paid, "Rp", "grants_disbursed"),
        Figure(_("Grant spending realised"), realised, spent, "Rp", "grants_realised"),
        Figure(_("Disbursed, not yet realised"), unspent, href, "Rp", "grants_unspent"),
        rows,
        *_iks(user, area, period),
    )
