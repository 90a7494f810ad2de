"""Reads of the IKS ledger (running balance, who stopped paying) and of the member families' welfare over time."""

import datetime as dt
import re
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models import F as Field
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from pendamping.enterprise.models import EnterpriseSettings, IksEntry, MonthlyReport, WelfareRecord
from pendamping.registry.models import Family, Group, Membership

STATUS_MONTHS = 6  # the window of the status list: contributions against profit over the last six full months
SIGNED = Case(
    When(kind=IksEntry.Kind.OUT, then=-Field("amount")), default=Field("amount"), output_field=BigIntegerField()
)


def iks_balance(*, group: Group) -> int:
    """Contributions in minus uses out, in rupiah."""
    return int(IksEntry.objects.filter(group=group).aggregate(total=Sum(SIGNED))["total"] or 0)


def iks_ledger(*, group: Group) -> QuerySet[IksEntry]:
    """The KUBE's entries in ledger order (date, then entry), each with `signed` (+in, -out) and `balance`, the
    running balance after it, summed by the database."""
    running = Window(Sum(SIGNED), order_by=[Field("on").asc(), Field("id").asc()])
    return (
        IksEntry.objects.filter(group=group)
        .select_related("report", "entered_by")
        .annotate(signed=SIGNED, balance=Cast(running, BigIntegerField()))
        .order_by("on", "id")
    )


def iks_entry_get(*, user: Any, pk: Any) -> IksEntry:
    """Raises IksEntry.DoesNotExist when absent or out of the user's scope (a 404 either way)."""
    return IksEntry.objects.visible_to(user).select_related("group", "report").get(pk=pk)


# --- who pays -----------------------------------------------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the 31st becomes the month's last day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    first = dt.date(year, month + 1, 1)
    last = ((first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)).day
    return first.replace(day=min(day.day, last))


@dataclass(frozen=True)
class IksWindow:
    """The rules the status is judged by: contributions and profit over the full months [start, end) and the
    office's rate; `cutoff`: an active KUBE with no contribution after it has stopped paying."""

    today: dt.date
    start: dt.date
    end: dt.date
    months: int
    rate: Decimal
    stopped_after: int
    cutoff: dt.date

    @property
    def last_month(self) -> dt.date:
        return months_before(self.end, 1)

    def expected(self, profit: int) -> int:
        """The contribution expected from this profit, rounded to whole rupiah (the SQL of `iks_status` too)."""
        return int((Decimal(max(profit, 0)) * self.rate / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def iks_window(*, today: dt.date | None = None, months: int = STATUS_MONTHS) -> IksWindow:
    today = today or timezone.localdate()
    config = EnterpriseSettings.current()
    end = today.replace(day=1)
    return IksWindow(
        today=today,
        start=months_before(end, months),
        end=end,
        months=months,
        rate=config.iks_expected_rate,
        stopped_after=config.iks_stopped_after_months,
        cutoff=months_before(today, config.iks_stopped_after_months),
    )


def _total(qs: QuerySet[Any], value: Any) -> Coalesce:
    """A per-KUBE sum of `value` (a field name or an expression) as a correlated subquery, 0 when there is
    nothing; a bigint on every database (PostgreSQL sums bigints as numeric)."""
    summed = qs.order_by().values("group").annotate(total=Cast(Sum(value), BigIntegerField())).values("total")
    return Coalesce(Subquery(summed[:1]), Value(0), output_field=BigIntegerField())


def _with_status(qs: QuerySet[Group], window: IksWindow) -> QuerySet[Any]:
    """Each KUBE with its `balance`, `last_contribution`, `contributed` and `profit` in the window, `expected`,
    `active_since` and `stopped`: all computed by the database, one query for the whole list."""
    entries = IksEntry.objects.filter(group=OuterRef("pk"))
    paid = entries.filter(kind=IksEntry.Kind.IN)
    profits = MonthlyReport.objects.filter(group=OuterRef("pk"), period__gte=window.start, period__lt=window.end)
    basis_points = int(window.rate * 100)  # the rate has two decimals: 10.25 % = 1025 / 10000
    long_active = Q(status=Group.Status.ACTIVE, active_since__lte=window.cutoff)
    recent = paid.filter(on__gt=window.cutoff)
    return qs.annotate(
        balance=_total(entries, SIGNED),
        last_contribution=Subquery(paid.order_by("-on").values("on")[:1]),
        contributed=_total(paid.filter(on__gte=window.start, on__lt=window.end), "amount"),
        profit=_total(profits.filter(profit__gt=0), "profit"),
        active_since=Coalesce("status_changed_on", "founded_on"),
    ).annotate(
        # Integer arithmetic, rounding half up as IksWindow.expected does.
        expected=ExpressionWrapper(
            (Field("profit") * Value(basis_points) + Value(5000)) / Value(10000), output_field=BigIntegerField()
        ),
        stopped=Case(When(long_active & ~Exists(recent), then=Value(True)), default=Value(False)),
    )


def _regency(value: str) -> str | None:
    return value if re.fullmatch(r"\d{2}\.\d{2}", value or "") else None


def iks_status(
    *, user: Any, regency: str | None = None, stopped_only: bool = False, window: IksWindow | None = None
) -> QuerySet[Group]:
    """The active KUBE in the user's scope with their IKS status (see _with_status); those that stopped first."""
    groups = Group.objects.visible_to(user).filter(status=Group.Status.ACTIVE).select_related("regency", "desa")
    if code := _regency(regency or ""):
        groups = groups.filter(regency_id=code)
    qs = _with_status(groups, window or iks_window())
    if stopped_only:
        qs = qs.filter(stopped=True)
    return qs.order_by("-stopped", "regency_id", "name", "id")


def iks_group_status(*, group: Group, window: IksWindow | None = None) -> Group:
    """One KUBE (already fetched in the user's scope) with the annotations of the status list."""
    annotated = _with_status(Group.objects.filter(pk=group.pk), window or iks_window())
    return annotated.get()


# --- welfare ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A family's welfare at its baseline (the record at joining, else its earliest) against its latest record."""

    baseline: WelfareRecord | None
    latest: WelfareRecord | None

    @property
    def has_change(self) -> bool:
        return self.baseline is not None and self.latest is not None and self.latest.pk != self.baseline.pk

    @property
    def income_change(self) -> int | None:
        if not self.has_change:
            return None
        assert self.baseline is not None and self.latest is not None
        return self.latest.monthly_income - self.baseline.monthly_income

    @property
    def income_change_pct(self) -> Decimal | None:
        change = self.income_change
        if change is None or self.baseline is None or self.baseline.monthly_income == 0:
            return None  # from nothing, a percentage means nothing
        return (Decimal(change) * 100 / self.baseline.monthly_income).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def decile_shift(self) -> int | None:
        """Positive: the family moved up the welfare ranking (decile 1 is the poorest tenth)."""
        if not self.has_change or self.baseline is None or self.latest is None:
            return None
        if self.baseline.welfare_decile is None or self.latest.welfare_decile is None:
            return None
        return self.latest.welfare_decile - self.baseline.welfare_decile

    @property
    def decile_steps(self) -> int:
        """How many deciles the family moved, either way."""
        return abs(self.decile_shift or 0)


@dataclass(frozen=True)
class FamilyWelfare(Change):
    records: list[WelfareRecord]
    was_member: bool  # of a KUBE, now or before: only members are followed up


def _baseline(records: list[WelfareRecord]) -> WelfareRecord | None:
    joining = [r for r in records if r.kind == WelfareRecord.Kind.JOINING]
    chosen = joining or records
    return chosen[0] if chosen else None


def family_welfare(*, family: Family) -> FamilyWelfare:
    """The family's records in date order and the change since its baseline. The income typed in the registry
    when the family was registered is not a record: without records there is no baseline."""
    records = list(family.welfare_records.select_related("group", "entered_by").order_by("recorded_on", "id"))
    return FamilyWelfare(
        baseline=_baseline(records),
        latest=records[-1] if records else None,
        records=records,
        was_member=family.memberships.exists(),
    )


def welfare_record_get(*, user: Any, pk: Any) -> WelfareRecord:
    """Raises WelfareRecord.DoesNotExist when absent or out of the user's scope (a 404 either way)."""
    return WelfareRecord.objects.visible_to(user).select_related("family").get(pk=pk)


@dataclass(frozen=True)
class MemberChange(Change):
    membership: Membership


@dataclass(frozen=True)
class GroupWelfare:
    members: list[MemberChange]

    @property
    def followed(self) -> list[MemberChange]:
        """Members with a baseline and a later record."""
        return [m for m in self.members if m.has_change]

    @property
    def without_baseline(self) -> int:
        return sum(1 for m in self.members if m.baseline is None)

    @property
    def better_off(self) -> int:
        return sum(1 for m in self.followed if (m.income_change or 0) > 0)

    @property
    def median_income_change(self) -> int | None:
        changes = [m.income_change or 0 for m in self.followed]
        if not changes:
            return None
        return int(Decimal(statistics.median(changes)).quantize(Decimal(1), ROUND_HALF_UP))


def group_welfare_change(*, group: Group) -> GroupWelfare:
    """Per current member, baseline against latest record (chosen by the database); three queries in all."""
    records = WelfareRecord.objects.filter(family=OuterRef("family_id"))
    joining_first = Case(When(kind=WelfareRecord.Kind.JOINING, then=Value(0)), default=Value(1))
    members = list(
        group.memberships.filter(left_on__isnull=True)
        .select_related("family")
        .annotate(
            baseline_id=Subquery(records.order_by(joining_first, "recorded_on", "id").values("pk")[:1]),
            latest_id=Subquery(records.order_by("-recorded_on", "-id").values("pk")[:1]),
        )
        .order_by("family__head_name", "id")
    )
    chosen = WelfareRecord.objects.in_bulk({pk for m in members for pk in (m.baseline_id, m.latest_id) if pk})
    return GroupWelfare(
        members=[
            MemberChange(baseline=chosen.get(m.baseline_id), latest=chosen.get(m.latest_id), membership=m)
            for m in members
        ]
    )
