"""The regency map's indicators: one number per kabupaten/kota in the user's scope, and where each regency's
number leads (its dashboard on a click; from the table, the list behind it with the same filters).

Counts (families, KUBE) are counted here in the database, as they stand today. Shares (companions performing
well, partner coverage, monthly reports on time or missing) are what the dashboard judges for a period, so they
are read off the province board's snapshot (snapshots.py) instead of being counted anew: the map shows the
dashboard's very numbers and costs no more than the dashboard at province scale."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pendamping.companions.appraisal_rules import quarter_key, quarter_label
from pendamping.companions.models import Appraisal
from pendamping.dashboards.area import REGENCY, Area, list_url, province, regencies_in_scope
from pendamping.dashboards.board import ChildRow
from pendamping.dashboards.indicators.base import share
from pendamping.dashboards.period import Period
from pendamping.dashboards.snapshots import board_snapshot
from pendamping.registry.models import Family, Group

Params = Callable[["RegencyValues"], dict[str, str]]


def _no_params(_values: RegencyValues) -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class Indicator:
    key: str
    title: Any  # lazy text
    list_url: str  # the list page behind a regency's number
    params: Params  # that list's filters besides the regency
    unit: ClassVar[str] = ""


@dataclass(frozen=True)
class CountIndicator(Indicator):
    rows: Callable[[Any], QuerySet[Any]]  # the user's rows of the indicator, each with a regency_id


@dataclass(frozen=True)
class ShareIndicator(Indicator):
    read: Callable[[ChildRow], float | None]  # the share in the regency's row of the province board
    basis: Callable[[RegencyValues], str]  # what the colours are for, said under the map
    unit: ClassVar[str] = "%"


@dataclass(frozen=True)
class RegencyValues:
    indicator: CountIndicator | ShareIndicator
    period: Period
    values: dict[str, float | None]  # regency code -> value (None: nothing to share); absent: out of scope
    counted_at: dt.datetime
    quarter: dt.date  # the board's headline quarter, whose final appraisals are judged
    month: dt.date  # the board's report month, whose monthly reports are judged

    @property
    def basis(self) -> str:
        if isinstance(self.indicator, ShareIndicator):
            return self.indicator.basis(self)
        return gettext("Counted now, whatever the period: the period applies to the shares (%) only.")

    def board_href(self, code: str) -> str:
        """The regency's dashboard; a share's for the same period, so the click lands on the same number."""
        url = reverse("dashboards:area", args=[code])
        return f"{url}?period={self.period.key}" if isinstance(self.indicator, ShareIndicator) else url

    def list_href(self, code: str) -> str:
        area = Area(REGENCY, code, code, code, code)  # the lists select a regency by its code alone
        return list_url(self.indicator.list_url, area, **self.indicator.params(self))


def _of_quarter(found: RegencyValues) -> str:
    label = {"quarter": quarter_label(found.quarter)}
    if found.quarter == found.period.quarters[-1]:
        return gettext("Final appraisals of %(quarter)s, the period's last quarter.") % label
    # The dashboard falls back to the newest quarter appraised while the period's last has no final appraisal.
    return gettext("Final appraisals of %(quarter)s, the newest quarter appraised so far.") % label


def _on_last_day(found: RegencyValues) -> str:
    day = date_format(found.period.last_day, "SHORT_DATE_FORMAT")
    return gettext("Active KUBE with a running partnership on %(day)s, the period's last day.") % {"day": day}


def _of_month(found: RegencyValues) -> str:
    month = f"{found.month:%m/%Y}"
    return gettext("Monthly reports of %(month)s expected from active KUBE, the period's report month.") % {
        "month": month
    }


def _reports_read(status: str) -> Callable[[ChildRow], float | None]:
    """A status's share of the reports expected (None when none was)."""
    return lambda row: share(getattr(row, status), row.on_time + row.late + row.missing)


def _reports_params(status: str) -> Params:
    return lambda found: {"period": f"{found.month:%Y-%m}", "status": status}


def _appraisals(found: RegencyValues) -> dict[str, str]:
    return {"performing": "yes", "period": quarter_key(found.quarter), "status": Appraisal.Status.FINAL}


COUNTS: tuple[CountIndicator, ...] = (
    CountIndicator("families", _("Families (KBS)"), "registry:family_list", _no_params, rows=Family.objects.visible_to),
    CountIndicator("groups", _("KUBE, every status"), "registry:group_list", _no_params, rows=Group.objects.visible_to),
    CountIndicator(
        "active_groups",
        _("Active KUBE"),
        "registry:group_list",
        lambda _found: {"status": Group.Status.ACTIVE},
        rows=lambda u: Group.objects.visible_to(u).filter(status=Group.Status.ACTIVE),
    ),
)
SHARES: tuple[ShareIndicator, ...] = (
    ShareIndicator(
        "performing_well",
        _("Companions performing well"),
        "companions:appraisal_list",
        _appraisals,
        read=lambda row: row.performing_well,
        basis=_of_quarter,
    ),
    ShareIndicator(
        "coverage",
        _("Active KUBE with a partner"),
        "partnerships:coverage",
        _no_params,
        read=lambda row: row.covered,
        basis=_on_last_day,
    ),
    *(
        ShareIndicator(
            f"reports_{status}",
            title,
            "enterprise:report_timeliness",
            _reports_params(status),
            read=_reports_read(status),
            basis=_of_month,
        )
        for status, title in (("on_time", _("Monthly reports on time")), ("missing", _("Monthly reports missing")))
    ),
)
INDICATORS: dict[str, CountIndicator | ShareIndicator] = {**{i.key: i for i in COUNTS}, **{i.key: i for i in SHARES}}


def _counts(user: Any, indicator: CountIndicator) -> dict[str, float | None]:
    counts = indicator.rows(user).order_by().values("regency_id").annotate(n=Count("pk"))
    values: dict[str, float | None] = dict.fromkeys(regencies_in_scope(user).values_list("code", flat=True), 0)
    values.update({row["regency_id"]: row["n"] for row in counts if row["regency_id"] in values})
    return values


def regency_values(*, user: Any, indicator: CountIndicator | ShareIndicator, period: Period) -> RegencyValues:
    """Regency code -> the indicator: a count is 0 in a regency of the user's scope with nothing counted, a share
    None there (a share of nobody); a regency out of scope is absent. Counts ignore the period."""
    if isinstance(indicator, ShareIndicator):
        board, counted_at = board_snapshot(user=user, area=province(), period=period)
        values = {row.code: indicator.read(row) for row in board.children}
        quarter, month = board.companions.quarter, board.groups.timeliness.month
        return RegencyValues(indicator, period, values, counted_at, quarter, month)
    counts = _counts(user, indicator)
    return RegencyValues(indicator, period, counts, timezone.now(), period.quarters[-1], period.report_month())
