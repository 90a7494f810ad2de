"""Enterprise reads for the API's flat lists: plan items, spending, IKS entries and welfare records across the
KUBE and families the user sees (the pages show them per grant, KUBE or family), the locked months, and the
classification rubrics. Scoped by `visible_to`, with the joins a row needs."""

import re
from typing import Any

from django.db.models import Count, QuerySet

from pendamping.enterprise.models import IksEntry, PeriodLock, PlanItem, Realisation, Rubric, WelfareRecord


def _regency(value: str) -> str | None:
    """A regency code such as 35.78, or None: a malformed filter is ignored, it never widens a query."""
    return value if re.fullmatch(r"\d{2}\.\d{2}", value or "") else None


def plan_items_all(
    *, user: Any, grant_id: int | None = None, group_id: int | None = None, regency: str = ""
) -> QuerySet[PlanItem]:
    qs = PlanItem.objects.visible_to(user).select_related("grant__group")
    if grant_id:
        qs = qs.filter(grant_id=grant_id)
    if group_id:
        qs = qs.filter(grant__group_id=group_id)
    if code := _regency(regency):
        qs = qs.filter(grant__group__regency_id=code)
    return qs.order_by("grant_id", "position", "pk")


def realisations_all(
    *,
    user: Any,
    grant_id: int | None = None,
    group_id: int | None = None,
    plan_item_id: int | None = None,
    regency: str = "",
) -> QuerySet[Realisation]:
    qs = Realisation.objects.visible_to(user).select_related("grant__group", "entered_by")
    if grant_id:
        qs = qs.filter(grant_id=grant_id)
    if group_id:
        qs = qs.filter(grant__group_id=group_id)
    if plan_item_id:
        qs = qs.filter(plan_item_id=plan_item_id)
    if code := _regency(regency):
        qs = qs.filter(grant__group__regency_id=code)
    return qs.order_by("-spent_on", "pk")


def iks_entries_all(*, user: Any, group_id: int | None = None, kind: str = "", regency: str = "") -> QuerySet[IksEntry]:
    qs = IksEntry.objects.visible_to(user).select_related("group")
    if group_id:
        qs = qs.filter(group_id=group_id)
    if kind:
        qs = qs.filter(kind=kind)
    if code := _regency(regency):
        qs = qs.filter(group__regency_id=code)
    return qs.order_by("-on", "pk")


def welfare_records_all(
    *, user: Any, family_id: int | None = None, group_id: int | None = None, kind: str = "", regency: str = ""
) -> QuerySet[WelfareRecord]:
    qs = WelfareRecord.objects.visible_to(user).select_related("family")
    if family_id:
        qs = qs.filter(family_id=family_id)
    if group_id:
        qs = qs.filter(group_id=group_id)
    if kind:
        qs = qs.filter(kind=kind)
    if code := _regency(regency):
        qs = qs.filter(family__regency_id=code)
    return qs.order_by("-recorded_on", "pk")


def period_locks(*, user: Any, regency: str = "") -> QuerySet[PeriodLock]:
    qs = PeriodLock.objects.visible_to(user).select_related("locked_by")
    if code := _regency(regency):
        qs = qs.filter(regency_id=code)
    return qs.order_by("-period", "regency_id", "pk")


def rubrics_all(*, q: str = "") -> QuerySet[Rubric]:
    """The office's classification rubrics: the same in every regency, so not scoped."""
    qs = Rubric.objects.annotate(indicator_count=Count("indicators", distinct=True))
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("-is_active", "name", "pk")


def rubric_get(*, pk: Any) -> Rubric:
    return Rubric.objects.prefetch_related("levels", "indicators").get(pk=pk)
