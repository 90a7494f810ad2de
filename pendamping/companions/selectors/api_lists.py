"""Companion-model reads for the API's flat lists: applications across calls, placements across rounds, briefing
participants across batches, one assignment, and the appraisal rubrics. Scoped by `visible_to`; the pages show
these rows inside their call, round or batch."""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from pendamping.companions.models import (
    AppraisalRubric,
    Assessment,
    Assignment,
    Participant,
    Placement,
)
from pendamping.companions.models.recruitment import Application


def _regency(value: str) -> str:
    return value if len(value) == 5 and value[2] == "." else ""


def assignment_get(*, user: Any, pk: Any) -> Assignment:
    """Raises Assignment.DoesNotExist when absent or out of the user's scope (a 404 either way)."""
    return Assignment.objects.visible_to(user).select_related("companion", "group").get(pk=pk)


def applications_all(
    *, user: Any, call_id: int | None = None, regency: str = "", status: str = "", q: str = ""
) -> QuerySet[Application]:
    qs = Application.objects.visible_to(user).select_related("regency")
    if call_id:
        qs = qs.filter(call_id=call_id)
    if code := _regency(regency):
        qs = qs.filter(regency_id=code)
    if status:
        qs = qs.filter(status=status)
    if q.isdigit() and len(q) >= 6:
        qs = qs.filter(nik__startswith=q)
    elif q:
        qs = qs.filter(Q(name__icontains=q) | Q(reference__iexact=q))
    return qs.order_by("-created_at", "pk")


def placements_all(
    *, user: Any, round_id: int | None = None, companion_id: int | None = None, status: str = "", regency: str = ""
) -> QuerySet[Placement]:
    qs = Placement.objects.visible_to(user)
    if round_id:
        qs = qs.filter(round_id=round_id)
    if companion_id:
        qs = qs.filter(companion_id=companion_id)
    if status:
        qs = qs.filter(status=status)
    if code := _regency(regency):
        qs = qs.filter(companion__regency_id=code)
    return (
        qs.select_related("round", "companion", "host__group")
        .annotate(log_count=Count("logbook"))
        .prefetch_related(Prefetch("assessments", queryset=Assessment.objects.order_by("by")))
        .order_by("-round__starts_on", "companion__name", "pk")
    )


def participants_all(
    *,
    user: Any,
    briefing_id: int | None = None,
    companion_id: int | None = None,
    completed: bool | None = None,
    regency: str = "",
) -> QuerySet[Participant]:
    qs = Participant.objects.visible_to(user).select_related("briefing", "companion")
    if briefing_id:
        qs = qs.filter(briefing_id=briefing_id)
    if companion_id:
        qs = qs.filter(companion_id=companion_id)
    if completed is not None:
        qs = qs.filter(completed=completed)
    if code := _regency(regency):
        qs = qs.filter(companion__regency_id=code)
    return qs.order_by("-briefing__starts_on", "companion__name", "pk")


def participant_get(*, user: Any, pk: Any) -> Participant:
    return Participant.objects.visible_to(user).select_related("briefing", "companion").get(pk=pk)


def appraisal_rubrics(*, q: str = "") -> QuerySet[AppraisalRubric]:
    """The office's rubrics: the province's rules, the same in every regency, so not scoped."""
    qs = AppraisalRubric.objects.annotate(indicator_count=Count("indicators"))
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("-is_active", "name", "pk")


def appraisal_rubric_get(*, pk: Any) -> AppraisalRubric:
    return AppraisalRubric.objects.prefetch_related("indicators").get(pk=pk)
