"""What the business demo reads about the KUBE of one chunk (five queries), and its calendar and money helpers.

The business demo has its own fixed "today", as the registry demo has REFERENCE_DATE: the rows never depend
on the day they are made. It is the day issue 4 was built, so the October 2026 reports are the last ones due."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from pendamping.companions.models import Assignment
from pendamping.demo.users import MALANG, SURABAYA
from pendamping.registry.models import Grant, Group, Membership, Tranche

DEMO_TODAY = dt.date(2026, 11, 27)
LAST_PERIOD = dt.date(2026, 10, 1)  # the last month whose report was due (by 10 November)
MONTHS = 24
FIRST_PERIOD = dt.date(2024, 11, 1)  # LAST_PERIOD - 23 months
OFFICER_REGENCIES = (SURABAYA, MALANG)  # the demo officer's: they enter and handle the rows of these


@dataclass(frozen=True)
class Member:
    family_id: int
    name: str
    joined_on: dt.date
    left_on: dt.date | None
    income: int  # the family's monthly income in the registry now
    decile: int | None


@dataclass
class Kube:
    """One KUBE with what its business rows are drawn from."""

    group: Group
    members: list[Member] = field(default_factory=list)
    user_id: int | None = None  # the login of the companion accompanying it now, if it has one
    grants: list[Grant] = field(default_factory=list)

    @property
    def current(self) -> list[Member]:
        return [m for m in self.members if m.left_on is None]

    @property
    def grant_total(self) -> int:
        return sum(g.amount for g in self.grants)


def load_kube(ids: list[int]) -> list[Kube]:
    groups = Group.objects.filter(id__in=ids).order_by("id")
    groups = groups.only("id", "regency_id", "desa_id", "founded_on", "status", "status_changed_on", "sector")
    kube = {g.id: Kube(group=g) for g in groups}
    members = Membership.objects.filter(group_id__in=ids).order_by("id").values_list(
        "group_id", "family_id", "family__head_name", "joined_on", "left_on", "family__monthly_income",
        "family__welfare_decile",
    )  # fmt: skip
    for group_id, family_id, name, joined_on, left_on, income, decile in members:
        kube[group_id].members.append(Member(family_id, name, joined_on, left_on, income, decile))
    accompanied = Assignment.objects.filter(group_id__in=ids, ended_on__isnull=True, companion__user__isnull=False)
    for group_id, user_id in accompanied.order_by("id").values_list("group_id", "companion__user_id"):
        kube[group_id].user_id = user_id
    tranches = Prefetch("tranches", queryset=Tranche.objects.order_by("number"))
    for grant in Grant.objects.filter(group_id__in=ids).order_by("id").prefetch_related(tranches):
        kube[grant.group_id].grants.append(grant)
    return list(kube.values())


def add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(period: dt.date) -> dt.date:
    return add_months(period, 1) - dt.timedelta(days=1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in the office's time zone (not the active one), so the rows do not depend on a request."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_default_timezone())


def rupiah(value: float, step: int = 1000) -> int:
    """Whole rupiah rounded to `step`, as people write amounts in a report; never negative."""
    return max(0, round(value / step) * step)
