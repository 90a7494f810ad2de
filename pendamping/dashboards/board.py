"""A whole dashboard: every indicator of an area and a period, and the table of its child areas (regencies of
the province, kecamatan of a regency) or, for a kecamatan, its KUBE. The page, the API and the reports read it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Case, CharField, Count, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from pendamping.companions.models import Appraisal, Assignment
from pendamping.dashboards.area import KECAMATAN, PROVINCE, Area, child_key, regencies_in_scope, within
from pendamping.dashboards.indicators.base import Figure, share
from pendamping.dashboards.indicators.companions import CompanionFigures, companion_figures
from pendamping.dashboards.indicators.evaluation import EvaluationHeadline, evaluation_headline
from pendamping.dashboards.indicators.families import FamilyFigures, family_figures
from pendamping.dashboards.indicators.groups import GroupFigures, area_groups, group_figures
from pendamping.dashboards.indicators.money import MoneyFigures, money_figures
from pendamping.dashboards.indicators.partners import PartnerFigures, partner_figures
from pendamping.dashboards.period import Period
from pendamping.enterprise.selectors.reports import late_from
from pendamping.regions.models import Region
from pendamping.registry.models import Group


@dataclass(frozen=True)
class ChildRow:
    code: str
    name: str
    href: str  # the child's own dashboard
    families: int
    active_groups: int
    covered: float | None  # % of active KUBE with a partner
    on_time: int
    late: int
    missing: int
    performing_well: float | None  # % of the quarter's appraised companions


@dataclass(frozen=True)
class Board:
    area: Area
    period: Period
    companions: CompanionFigures
    groups: GroupFigures
    money: MoneyFigures
    partners: PartnerFigures
    families: FamilyFigures
    evaluation: EvaluationHeadline | None
    children: list[ChildRow] = field(default_factory=list)
    kube: QuerySet[Group] | None = None  # a kecamatan's KUBE, with last report status


def _child_regions(user: Any, area: Area) -> QuerySet[Region]:
    if area.level == PROVINCE:
        return regencies_in_scope(user)
    return Region.objects.filter(parent_id=area.code).order_by("code")


def _well_by_child(user: Any, area: Area, quarter: dt.date) -> dict[str, float | None]:
    """Each child area's share performing well in the headline's quarter (the same quarter as the headline)."""
    quarter_final = Appraisal.objects.visible_to(user).filter(status=Appraisal.Status.FINAL, period=quarter)
    final = within(quarter_final, area, regency="regency_id", desa="companion__home_desa")
    key = child_key(area, regency="regency_id", desa="companion__home_desa")
    if key is None:
        return {}
    rows = final.order_by().values(key).annotate(n=Count("pk"), well=Count("pk", filter=Q(performing_well=True)))
    return {r[key]: share(r["well"], r["n"]) for r in rows}


def _children(user: Any, board: Board) -> list[ChildRow]:
    area = board.area
    families = board.families.by_child
    well = _well_by_child(user, area, board.companions.quarter)
    rows = []
    for region in _child_regions(user, area):
        active, covered = board.partners.by_child.get(region.code, (0, 0))
        on_time, late, missing = board.groups.timeliness.by_child.get(region.code, (0, 0, 0))
        href = reverse("dashboards:area", args=[region.code]) + f"?period={board.period.key}"
        rows.append(
            ChildRow(
                region.code,
                region.name,
                href,
                families.get(region.code, 0),
                active,
                share(covered, active),
                on_time,
                late,
                missing,
                well.get(region.code),
            )  # fmt: skip
        )
    return rows


def kecamatan_groups(user: Any, area: Area, period: Period) -> QuerySet[Group]:
    """The kecamatan's KUBE with their level, their companion and the status of the period's report month."""
    month = period.report_month()
    groups = area_groups(user, area).annotate(
        month=FilteredRelation("monthly_reports", condition=Q(monthly_reports__period=month))
    )
    status = Case(
        When(~Q(status=Group.Status.ACTIVE) | Q(founded_on__gt=month), then=Value("")),
        When(month__id__isnull=True, then=Value("missing")),
        When(month__submitted_at__gte=late_from(month), then=Value("late")),
        default=Value("on_time"),
        output_field=CharField(),
    )
    # The KUBE's companion now (at most one open assignment per KUBE): the drill-down's last step to a person.
    assigned = Assignment.objects.filter(group=OuterRef("pk"), ended_on__isnull=True)
    return (
        groups.annotate(
            report_id=F("month__id"),
            report_status=status,
            level_name=F("score__level_name"),
            outstanding=F("score__outstanding"),
            companion_id=Subquery(assigned.values("companion_id")[:1]),
            companion_name=Subquery(assigned.values("companion__name")[:1]),
        )
        .select_related("desa")
        .order_by("name", "id")
    )


def dashboard(*, user: Any, area: Area, period: Period) -> Board:
    board = Board(
        area=area,
        period=period,
        companions=companion_figures(user=user, area=area, period=period),
        groups=group_figures(user=user, area=area, period=period),
        money=money_figures(user=user, area=area, period=period),
        partners=partner_figures(user=user, area=area, period=period),
        families=family_figures(user=user, area=area),
        evaluation=evaluation_headline(user=user) if area.level == PROVINCE else None,
    )
    if area.level == KECAMATAN:
        return replace(board, kube=kecamatan_groups(user, area, period))
    return replace(board, children=_children(user, board))


def board_figures(board: Board) -> list[tuple[str, Figure]]:
    """Every single number of the board with its section's title, in the page's order (the API and the workbook)."""
    c, g, t, m, p, f = (
        board.companions,
        board.groups,
        board.groups.timeliness,
        board.money,
        board.partners,
        board.families,
    )
    sections: list[tuple[str, list[Figure]]] = [
        (_("Companions"), [c.headline, c.appraised, *c.by_status, *c.pipeline]),
        (_("KUBE"), [*g.by_status, *g.by_level, g.outstanding, g.graduated]),
        (_("Monthly reports"), [t.on_time, t.late, t.missing]),
        (_("Grants and IKS"), [m.disbursed, m.realised, m.unspent, m.iks_collected, m.iks_used, m.iks_balance]),
        (_("Partnerships"), [p.coverage, p.covered, *p.by_type]),
        (_("Families"), [f.families, f.followed, f.median_change, f.moved_up, f.moved_down]),
    ]
    return [(section, figure) for section, figures in sections for figure in figures]
