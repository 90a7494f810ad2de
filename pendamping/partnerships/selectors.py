"""Partnership reads: scoped, filtered, aggregated in the database (no query per row, no loop over KUBE)."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from pendamping.partnerships.models import Activity, Agreement, Partner
from pendamping.regions.models import Region
from pendamping.registry.models import Group

MAX_ID = 2**63 - 1  # the largest bigint key: a bigger forged id would crash the database driver
PROVINCE = "province"  # the regency filter's value for the province-wide partners
Covers = Agreement.groups.through


def _text(params: Any, key: str) -> str:
    return str(params.get(key, "") or "").strip()[:60]


def _id(value: str) -> int | None:
    return int(value) if value.isdigit() and 0 < int(value) <= MAX_ID else None


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _regency_code(value: str) -> str | None:
    """A regency code of the right shape only, so a forged filter cannot widen a query."""
    return value if re.fullmatch(r"\d{2}\.\d{2}", value) else None


@dataclass(frozen=True)
class PartnerFilters:
    q: str = ""
    type: str = ""
    regency: str = ""  # a regency code, or PROVINCE for the province-wide partners

    @classmethod
    def from_params(cls, params: Any) -> "PartnerFilters":
        return cls(q=_text(params, "q"), type=_text(params, "type"), regency=_text(params, "regency"))


def partner_list(*, user: Any, filters: PartnerFilters) -> QuerySet[Partner]:
    """Partners the user sees, each with `agreement_count`: the agreements of theirs the user sees too (a
    province-wide partner's agreements in other regencies are not counted for an officer)."""
    qs = Partner.objects.visible_to(user).select_related("regency")
    if filters.type in Partner.Type.values:
        qs = qs.filter(type=filters.type)
    if filters.regency == PROVINCE:
        qs = qs.filter(regency__isnull=True)
    elif code := _regency_code(filters.regency):
        qs = qs.filter(regency_id=code)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(sector__icontains=filters.q))
    seen = Agreement.objects.visible_to(user).filter(partner=OuterRef("pk")).order_by()
    count = seen.values("partner").annotate(n=Count("pk")).values("n")
    return qs.annotate(agreement_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0))).order_by(
        "name", "id"
    )


def partner_get(*, user: Any, pk: Any) -> Partner:
    """Raises Partner.DoesNotExist when absent or out of the user's scope (a 404 either way)."""
    return Partner.objects.visible_to(user).select_related("regency").get(pk=pk)


def partner_choices(*, user: Any, regency_code: str | None = None) -> QuerySet[Partner]:
    """Partners an agreement may be signed with: seen by the user, of the regency (if given) or province-wide."""
    qs = Partner.objects.visible_to(user).select_related("regency")
    if regency_code:
        qs = qs.filter(Q(regency_id=regency_code) | Q(regency__isnull=True))
    return qs.order_by("name", "id")


@dataclass(frozen=True)
class AgreementFilters:
    q: str = ""
    partner_id: int | None = None
    regency: str = ""
    scope: str = ""
    active_on: dt.date | None = None  # agreements running on that day
    group_id: int | None = None  # agreements covering that KUBE

    @classmethod
    def from_params(cls, params: Any) -> "AgreementFilters":
        return cls(
            q=_text(params, "q"),
            partner_id=_id(_text(params, "partner_id")),
            regency=_text(params, "regency"),
            scope=_text(params, "scope"),
            active_on=_day(_text(params, "active_on")),
            group_id=_id(_text(params, "group_id")),
        )


def _with_group_count(qs: QuerySet[Agreement]) -> QuerySet[Agreement]:
    # Filters on the KUBE go through a subquery (see agreement_list), so this is the only join to the covers.
    return qs.annotate(group_count=Count("groups", distinct=True))


def agreement_list(*, user: Any, filters: AgreementFilters) -> QuerySet[Agreement]:
    """Agreements the user sees, each with `group_count` (the KUBE it covers)."""
    qs = Agreement.objects.visible_to(user).select_related("partner", "regency")
    if filters.partner_id:
        qs = qs.filter(partner_id=filters.partner_id)
    if code := _regency_code(filters.regency):
        qs = qs.filter(regency_id=code)
    if filters.scope in Agreement.SCOPES:
        qs = qs.filter(**{f"scope_{filters.scope}": True})
    if filters.active_on:
        qs = qs.active_on(filters.active_on)
    if filters.group_id:
        qs = qs.filter(pk__in=Covers.objects.filter(group_id=filters.group_id).values("agreement_id"))
    if filters.q:
        q = filters.q
        qs = qs.filter(Q(title__icontains=q) | Q(partner__name__icontains=q) | Q(document_ref__icontains=q))
    return _with_group_count(qs).order_by("-start_on", "id")


def agreement_get(*, user: Any, pk: Any) -> Agreement:
    return Agreement.objects.visible_to(user).select_related("partner", "partner__regency", "regency").get(pk=pk)


def agreement_groups(*, agreement: Agreement) -> QuerySet[Group]:
    return agreement.groups.select_related("desa", "desa__parent").order_by("name", "id")


def agreement_activities(*, agreement: Agreement) -> QuerySet[Activity]:
    return agreement.activities.select_related("group", "entered_by").order_by("-on", "-id")


def activity_get(*, user: Any, pk: Any) -> Activity:
    return Activity.objects.visible_to(user).select_related("agreement").get(pk=pk)


def groups_offered(
    *, user: Any, regency_code: str, q: str = "", chosen: list[int] | None = None, limit: int = 100
) -> list[Group]:
    """The KUBE pickable for an agreement: the active KUBE of its regency the user sees, matching `q` (name or
    code), and always those already chosen, whatever their status, so a search does not drop them."""
    visible = Group.objects.visible_to(user).filter(regency_id=regency_code).select_related("desa")
    matching = visible.filter(status=Group.Status.ACTIVE)
    if q:
        matching = matching.filter(Q(name__icontains=q) | Q(code__startswith=q))
    picked = list(visible.filter(pk__in=chosen or []).order_by("name", "id"))
    others = list(matching.exclude(pk__in=[g.pk for g in picked]).order_by("name", "id")[:limit])
    return picked + others


# --- indicators ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegencyCoverage:
    code: str
    name: str
    active: int  # active KUBE
    covered: int  # of those, with at least one agreement running on the day

    @property
    def share(self) -> float | None:
        """Percent of active KUBE covered; None when the regency has no active KUBE (not 0%: nothing to cover)."""
        return round(100 * self.covered / self.active, 1) if self.active else None


@dataclass(frozen=True)
class PartnerTypeCount:
    type: str
    label: str
    partners: int
    engaged: int  # with an agreement running on the day


@dataclass(frozen=True)
class Coverage:
    on: dt.date
    regencies: list[RegencyCoverage]
    by_type: list[PartnerTypeCount]

    @property
    def total(self) -> RegencyCoverage:
        active, covered = sum(r.active for r in self.regencies), sum(r.covered for r in self.regencies)
        return RegencyCoverage(code="", name="", active=active, covered=covered)


def _regencies_in_scope(user: Any, seen: set[str]) -> QuerySet[Region]:
    """Every regency for a provincial admin; a regional user's own; and those of the KUBE the user sees."""
    qs = Region.objects.filter(level=Region.Level.REGENCY)
    if getattr(user, "is_province_admin", False):
        return qs.order_by("code")
    return qs.filter(code__in=seen | set(getattr(user, "regency_codes", []) or [])).order_by("code")


def _coverage_by_regency(user: Any, on: dt.date) -> list[RegencyCoverage]:
    running = Covers.objects.filter(group_id=OuterRef("pk"), agreement__start_on__lte=on, agreement__end_on__gte=on)
    active = Group.objects.visible_to(user).filter(status=Group.Status.ACTIVE).order_by()
    rows = active.values("regency_id").annotate(active=Count("pk"), covered=Count("pk", filter=Exists(running)))
    counts: dict[str, tuple[int, int]] = {row["regency_id"]: (row["active"], row["covered"]) for row in rows}
    return [
        RegencyCoverage(region.code, region.name, *counts.get(region.code, (0, 0)))
        for region in _regencies_in_scope(user, set(counts))
    ]


def _partners_by_type(user: Any, on: dt.date) -> list[PartnerTypeCount]:
    running = Agreement.objects.visible_to(user).active_on(on).filter(partner=OuterRef("pk"))
    rows = (
        Partner.objects.visible_to(user)
        .order_by()
        .values("type")
        .annotate(partners=Count("pk"), engaged=Count("pk", filter=Exists(running)))
    )
    counts: dict[str, tuple[int, int]] = {row["type"]: (row["partners"], row["engaged"]) for row in rows}
    return [PartnerTypeCount(value, str(label), *counts.get(value, (0, 0))) for value, label in Partner.Type.choices]


def partnership_coverage(*, user: Any, on: dt.date | None = None) -> Coverage:
    """The partnership indicators on a day (default today): per regency in the user's scope, the active KUBE
    and those with at least one running agreement; and the partners the user sees, by type."""
    day = on or timezone.localdate()
    return Coverage(on=day, regencies=_coverage_by_regency(user, day), by_type=_partners_by_type(user, day))


@dataclass(frozen=True)
class GroupPartnerships:
    active: list[Agreement]
    upcoming: list[Agreement]
    ended: list[Agreement]
    activities: list[Activity]


def group_partnerships(*, group: Group, on: dt.date | None = None, recent: int = 10) -> GroupPartnerships:
    """A KUBE's agreements (running, not yet started, ended) and the latest activities under them that concern
    it: those recorded for it and those for the whole agreement."""
    day = on or timezone.localdate()
    agreements = list(group.agreements.select_related("partner").order_by("-end_on", "-id"))
    mine = Q(group=group) | Q(group__isnull=True)
    activities = Activity.objects.filter(mine, agreement__in=[a.pk for a in agreements])
    return GroupPartnerships(
        active=[a for a in agreements if a.is_active(day)],
        upcoming=[a for a in agreements if a.start_on > day],
        ended=[a for a in agreements if a.end_on < day],
        activities=list(activities.select_related("agreement__partner", "group").order_by("-on", "-id")[:recent]),
    )
