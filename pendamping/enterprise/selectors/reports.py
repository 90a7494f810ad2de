"""Reads of the monthly UEP reports: the scoped list, one report, a KUBE's last months with their gaps, and the
timeliness of a month across the KUBE a user sees (counted by the database: a province has 100,000 KUBE)."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, Count, F, FilteredRelation, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.enterprise.models import EnterpriseSettings, MonthlyReport, PeriodLock
from pendamping.registry.models import Group

ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_MAX_ID = 2**63 - 1


# --- months ------------------------------------------------------------------------------------------------


def parse_month(value: Any, *, field: str = "period") -> dt.date:
    """A month as the first day: from a date, "2025-03" or "2025-03-17". Anything else is a field error."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    try:
        if match := _MONTH.fullmatch(text):
            return dt.date(int(match[1]), int(match[2]), 1)
        return dt.date.fromisoformat(text).replace(day=1)
    except ValueError:
        raise ValidationError({field: _("Give the month as YYYY-MM, e.g. 2025-03.")}) from None


def this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def report_settings() -> EnterpriseSettings:
    return EnterpriseSettings.current()


def _deadline(due: dt.date) -> dt.datetime:
    """The first moment a report is late: midnight (local time) after its due day."""
    return timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time.min))


def late_from(period: dt.date) -> dt.datetime:
    """The first moment a report of `period` (a month) is late, under the settings in force."""
    return _deadline(report_settings().due_date(period.replace(day=1)))


def is_late(report: MonthlyReport, config: EnterpriseSettings) -> bool:
    """Judged by the first submission: later corrections do not make a report late."""
    return report.submitted_at >= _deadline(config.due_date(report.period))


# --- lists ---------------------------------------------------------------------------------------------------


def _month_or_none(value: Any) -> dt.date | None:
    try:
        return parse_month(value) if value else None
    except ValidationError:
        return None  # a malformed filter is ignored, as the other lists do


@dataclass(frozen=True)
class ReportFilters:
    """Region filters take Kemendagri codes of the right depth; anything else is ignored."""

    q: str = ""
    regency: str = ""
    kecamatan: str = ""
    group: int | None = None
    period_from: dt.date | None = None
    period_to: dt.date | None = None

    @classmethod
    def from_params(cls, params: Any) -> "ReportFilters":
        text = {k: str(params.get(k, "") or "").strip()[:60] for k in ("q", "regency", "kecamatan", "group")}
        group = int(text["group"]) if text["group"].isdigit() and 0 < int(text["group"]) <= _MAX_ID else None
        return cls(
            q=text["q"],
            regency=text["regency"],
            kecamatan=text["kecamatan"],
            group=group,
            period_from=_month_or_none(params.get("period_from")),
            period_to=_month_or_none(params.get("period_to")),
        )


def report_list(*, user: Any, filters: ReportFilters) -> QuerySet[MonthlyReport]:
    qs = MonthlyReport.objects.visible_to(user).select_related("group", "regency")
    if re.fullmatch(r"[0-9]{2}\.[0-9]{2}", filters.regency):
        qs = qs.filter(regency_id=filters.regency)
    if re.fullmatch(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}", filters.kecamatan):
        qs = qs.filter(group__desa__parent_id=filters.kecamatan)
    if filters.group:
        qs = qs.filter(group_id=filters.group)
    if filters.period_from:
        qs = qs.filter(period__gte=filters.period_from)
    if filters.period_to:
        qs = qs.filter(period__lte=filters.period_to)
    if filters.q:
        qs = qs.filter(Q(group__name__icontains=filters.q) | Q(group__code__startswith=filters.q))
    return qs.order_by("-period", "group__name", "id")


def report_for(*, user: Any, pk: Any) -> MonthlyReport:
    """Raises MonthlyReport.DoesNotExist when absent or out of the user's scope (a 404 either way)."""
    related = ("group", "group__regency", "group__desa", "submitted_by", "iks_entry")
    return MonthlyReport.objects.visible_to(user).select_related(*related).get(pk=pk)


def report_of_month(*, group: Group, period: dt.date) -> MonthlyReport | None:
    return MonthlyReport.objects.filter(group=group, period=period).first()


def period_is_locked(*, regency_code: str, period: dt.date) -> bool:
    return PeriodLock.objects.filter(regency_id=regency_code, period=period).exists()


# --- a KUBE's months -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthRow:
    period: dt.date
    due: dt.date
    report: MonthlyReport | None
    status: str  # ON_TIME, LATE, MISSING (past its due date) or PENDING (not due yet)


def _status(report: MonthlyReport | None, due: dt.date, config: EnterpriseSettings) -> str:
    if report is None:
        return MISSING if timezone.localdate() > due else PENDING
    return LATE if is_late(report, config) else ON_TIME


def group_reports(*, group: Group, months: int = 12) -> list[MonthRow]:
    """The last `months` months up to this one, newest first, with a row for every month (a gap where no report
    was sent); none before the KUBE's founding month."""
    config = report_settings()
    last = this_month()
    first = max(add_months(last, 1 - months), group.founded_on.replace(day=1))
    reports = {r.period: r for r in MonthlyReport.objects.filter(group=group, period__gte=first, period__lte=last)}
    rows, month = [], last
    while month >= first:
        due = config.due_date(month)
        report = reports.get(month)
        rows.append(MonthRow(period=month, due=due, report=report, status=_status(report, due, config)))
        month = add_months(month, -1)
    return rows


# --- timeliness of a month -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegencyCounts:
    code: str
    name: str
    on_time: int
    late: int
    missing: int
    locked: bool = False

    @property
    def expected(self) -> int:
        return self.on_time + self.late + self.missing


@dataclass(frozen=True)
class Timeliness:
    period: dt.date
    due: dt.date
    overdue: bool  # the due date has passed: a missing report is overdue, not merely not yet sent
    regencies: list[RegencyCounts]
    rows: QuerySet[Group]  # the KUBE, each with report_id, report_submitted_at and report_status

    @property
    def totals(self) -> RegencyCounts:
        return RegencyCounts(
            code="",
            name=_("Total"),
            on_time=sum(r.on_time for r in self.regencies),
            late=sum(r.late for r in self.regencies),
            missing=sum(r.missing for r in self.regencies),
        )


def report_timeliness(*, user: Any, period: dt.date, regency: str | None = None, status: str = "") -> Timeliness:
    """Every ACTIVE KUBE in the user's scope founded on or before `period` (a month): on time, late or missing,
    and the counts per regency. `status` narrows the rows (not the counts)."""
    locked = set(PeriodLock.objects.visible_to(user).filter(period=period).values_list("regency_id", flat=True))
    return _timeliness(Group.objects.visible_to(user), period, regency, status, locked)


def report_timeliness_all(*, period: dt.date, regency: str | None = None, status: str = "") -> Timeliness:
    """The same for the whole province, for the operator's command line (the system sees everything)."""
    locked = set(PeriodLock.objects.filter(period=period).values_list("regency_id", flat=True))
    return _timeliness(Group.objects.all(), period, regency, status, locked)


def _regency_counts(joined: QuerySet[Group], late_from: dt.datetime, locked: set[str]) -> list[RegencyCounts]:
    counts = (
        joined.values("regency_id", "regency__name")
        .annotate(
            on_time=Count("pk", filter=Q(month__submitted_at__lt=late_from)),
            late=Count("pk", filter=Q(month__submitted_at__gte=late_from)),
            missing=Count("pk", filter=Q(month__id__isnull=True)),
        )
        .order_by("regency_id")
    )
    return [
        RegencyCounts(
            code=c["regency_id"],
            name=c["regency__name"],
            on_time=c["on_time"],
            late=c["late"],
            missing=c["missing"],
            locked=c["regency_id"] in locked,
        )
        for c in counts
    ]


def _rows(joined: QuerySet[Group], late_from: dt.datetime, status: str) -> QuerySet[Group]:
    rows = joined.annotate(
        report_id=F("month__id"),
        report_submitted_at=F("month__submitted_at"),
        report_status=Case(
            When(month__id__isnull=True, then=Value(MISSING)),
            When(month__submitted_at__gte=late_from, then=Value(LATE)),
            default=Value(ON_TIME),
            output_field=CharField(),
        ),
    )
    if status in (ON_TIME, LATE, MISSING):
        rows = rows.filter(report_status=status)
    return rows.select_related("regency", "desa").order_by("regency_id", "name", "id")


def _timeliness(
    groups: QuerySet[Group], period: dt.date, regency: str | None, status: str, locked: set[str]
) -> Timeliness:
    period = period.replace(day=1)
    due = report_settings().due_date(period)
    late_from = _deadline(due)
    groups = groups.filter(status=Group.Status.ACTIVE, founded_on__lte=period)
    if regency and re.fullmatch(r"[0-9]{2}\.[0-9]{2}", regency):
        groups = groups.filter(regency_id=regency)
    # One LEFT JOIN on the (group, period) unique index instead of a subquery per KUBE.
    joined = groups.annotate(month=FilteredRelation("monthly_reports", condition=Q(monthly_reports__period=period)))
    return Timeliness(
        period=period,
        due=due,
        overdue=timezone.localdate() > due,
        regencies=_regency_counts(joined, late_from, locked),
        rows=_rows(joined, late_from, status),
    )
