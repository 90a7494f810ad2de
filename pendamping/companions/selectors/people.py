"""Companion reads, scoped."""

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from pendamping.companions.models import Assignment, Companion
from pendamping.registry.models import Group


@dataclass(frozen=True)
class CompanionFilters:
    q: str = ""
    regency: str = ""
    kecamatan: str = ""  # where the companion lives (the dashboards' drill-down)
    status: str = ""
    education: str = ""

    @classmethod
    def from_params(cls, params: Any) -> "CompanionFilters":
        return cls(**{k: str(params.get(k, "") or "").strip()[:60] for k in cls.__dataclass_fields__})


def companion_list(*, user: Any, filters: CompanionFilters) -> QuerySet[Companion]:
    qs = Companion.objects.visible_to(user).select_related("regency", "home_desa")
    if len(filters.regency) == 5:
        qs = qs.filter(regency_id=filters.regency)
    if re.fullmatch(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}", filters.kecamatan):
        qs = qs.filter(home_desa__parent_id=filters.kecamatan)
    if filters.status in Companion.Status.values:
        qs = qs.filter(status=filters.status)
    if filters.education in Companion.Education.values:
        qs = qs.filter(education=filters.education)
    q = filters.q
    if q.isdigit() and len(q) >= 6:
        qs = qs.filter(nik__startswith=q)
    elif q:
        qs = qs.filter(name__icontains=q)
    caseload = Count("assignments", filter=Q(assignments__ended_on__isnull=True))
    return qs.annotate(caseload=caseload).order_by("name", "id")


def companion_get(*, user: Any, pk: Any) -> Companion:
    return Companion.objects.visible_to(user).select_related("regency", "home_desa", "home_desa__parent").get(pk=pk)


def companion_assignments(*, companion: Companion) -> QuerySet[Assignment]:
    return companion.assignments.select_related("group", "group__desa").order_by("ended_on", "-started_on")


def assignment_list(*, user: Any, companion_id: Any = None, group_id: Any = None) -> QuerySet[Assignment]:
    qs = Assignment.objects.visible_to(user).select_related("companion", "group", "group__desa")
    if companion_id:
        qs = qs.filter(companion_id=companion_id)
    if group_id:
        qs = qs.filter(group_id=group_id)
    return qs.order_by("ended_on", "-started_on", "id")


def group_current_companion(*, group: Group) -> Companion | None:
    a = group.assignments.filter(ended_on__isnull=True).select_related("companion").first()
    return a.companion if a else None


NEARNESS = ("desa", "kecamatan", "regency")  # the value of `near` on a suggested KUBE, by index


def _near(companion: Companion) -> Case:
    """0: the companion's home desa, 1: their kecamatan, 2: elsewhere in the regency. By Kemendagri codes: a desa
    35.78.01.1001 lies in kecamatan 35.78.01, so a prefix says it without joining the region table."""
    home = str(companion.home_desa_id)
    kecamatan = home.rsplit(".", 1)[0]
    return Case(
        When(desa_id=home, then=Value(0)),
        When(desa__code__startswith=f"{kecamatan}.", then=Value(1)),  # no join: code is the key
        default=Value(2),
        output_field=IntegerField(),
    )


def _assignable(companion: Companion, user: Any = None) -> QuerySet[Group]:
    taken = Assignment.objects.filter(group=OuterRef("pk"), ended_on__isnull=True)
    qs = Group.objects.visible_to(user) if user is not None else Group.objects.all()
    qs = qs.filter(regency_id=companion.regency_id, status__in=[Group.Status.FORMING, Group.Status.ACTIVE])
    qs = qs.exclude(Exists(taken)).select_related("desa", "desa__parent")
    return qs.annotate(near=_near(companion)).order_by("near", "name", "id")


def groups_assignable(*, user: Any, companion: Companion) -> QuerySet[Group]:
    """KUBE of the companion's regency, visible to the user, without a companion now, the nearest first."""
    return _assignable(companion, user)


def groups_suggested(*, companion: Companion, limit: int = 10, user: Any = None) -> list[Any]:
    """The nearest KUBE (forming or active) of the companion's regency without a companion now: their home desa
    first, then their kecamatan, then the rest of the regency, each by name. Each has `near` (0, 1, 2; see
    NEARNESS). With `user`, only KUBE that user sees."""
    return list(_assignable(companion, user)[: max(1, min(limit, 100))])
