"""Briefing reads, scoped: batches and their rows through the batches a user may see, the candidates a batch may
take, and the attendance arithmetic that finishing a batch and its results share. The seven-element plan and the
results are in selectors/briefing_summary.py."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from pendamping.companions.models import (
    Attendance,
    Briefing,
    BudgetLine,
    Companion,
    Equipment,
    Instructor,
    Module,
    Participant,
    Session,
)
from pendamping.companions.selectors.area_filters import companion_area, count_per, ending_between

ELIGIBLE = (Companion.Status.CANDIDATE, Companion.Status.TRAINEE, Companion.Status.ACTIVE)
HUNDRED = Decimal(100)

__all__ = [
    "ELIGIBLE",
    "Attendance",
    "Briefing",
    "BriefingFilters",
    "BudgetLine",
    "Equipment",
    "Hours",
    "Instructor",
    "Module",
    "Participant",
    "Session",
    "attendance_hours",
    "briefing_get",
    "briefing_list",
    "budget_line_get",
    "companion_briefings",
    "equipment_get",
    "instructor_get",
    "instructor_list",
    "module_get",
    "participant_candidates",
    "participant_get",
    "participant_rows",
    "session_attendance",
    "session_get",
]


@dataclass(frozen=True)
class BriefingFilters:
    q: str = ""
    status: str = ""
    regency: str = ""  # batches with participants serving there (selectors.area_filters)
    kecamatan: str = ""  # batches with participants living there; takes the place of `regency`
    ends_from: str = ""  # YYYY-MM-DD, inclusive, on the batch's last day
    ends_to: str = ""

    @classmethod
    def from_params(cls, params: Any) -> "BriefingFilters":
        return cls(**{k: str(params.get(k, "") or "").strip()[:60] for k in cls.__dataclass_fields__})

    @property
    def area(self) -> Q | None:
        return companion_area(regency=self.regency, kecamatan=self.kecamatan)


def briefing_list(*, user: Any, filters: BriefingFilters | None = None) -> QuerySet[Briefing]:
    """The batches the user sees, newest first. With an area, only those with participants of it the user may see,
    each with their number (`area_participants`) and of those who completed (`area_completed`): over a period
    these add up to the dashboards' briefing figures of the area."""
    filters = filters or BriefingFilters()
    qs = Briefing.objects.visible_to(user)
    if filters.status in Briefing.Status.values:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(venue__icontains=filters.q))
    qs = ending_between(qs, ends_from=filters.ends_from, ends_to=filters.ends_to)
    counts: dict[str, Any] = {
        "participant_count": Count("participants", distinct=True),
        "session_count": Count("sessions", distinct=True),
    }
    if (area := filters.area) is not None:
        # An EXISTS, not a join: a batch with many participants of the area is still one row.
        people = Participant.objects.visible_to(user).filter(area, briefing=OuterRef("pk"))
        qs = qs.filter(Exists(people))
        counts["area_participants"] = count_per(people, key="briefing")
        counts["area_completed"] = count_per(people.filter(completed=True), key="briefing")
    return qs.annotate(**counts).order_by("-starts_on", "id")


def _visible(user: Any) -> QuerySet[Briefing]:
    return Briefing.objects.visible_to(user)


def briefing_get(*, user: Any, pk: Any) -> Briefing:
    return _visible(user).get(pk=pk)


def module_get(*, user: Any, pk: Any) -> Module:
    return Module.objects.filter(briefing__in=_visible(user)).select_related("briefing").get(pk=pk)


def session_get(*, user: Any, pk: Any) -> Session:
    qs = Session.objects.filter(briefing__in=_visible(user)).select_related("briefing", "module")
    return qs.prefetch_related("instructors").get(pk=pk)


def budget_line_get(*, user: Any, pk: Any) -> BudgetLine:
    return BudgetLine.objects.filter(briefing__in=_visible(user)).select_related("briefing").get(pk=pk)


def equipment_get(*, user: Any, pk: Any) -> Equipment:
    return Equipment.objects.filter(briefing__in=_visible(user)).select_related("briefing").get(pk=pk)


def participant_get(*, user: Any, pk: Any) -> Participant:
    """A participant of a batch the user sees, and whom the user may see (officers: their regencies' people)."""
    qs = Participant.objects.visible_to(user).filter(briefing__in=_visible(user))
    return qs.select_related("briefing", "companion").get(pk=pk)


def participant_rows(*, user: Any, briefing: Briefing) -> QuerySet[Participant]:
    """The batch's participants the user may see by name: all for admins, their regencies' for officers and
    auditors (counts and statistics of the whole batch are in the summary)."""
    qs = Participant.objects.visible_to(user).filter(briefing=briefing)
    return qs.select_related("companion", "companion__regency").order_by("companion__name", "id")


def participant_candidates(*, user: Any, briefing: Briefing) -> QuerySet[Companion]:
    """Candidates, trainees and active companions the user sees who are not in the batch yet."""
    qs = Companion.objects.visible_to(user).filter(status__in=ELIGIBLE).exclude(briefings__briefing=briefing)
    return qs.select_related("regency").order_by("name", "id")


def instructor_list(*, user: Any) -> QuerySet[Instructor]:
    """Instructors are the province's, kept across batches; the session count covers the batches the user sees."""
    mine = Q(sessions__briefing__in=_visible(user))
    return Instructor.objects.annotate(session_count=Count("sessions", filter=mine, distinct=True)).order_by("name")


def instructor_get(*, pk: Any) -> Instructor:
    return Instructor.objects.get(pk=pk)


@dataclass(frozen=True)
class Hours:
    """A batch's session hours and, per participant id, the hours they were present for."""

    total: Decimal
    attended: dict[int, Decimal]

    def of(self, participant_id: int) -> Decimal:
        return self.attended.get(participant_id, Decimal(0))

    def share(self, participant_id: int) -> Decimal:
        """Percent of the batch's hours attended, to one decimal."""
        if not self.total:
            return Decimal(0)
        return (self.of(participant_id) * HUNDRED / self.total).quantize(Decimal("0.1"))

    def meets(self, participant_id: int, threshold: Decimal) -> bool:
        # Compared unrounded: 79.96% must not pass an 80% threshold by rounding.
        return bool(self.total) and self.of(participant_id) * HUNDRED >= threshold * self.total


def attendance_hours(*, briefing: Briefing) -> Hours:
    sessions = {s.pk: s.hours for s in Session.objects.filter(briefing=briefing).only("starts_at", "ends_at")}
    attended: dict[int, Decimal] = defaultdict(Decimal)
    present = Attendance.objects.filter(session__briefing=briefing, present=True)
    for participant_id, session_id in present.values_list("participant_id", "session_id"):
        attended[participant_id] += sessions[session_id]
    return Hours(total=sum(sessions.values(), Decimal(0)), attended=dict(attended))


def session_attendance(*, session: Session) -> dict[int, bool]:
    """Participant id -> present, for the participants whose attendance was recorded for the session."""
    return dict(session.attendance.values_list("participant_id", "present"))


@dataclass(frozen=True)
class CompanionBriefing:
    participant: Participant
    attended: Decimal
    total: Decimal
    share: Decimal


def companion_briefings(*, user: Any, companion: Companion) -> list[CompanionBriefing]:
    """The batches a companion took part in (those the user sees), with their attendance share."""
    batches = _visible(user)
    qs = Participant.objects.visible_to(user).filter(companion=companion, briefing__in=batches)
    rows = []
    for participant in qs.select_related("briefing").order_by("-briefing__starts_on"):
        hours = attendance_hours(briefing=participant.briefing)
        pid = participant.pk
        rows.append(CompanionBriefing(participant, hours.of(pid), hours.total, hours.share(pid)))
    return rows
