"""The dashboard's charts, built from a Board: the headline's trend, report timeliness per child area, the
families' income change distribution and grant money by budget year. Each carries its numbers as a table."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pendamping.core.charts import Chart, Series
from pendamping.dashboards.board import Board


def trend_chart(board: Board) -> Chart:
    trend = board.companions.trend
    return Chart(
        kind="line",
        title=_("Companions performing well, by quarter"),
        categories=tuple(p.label for p in trend),
        series=(Series(_("performing well"), tuple(p.share for p in trend)),),
        unit="%",
        baseline=float(board.companions.baseline),
        baseline_label=_("baseline %(share)s %%") % {"share": board.companions.baseline},
    )


def timeliness_chart(board: Board) -> Chart:
    rows = [r for r in board.children if r.on_time + r.late + r.missing]  # areas with KUBE due to report
    return Chart(
        kind="bars",
        title=_("Monthly reports of %(month)s") % {"month": f"{board.groups.timeliness.month:%m/%Y}"},
        categories=tuple(r.name for r in rows),
        series=(
            Series(_("on time"), tuple(float(r.on_time) for r in rows)),
            Series(_("late"), tuple(float(r.late) for r in rows)),
            Series(_("missing"), tuple(float(r.missing) for r in rows)),
        ),
    )


def income_chart(board: Board) -> Chart:
    buckets = board.families.distribution
    return Chart(
        kind="bars",
        title=_("Families by income change since joining"),
        categories=tuple(label for label, _n in buckets),
        series=(Series(_("families"), tuple(float(n) for _label, n in buckets)),),
    )


def grants_chart(board: Board) -> Chart:
    years: dict[int, list[int]] = {}
    for row in board.money.grants:
        realised, unspent = years.setdefault(row.year, [0, 0])
        years[row.year] = [realised + row.realised, unspent + row.unspent]
    ordered = sorted(years)
    return Chart(
        kind="bars",
        title=_("Grant money disbursed, by budget year"),
        categories=tuple(str(y) for y in ordered),
        series=(
            Series(_("realised"), tuple(float(years[y][0]) for y in ordered)),
            Series(_("not yet realised"), tuple(float(years[y][1]) for y in ordered)),
        ),
        unit="Rp",
    )


def board_charts(board: Board) -> dict[str, Chart]:
    charts = {"trend": trend_chart(board), "income": income_chart(board), "grants": grants_chart(board)}
    if board.children:
        charts["timeliness"] = timeliness_chart(board)
    return charts
