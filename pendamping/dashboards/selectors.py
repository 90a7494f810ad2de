"""The home page's summary: a few counts of what the user may see, aggregated in the database."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Sum

from pendamping.accounts.models import Role
from pendamping.accounts.permissions import can
from pendamping.companions.models import Companion
from pendamping.dashboards.models import Report
from pendamping.enterprise.selectors.reports import Timeliness, add_months, report_timeliness, this_month
from pendamping.registry.models import Family, Grant, Group, Tranche
from pendamping.registry.selectors import RegistryFilters, family_count

MY_GROUPS = 30  # a companion accompanies about ten KUBE; the cap only guards the page
StatusCounts = list[tuple[str, str, int]]  # (code, label, count), in the order of the status choices


@dataclass(frozen=True)
class HomeSummary:
    families: int | None = None
    groups: StatusCounts = field(default_factory=list)
    grants_amount: int = 0
    grants_disbursed: int = 0
    companions: StatusCounts | None = None
    reports: Timeliness | None = None  # last month's monthly reports: on time, late, missing
    my_groups: list[Any] = field(default_factory=list)  # a companion's KUBE with last month's report status


def _by_status(qs: Any, choices: list[tuple[str, Any]]) -> StatusCounts:
    counts = {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("pk")).order_by("status")}
    return [(code, str(label), counts.get(code, 0)) for code, label in choices]


def home_summary(*, user: Any) -> HomeSummary:
    if not can(user, "registry.view"):
        return HomeSummary()
    grants = Grant.objects.visible_to(user).aggregate(total=Sum("amount"))
    disbursed = Tranche.objects.visible_to(user).filter(status=Tranche.Status.APPROVED).aggregate(total=Sum("amount"))
    companions = None
    if can(user, "companion.view"):
        companions = _by_status(Companion.objects.visible_to(user), Companion.Status.choices)
    reports = report_timeliness(user=user, period=add_months(this_month(), -1))
    is_companion = getattr(user, "role", None) == Role.COMPANION
    return HomeSummary(
        reports=reports,
        my_groups=list(reports.rows[:MY_GROUPS]) if is_companion else [],
        families=_families(user),
        groups=_by_status(Group.objects.visible_to(user), Group.Status.choices),
        grants_amount=grants["total"] or 0,
        grants_disbursed=disbursed["total"] or 0,
        companions=companions,
    )


def _families(user: Any) -> int:
    # From the family tally where it applies (not a companion): a million families are not counted on every visit.
    tallied = family_count(user=user, filters=RegistryFilters())
    return Family.objects.visible_to(user).count() if tallied is None else tallied


REGENCY_MONTH, PROVINCE_QUARTER = Report.Kind.REGENCY_MONTH.value, Report.Kind.PROVINCE_QUARTER.value


def report_get(*, user: Any, pk: Any, with_content: bool = False) -> Report:
    """Raises Report.DoesNotExist when absent or not the user's (a 404 either way); the file is read only when
    asked for, as it may weigh megabytes."""
    qs = Report.objects.visible_to(user)
    return (qs if with_content else qs.defer("content")).get(pk=pk)


def reports_of(*, user: Any, limit: int = 20) -> list[Report]:
    return list(Report.objects.visible_to(user).defer("content")[:limit])
