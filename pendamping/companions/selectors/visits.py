"""Reads of visits, scoped: the KUBE a user may record a visit to, visits and their open follow-ups, and the visit
frequency per companion, per KUBE and per regency (counted by the database: a province has thousands of
companions and 100,000 KUBE)."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractMonth, ExtractYear, NullIf
from django.utils import timezone

from pendamping.accounts.models import Role
from pendamping.accounts.permissions import can
from pendamping.companions.models import Assignment, Companion, FollowUp, Visit
from pendamping.enterprise.selectors.reports import add_months
from pendamping.registry.models import Group

__all__ = [
    "GROUP_DAYS",
    "MONTH_CHOICES",
    "ROLE_NAMES",
    "TOPICS",
    "UNDO_HOURS",
    "CompanionFrequencyFilters",
    "GroupFrequencyFilters",
    "MonthCount",
    "RegencyFrequency",
    "VisitFilters",
    "Window",
    "companion_frequency",
    "companion_months",
    "followup_closable",
    "followup_get",
    "followups_open",
    "frequency_window",
    "group_frequency",
    "regency_frequency",
    "visit_deletable",
    "visit_get",
    "visit_group_get",
    "visit_groups",
    "visit_list",
    "visit_of_key",
    "visit_topic_labels",
]

TOPICS = Visit.Topic  # for the doors, which may not import models
MONTH_CHOICES = (3, 6, 12)
UNDO_HOURS = 24  # a visit recorded by mistake may be deleted this long after
GROUP_DAYS = 90  # a KUBE's recent visits: the last 90 days, today included
_MAX_ID = 2**63 - 1
ROLE_NAMES = ("resource", "motivator", "facilitator")


def _id(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) <= _MAX_ID else None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip()[:10]) if value else None
    except ValueError:
        return None  # a malformed filter is ignored, as the other lists do


def _regency(value: Any) -> str:
    text = str(value or "").strip()
    return text if re.fullmatch(r"[0-9]{2}\.[0-9]{2}", text) else ""


# --- the KUBE one may record a visit to -------------------------------------------------------------------


def visit_groups(*, user: Any) -> QuerySet[Group]:
    """A companion: the KUBE assigned to them now (nothing else is even listed). An admin: any KUBE with a
    companion now (the visit is recorded for that companion). Others record no visits."""
    current = Assignment.objects.filter(group=OuterRef("pk"), ended_on__isnull=True)
    if getattr(user, "is_authenticated", False) and not user.is_superuser and user.role == Role.COMPANION:
        current = current.filter(companion__user=user)
    elif not getattr(user, "is_province_admin", False):
        return Group.objects.none()
    return Group.objects.visible_to(user).filter(Exists(current)).select_related("desa").order_by("name", "id")


def visit_group_get(*, user: Any, pk: Any) -> Group:
    """Raises Group.DoesNotExist for a KUBE that is absent or not one the user may record a visit to."""
    return visit_groups(user=user).get(pk=pk)


# --- visits and follow-ups ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitFilters:
    companion: int | None = None
    group: int | None = None
    regency: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""

    @classmethod
    def from_params(cls, params: Any) -> "VisitFilters":
        return cls(
            companion=_id(params.get("companion") or params.get("companion_id")),
            group=_id(params.get("group") or params.get("group_id")),
            regency=_regency(params.get("regency")),
            date_from=_date(params.get("date_from")),
            date_to=_date(params.get("date_to")),
            q=str(params.get("q", "") or "").strip()[:60],
        )


def _open_count() -> Coalesce:
    open_ = FollowUp.objects.filter(visit=OuterRef("pk"), done_on__isnull=True).order_by()
    counted = open_.values("visit").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def visit_list(*, user: Any, filters: VisitFilters) -> QuerySet[Visit]:
    qs = Visit.objects.visible_to(user).select_related("companion", "group", "group__desa", "regency")
    if filters.companion:
        qs = qs.filter(companion_id=filters.companion)
    if filters.group:
        qs = qs.filter(group_id=filters.group)
    if filters.regency:
        qs = qs.filter(regency_id=filters.regency)
    if filters.date_from:
        qs = qs.filter(on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(on__lte=filters.date_to)
    if filters.q:
        qs = qs.filter(Q(group__name__icontains=filters.q) | Q(companion__name__icontains=filters.q))
    return qs.annotate(open_follow_ups=_open_count()).order_by("-on", "-id")


def visit_get(*, user: Any, pk: Any) -> Visit:
    """Raises Visit.DoesNotExist when absent or out of the user's scope (a 404 either way)."""
    related = ("companion", "group", "group__desa", "regency", "created_by")
    return Visit.objects.visible_to(user).select_related(*related).prefetch_related("follow_ups").get(pk=pk)


def visit_topic_labels(visit: Visit) -> list[str]:
    labels = dict(Visit.Topic.choices)
    return [str(labels[code]) for code in visit.topics if code in labels]


def visit_of_key(*, client_key: str | None) -> bool:
    """Whether a visit was already stored under this form key (the API answers a repeat 200, not 201)."""
    return bool(client_key) and Visit.objects.filter(client_key=client_key).exists()


def visit_deletable(*, user: Any, visit: Visit) -> bool:
    """Mirrors services.visits.visit_delete, so a page offers the button only when it would work."""
    if not can(user, "visit.record") or not (user.is_province_admin or visit.created_by_id == user.pk):
        return False
    return timezone.now() - visit.created_at <= dt.timedelta(hours=UNDO_HOURS)


def followup_closable(*, user: Any) -> bool:
    """Whether the user may close the follow-ups they see: the visiting companion (a companion sees only their
    own), officers and admins; auditors only read."""
    return can(user, "visit.view") and (user.is_province_admin or user.role in (Role.OFFICER, Role.COMPANION))


def followup_get(*, user: Any, pk: Any) -> FollowUp:
    return FollowUp.objects.visible_to(user).select_related("visit", "visit__group", "visit__companion").get(pk=pk)


def followups_open(
    *, user: Any, companion_id: int | None = None, group_id: int | None = None, overdue: bool = False
) -> QuerySet[FollowUp]:
    """Open follow-ups in scope, due first; each with `overdue` (its due date has passed)."""
    today = timezone.localdate()
    qs = FollowUp.objects.visible_to(user).open().select_related("visit", "visit__group", "visit__companion")
    if companion_id:
        qs = qs.filter(visit__companion_id=companion_id)
    if group_id:
        qs = qs.filter(visit__group_id=group_id)
    if overdue:
        qs = qs.filter(due_on__lt=today)
    late = Case(When(due_on__lt=today, then=Value(True)), default=Value(False))
    return qs.annotate(overdue=late).order_by("due_on", "id")


# --- frequency ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The last `months` complete months: the current month is not over, so it would pull every rate down."""

    months: int
    start: dt.date
    end: dt.date


def frequency_window(*, months: int, today: dt.date | None = None) -> Window:
    months = months if months in MONTH_CHOICES else MONTH_CHOICES[0]
    this_month = (today or timezone.localdate()).replace(day=1)
    return Window(months=months, start=add_months(this_month, -months), end=this_month - dt.timedelta(days=1))


def _count(qs: QuerySet[Any], outer: str) -> Coalesce:
    counted = qs.filter(**{outer: OuterRef("pk")}).order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _last_visit(outer: str) -> Subquery:
    latest = Visit.objects.filter(**{outer: OuterRef("pk")}).order_by("-on").values("on")[:1]
    return Subquery(latest, output_field=DateField())


def _role_counts(visits: QuerySet[Visit], outer: str) -> dict[str, Coalesce]:
    return {
        "visit_count": _count(visits, outer),
        "resource": _count(visits.filter(as_resource=True), outer),
        "motivator": _count(visits.filter(as_motivator=True), outer),
        "facilitator": _count(visits.filter(as_facilitator=True), outer),
    }


@dataclass(frozen=True)
class CompanionFrequencyFilters:
    regency: str = ""
    status: str = ""
    q: str = ""

    @classmethod
    def from_params(cls, params: Any) -> "CompanionFrequencyFilters":
        status = str(params.get("status", "") or "")
        return cls(
            regency=_regency(params.get("regency")),
            status=status if status in Companion.Status.values else "",
            q=str(params.get("q", "") or "").strip()[:60],
        )


def companion_frequency(*, user: Any, window: Window, filters: CompanionFrequencyFilters) -> QuerySet[Companion]:
    """Companions in scope with their visits in the window (`visit_count` and per role), `kube` (accompanied now),
    `per_month` and `per_kube` (visits per month per KUBE; None without KUBE) and `last_visit`, lowest rate first."""
    qs = Companion.objects.visible_to(user).select_related("regency")
    if filters.regency:
        qs = qs.filter(regency_id=filters.regency)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    visits = Visit.objects.filter(on__gte=window.start, on__lte=window.end)
    qs = qs.annotate(
        **_role_counts(visits, "companion"),
        kube=_count(Assignment.objects.filter(ended_on__isnull=True), "companion"),
        last_visit=_last_visit("companion"),
    )
    per_month = Cast(F("visit_count"), FloatField()) / Value(float(window.months))
    qs = qs.annotate(per_month=per_month, per_kube=per_month / Cast(NullIf(F("kube"), 0), FloatField()))
    return qs.order_by(F("per_kube").asc(nulls_last=True), "name", "id")


@dataclass(frozen=True)
class GroupFrequencyFilters:
    regency: str = ""
    q: str = ""

    @classmethod
    def from_params(cls, params: Any) -> "GroupFrequencyFilters":
        return cls(regency=_regency(params.get("regency")), q=str(params.get("q", "") or "").strip()[:60])


def group_frequency(*, user: Any, filters: GroupFrequencyFilters, today: dt.date | None = None) -> QuerySet[Group]:
    """KUBE in scope with `last_visit`, their visits in the last GROUP_DAYS days (`visit_count` and per role) and
    `companion_name` (now), the longest unvisited first (never visited before all)."""
    since = (today or timezone.localdate()) - dt.timedelta(days=GROUP_DAYS - 1)
    qs = Group.objects.visible_to(user).select_related("desa")
    if filters.regency:
        qs = qs.filter(regency_id=filters.regency)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(code__startswith=filters.q))
    current = Assignment.objects.filter(group=OuterRef("pk"), ended_on__isnull=True).values("companion__name")[:1]
    qs = qs.annotate(
        **_role_counts(Visit.objects.filter(on__gte=since), "group"),
        last_visit=_last_visit("group"),
        companion_name=Subquery(current),
    )
    return qs.order_by(F("last_visit").asc(nulls_first=True), "name", "id")


@dataclass
class RegencyFrequency:
    code: str
    name: str
    visits: int = 0
    companions_visiting: int = 0
    groups_visited: int = 0
    active_companions: int = 0
    resource: int = 0
    motivator: int = 0
    facilitator: int = 0
    months: int = 1

    @property
    def per_companion_month(self) -> float | None:
        """Visits per active companion per month; None without active companions."""
        return self.visits / self.active_companions / self.months if self.active_companions else None


def regency_frequency(*, user: Any, window: Window) -> list[RegencyFrequency]:
    """One row per regency in scope with visits or active companions, then the total (code ""): a regency for
    an officer, the province for an admin."""
    rows: dict[str, RegencyFrequency] = {}
    visits = Visit.objects.visible_to(user).filter(on__gte=window.start, on__lte=window.end).order_by()
    for row in visits.values("regency_id", "regency__name").annotate(
        n=Count("pk"),
        companions=Count("companion", distinct=True),
        groups=Count("group", distinct=True),
        resource=Count("pk", filter=Q(as_resource=True)),
        motivator=Count("pk", filter=Q(as_motivator=True)),
        facilitator=Count("pk", filter=Q(as_facilitator=True)),
    ):
        rows[row["regency_id"]] = RegencyFrequency(
            code=row["regency_id"],
            name=row["regency__name"],
            visits=row["n"],
            companions_visiting=row["companions"],
            groups_visited=row["groups"],
            resource=row["resource"],
            motivator=row["motivator"],
            facilitator=row["facilitator"],
            months=window.months,
        )
    active = Companion.objects.visible_to(user).filter(status=Companion.Status.ACTIVE).order_by()
    for count in active.values("regency_id", "regency__name").annotate(n=Count("pk")):
        entry = rows.setdefault(count["regency_id"], RegencyFrequency(count["regency_id"], count["regency__name"]))
        entry.active_companions, entry.months = count["n"], window.months
    ordered = [rows[code] for code in sorted(rows)]
    return [*ordered, _total(ordered, window)]


def _total(rows: list[RegencyFrequency], window: Window) -> RegencyFrequency:
    total = RegencyFrequency(code="", name="", months=window.months)
    for name in ("visits", "companions_visiting", "groups_visited", "active_companions", *ROLE_NAMES):
        setattr(total, name, sum(getattr(row, name) for row in rows))
    return total


# --- a companion's months -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthCount:
    month: dt.date
    visits: int
    groups: int


def companion_months(*, companion: Companion, months: int = 6, today: dt.date | None = None) -> list[MonthCount]:
    """The companion's visits and KUBE visited in each of the last `months` months, this one included (newest
    first), zero months too: one grouped query."""
    this_month = (today or timezone.localdate()).replace(day=1)
    first = add_months(this_month, -(months - 1))
    rows = (
        Visit.objects.filter(companion=companion, on__gte=first)
        .annotate(y=ExtractYear("on"), m=ExtractMonth("on"))
        .order_by()
        .values("y", "m")
        .annotate(n=Count("pk"), g=Count("group", distinct=True))
    )
    counts = {(row["y"], row["m"]): (row["n"], row["g"]) for row in rows}
    months_back = (add_months(this_month, -i) for i in range(months))
    return [MonthCount(m, *counts.get((m.year, m.month), (0, 0))) for m in months_back]
