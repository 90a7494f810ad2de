"""Companion reads, scoped."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from pendamping.companions.models import Assignment, Companion
from pendamping.registry.models import Group


@dataclass(frozen=True)
class CompanionFilters:
    q: str = ""
    regency: str = ""
    status: str = ""
    education: str = ""

    @classmethod
    def from_params(cls, params: Any) -> "CompanionFilters":
        return cls(**{k: str(params.get(k, "") or "").strip()[:60] for k in cls.__dataclass_fields__})


def companion_list(*, user: Any, filters: CompanionFilters) -> QuerySet[Companion]:
    qs = Companion.objects.visible_to(user).select_related("regency", "home_desa")
    if len(filters.regency) == 5:
        qs = qs.filter(regency_id=filters.regency)
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


def groups_assignable(*, user: Any, companion: Companion) -> QuerySet[Group]:
    """KUBE of the companion's regency, visible to the user, without a companion now, nearest (same kecamatan) first."""
    taken = Assignment.objects.filter(group=OuterRef("pk"), ended_on__isnull=True)
    qs = Group.objects.visible_to(user).filter(regency_id=companion.regency_id).exclude(Exists(taken))
    qs = qs.filter(status__in=[Group.Status.FORMING, Group.Status.ACTIVE]).select_related("desa", "desa__parent")
    same_kec = Q(desa__parent_id=companion.home_desa.parent_id)
    near = Case(When(same_kec, then=Value(1)), default=Value(0), output_field=IntegerField())
    return qs.annotate(near=near).order_by("-near", "name")
