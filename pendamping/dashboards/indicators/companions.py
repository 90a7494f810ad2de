"""Companions: the headline (share performing well against the 20 % baseline) and its trend by quarter, the
companions by lifecycle status, and the progress of recruitment, briefing and internship in the period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from pendamping.companions.appraisal_rules import add_quarters, quarter_key, quarter_label
from pendamping.companions.models import Application, Appraisal, Companion, Participant, Placement
from pendamping.companions.selectors.appraisal import BASELINE, TREND_QUARTERS
from pendamping.dashboards.area import Area, list_url, within
from pendamping.dashboards.indicators.base import Figure, counts_by, share
from pendamping.dashboards.period import Period


@dataclass(frozen=True)
class TrendPoint:
    label: str
    appraised: int
    performing_well: int
    share: float | None


@dataclass(frozen=True)
class CompanionFigures:
    headline: Figure
    appraised: Figure
    baseline: int
    quarter: dt.date  # the headline's quarter: the period's last, or the newest appraised before it
    quarter_label: str
    earlier: bool  # the period's last quarter has no final appraisals yet: the headline is an earlier quarter's
    trend: list[TrendPoint]
    by_status: list[Figure]
    pipeline: list[Figure]  # recruitment, briefing, internship in the period


def _appraisals(user: Any, area: Area) -> QuerySet[Appraisal]:
    final = Appraisal.objects.visible_to(user).filter(status=Appraisal.Status.FINAL)
    return within(final, area, regency="regency_id", desa="companion__home_desa")


def _trend(appraisals: QuerySet[Appraisal], last: dt.date) -> list[tuple[dt.date, TrendPoint]]:
    since = add_quarters(last, 1 - TREND_QUARTERS)
    rows = (
        appraisals.filter(period__range=(since, last))
        .order_by()
        .values("period")
        .annotate(n=Count("pk"), well=Count("pk", filter=Q(performing_well=True)))
    )
    found = {r["period"]: (r["n"], r["well"]) for r in rows}
    points = []
    for quarter in (add_quarters(since, i) for i in range(TREND_QUARTERS)):
        appraised, well = found.get(quarter, (0, 0))
        points.append((quarter, TrendPoint(quarter_label(quarter), appraised, well, share(well, appraised))))
    return points


def _newest_appraised(trend: list[tuple[dt.date, TrendPoint]]) -> tuple[dt.date, TrendPoint]:
    """The period's last quarter, or while its appraisals are not final yet (a quarter is appraised after it
    ends) the newest quarter of the trend that has them: a leader opening this quarter's board sees the latest
    known share, labelled with its quarter, instead of a dash."""
    appraised = [(quarter, point) for quarter, point in trend if point.appraised]
    return appraised[-1] if appraised else trend[-1]


def _headline(user: Any, area: Area, period: Period) -> tuple[Figure, Figure, dt.date, list[TrendPoint]]:
    trend = _trend(_appraisals(user, area), period.quarters[-1])
    quarter, point = _newest_appraised(trend)
    params = {"period": quarter_key(quarter), "status": Appraisal.Status.FINAL}
    headline = Figure(
        _("Companions performing well"),
        point.share,
        list_url("companions:appraisal_list", area, performing="yes", **params),
        "%",
        "performing_well_share",
    )
    appraised = Figure(
        _("Companions appraised"),
        point.appraised,
        list_url("companions:appraisal_list", area, **params),
        "",
        "appraised",
    )
    return headline, appraised, quarter, [p for _q, p in trend]


def _by_status(user: Any, area: Area) -> list[Figure]:
    qs = within(Companion.objects.visible_to(user), area, regency="regency_id", desa="home_desa")
    counts = counts_by(qs, "status")
    return [
        Figure(
            str(label),
            counts.get(code, 0),
            list_url("companions:companion_list", area, status=code),
            "",
            f"companions_{code}",
        )
        for code, label in Companion.Status.choices
    ]


def _pipeline(user: Any, area: Area, period: Period) -> list[Figure]:
    days = (period.start, period.last_day)
    applications = within(Application.objects.visible_to(user), area, regency="regency_id", desa="home_desa")
    applications = applications.filter(created_at__date__range=days)
    apps = counts_by(applications, "status")
    participants = within(
        Participant.objects.visible_to(user), area, regency="companion__regency_id", desa="companion__home_desa"
    ).filter(briefing__ends_on__range=days)
    placements = within(
        Placement.objects.visible_to(user), area, regency="companion__regency_id", desa="companion__home_desa"
    ).filter(round__ends_on__range=days)
    done = placements.filter(status=Placement.Status.COMPLETED)
    dates = {"received_from": period.start.isoformat(), "received_to": period.last_day.isoformat()}
    received = list_url("companions:application_all", area, **dates)
    accepted = list_url("companions:application_all", area, **dates, status=Application.Status.ACCEPTED)
    # The batches and rounds that ended in the period with people of the area; each row counts them.
    ended = {"ends_from": period.start.isoformat(), "ends_to": period.last_day.isoformat()}
    batches = list_url("companions:briefing_list", area, **ended)
    rounds = list_url("companions:round_list", area, **ended)
    briefed = participants.aggregate(n=Count("pk"), done=Count("pk", filter=Q(completed=True)))
    return [
        Figure(_("Applications received"), sum(apps.values()), received, "", "applications"),
        Figure(_("Applications accepted"), apps.get(Application.Status.ACCEPTED, 0), accepted, "", "accepted"),
        Figure(_("Briefing participants"), briefed["n"], batches, "", "briefed"),
        Figure(_("Briefing completed"), briefed["done"], batches, "", "completed"),
        Figure(_("Internship placements"), placements.count(), rounds, "", "placed"),
        Figure(_("Internships finished"), done.count(), rounds, "", "interned"),
    ]


def companion_figures(*, user: Any, area: Area, period: Period) -> CompanionFigures:
    headline, appraised, quarter, trend = _headline(user, area, period)
    return CompanionFigures(
        headline=headline,
        appraised=appraised,
        baseline=BASELINE,
        quarter=quarter,
        quarter_label=quarter_label(quarter),
        earlier=quarter != period.quarters[-1],
        trend=trend,
        by_status=_by_status(user, area),
        pipeline=_pipeline(user, area, period),
    )
