"""KUBE: by status and by classification level, the outstanding and the graduated ones, and the monthly reports'
timeliness (on time, late, missing) of the period's report month, in all and per child area."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.utils.translation import gettext as _

from pendamping.dashboards.area import Area, child_key, list_url, within
from pendamping.dashboards.indicators.base import Figure, counts_by
from pendamping.dashboards.period import Period
from pendamping.enterprise.models import GroupScore
from pendamping.enterprise.selectors.reports import late_from
from pendamping.registry.models import Group


@dataclass(frozen=True)
class Timeliness:
    month: dt.date
    on_time: Figure
    late: Figure
    missing: Figure
    by_child: dict[str, tuple[int, int, int]]  # child area code -> (on time, late, missing)


@dataclass(frozen=True)
class GroupFigures:
    by_status: list[Figure]
    by_level: list[Figure]
    outstanding: Figure
    graduated: Figure  # graduated (mandiri) during the period
    timeliness: Timeliness


def area_groups(user: Any, area: Area) -> QuerySet[Group]:
    return within(Group.objects.visible_to(user), area, regency="regency_id", desa="desa")


def _levels(user: Any, area: Area) -> tuple[list[Figure], Figure]:
    scores = within(GroupScore.objects.visible_to(user), area, regency="regency_id", desa="group__desa")
    rows = scores.order_by().values("level_position", "level_name").annotate(n=Count("pk"))
    levels = [
        Figure(
            r["level_name"],
            r["n"],
            list_url("enterprise:classification", area, level=r["level_position"]),
            "",
            f"level_{r['level_position']}",  # a rubric's own names vary; its positions are the stable keys
        )
        for r in sorted(rows, key=lambda r: r["level_position"])
    ]
    outstanding = scores.filter(outstanding=True).count()
    href = list_url("enterprise:classification", area, outstanding="1")
    return levels, Figure(_("Outstanding KUBE (berprestasi)"), outstanding, href, "", "outstanding")


def timeliness(user: Any, area: Area, month: dt.date) -> Timeliness:
    """Active KUBE founded by the month: its report on time, late or missing (the rules of the timeliness page)."""
    groups = area_groups(user, area).filter(status=Group.Status.ACTIVE, founded_on__lte=month)
    joined = groups.annotate(month=FilteredRelation("monthly_reports", condition=Q(monthly_reports__period=month)))
    deadline = late_from(month)
    counts = {
        "on_time": Count("pk", filter=Q(month__submitted_at__lt=deadline)),
        "late": Count("pk", filter=Q(month__submitted_at__gte=deadline)),
        "missing": Count("pk", filter=Q(month__id__isnull=True)),
    }
    key = child_key(area, regency="regency_id", desa="desa")
    by_child: dict[str, tuple[int, int, int]] = {}
    if key:  # one grouped count; the area's total is the sum of its children's
        for r in joined.order_by().values(key).annotate(**counts):
            by_child[r[key]] = (r["on_time"], r["late"], r["missing"])
        total = {status: sum(row[i] for row in by_child.values()) for i, status in enumerate(counts)}
    else:
        total = joined.aggregate(**counts)
    params = {"period": f"{month:%Y-%m}", "regency": area.filters.get("regency", "")}

    def figure(status: str, label: str) -> Figure:
        href = list_url("enterprise:report_timeliness", area, **params, status=status)
        return Figure(label, total[status], href, "", status)

    return Timeliness(
        month, figure("on_time", _("on time")), figure("late", _("late")), figure("missing", _("missing")), by_child
    )


def group_figures(*, user: Any, area: Area, period: Period) -> GroupFigures:
    groups = area_groups(user, area)
    counts = counts_by(groups, "status")
    by_status = [
        Figure(str(label), counts.get(code, 0), list_url("registry:group_list", area, status=code), "", f"kube_{code}")
        for code, label in Group.Status.choices
    ]
    graduated = groups.filter(
        status=Group.Status.GRADUATED, status_changed_on__gte=period.start, status_changed_on__lt=period.end
    ).count()
    levels, outstanding = _levels(user, area)
    days = {"changed_from": period.start.isoformat(), "changed_to": period.last_day.isoformat()}
    href = list_url("registry:group_list", area, status=Group.Status.GRADUATED, **days)
    return GroupFigures(
        by_status=by_status,
        by_level=levels,
        outstanding=outstanding,
        # Its own key: "graduated" is already the KUBE counted by status, whenever they graduated.
        graduated=Figure(_("Graduated in the period"), graduated, href, "", "graduated_in_period"),
        timeliness=timeliness(user, area, period.report_month()),
    )
