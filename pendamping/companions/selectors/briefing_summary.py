"""A briefing batch summarised over the model's seven elements (participants, materials, methods, budget, time,
instructors, facilities), and its results: attendance share, completion and the pre/post knowledge test with
the batch's mean gain and two paired tests from the statistics core."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from pendamping.companions.models import (
    Attendance,
    Briefing,
    BudgetLine,
    Companion,
    Instructor,
    Module,
    Participant,
    Session,
)
from pendamping.companions.selectors.briefing import Hours, attendance_hours, participant_rows
from pendamping.stats import NotTestable, TestResult, paired_t, wilcoxon_signed_rank

ZERO = Decimal(0)


@dataclass(frozen=True)
class ModuleHours:
    module: Module
    scheduled: Decimal
    sessions: int

    @property
    def difference(self) -> Decimal:
        return self.scheduled - self.module.hours

    @property
    def mismatch(self) -> bool:
        return self.difference != 0


@dataclass(frozen=True)
class InstructorLoad:
    instructor: Instructor
    sessions: list[Session]
    hours: Decimal


@dataclass(frozen=True)
class Clash:
    instructor: Instructor
    session: Session
    other: Session


@dataclass(frozen=True)
class BudgetRow:
    line: BudgetLine
    variance: int | None  # actual minus planned, once the actual amount is known


@dataclass
class Plan:
    briefing: Briefing
    participant_count: int = 0
    by_status: list[tuple[str, int]] = field(default_factory=list)
    modules: list[ModuleHours] = field(default_factory=list)
    methods: list[tuple[str, int, Decimal]] = field(default_factory=list)
    budget_lines: list[BudgetRow] = field(default_factory=list)
    planned_total: int = 0
    actual_total: int = 0
    lines_without_actual: int = 0
    days: list[tuple[dt.date, list[Session], Decimal]] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    total_hours: Decimal = ZERO
    instructors: list[InstructorLoad] = field(default_factory=list)
    clashes: list[Clash] = field(default_factory=list)
    equipment: list[Any] = field(default_factory=list)

    @property
    def capacity(self) -> int | None:
        return self.briefing.venue_capacity

    @property
    def over_capacity(self) -> bool:
        return self.capacity is not None and self.participant_count > self.capacity

    @property
    def planned_hours(self) -> Decimal:
        return sum((m.module.hours for m in self.modules), ZERO)

    @property
    def mismatches(self) -> int:
        return sum(1 for m in self.modules if m.mismatch)

    @property
    def variance(self) -> int:
        """Actual minus planned over the whole budget (lines without an actual amount count as nothing spent)."""
        return self.actual_total - self.planned_total

    @property
    def equipment_ready(self) -> int:
        return sum(1 for e in self.equipment if e.ready)

    @property
    def equipment_missing(self) -> int:
        return len(self.equipment) - self.equipment_ready


def _participants(plan: Plan) -> None:
    statuses = Counter(plan.briefing.participants.values_list("companion__status", flat=True))
    labels = dict(Companion.Status.choices)
    plan.participant_count = sum(statuses.values())
    plan.by_status = [(str(labels[s]), statuses[s]) for s in Companion.Status.values if statuses[s]]


def _materials_and_time(plan: Plan) -> None:
    sessions = list(plan.briefing.sessions.select_related("module").prefetch_related("instructors"))
    plan.sessions = sessions
    scheduled: dict[int, Decimal] = defaultdict(Decimal)
    counts: Counter[int] = Counter()
    for s in sessions:
        scheduled[s.module_id] += s.hours
        counts[s.module_id] += 1
    plan.modules = [ModuleHours(m, scheduled[m.pk], counts[m.pk]) for m in plan.briefing.modules.all()]
    by_day: dict[dt.date, list[Session]] = defaultdict(list)
    for s in sessions:
        by_day[s.on].append(s)
    plan.days = [(day, rows, sum((s.hours for s in rows), ZERO)) for day, rows in sorted(by_day.items())]
    plan.total_hours = sum((s.hours for s in sessions), ZERO)
    labels = dict(Session.Method.choices)
    methods: dict[str, list[Session]] = defaultdict(list)
    for s in sessions:
        methods[s.method].append(s)
    plan.methods = [
        (str(labels.get(m, m)), len(rows), sum((s.hours for s in rows), ZERO)) for m, rows in sorted(methods.items())
    ]


def _budget(plan: Plan) -> None:
    lines = list(plan.briefing.budget_lines.all())
    plan.budget_lines = [BudgetRow(line, None if line.actual is None else line.actual - line.planned) for line in lines]
    plan.planned_total = sum(line.planned for line in lines)
    plan.actual_total = sum(line.actual or 0 for line in lines)
    plan.lines_without_actual = sum(1 for line in lines if line.actual is None)


def _instructors(plan: Plan) -> None:
    loads: dict[int, list[Session]] = defaultdict(list)
    people: dict[int, Instructor] = {}
    for s in plan.sessions:
        for person in s.instructors.all():
            loads[person.pk].append(s)
            people[person.pk] = person
    plan.instructors = [
        InstructorLoad(people[pk], rows, sum((s.hours for s in rows), ZERO))
        for pk, rows in sorted(loads.items(), key=lambda item: people[item[0]].name)
    ]
    plan.clashes = _clashes(plan.sessions)


def _clashes(sessions: list[Session]) -> list[Clash]:
    """Each of the batch's sessions against any other session (any batch) that shares an instructor and
    overlaps in time. The services refuse such bookings; this shows rows that reached the database otherwise."""
    found: list[Clash] = []
    for s in sessions:
        ids = [i.pk for i in s.instructors.all()]
        if not ids:
            continue
        overlap = Q(on=s.on, starts_at__lt=s.ends_at, ends_at__gt=s.starts_at, instructors__in=ids)
        others = Session.objects.filter(overlap).exclude(pk=s.pk).select_related("briefing", "module").distinct()
        for other in others.prefetch_related("instructors"):
            for person in other.instructors.all():
                if person.pk in ids:
                    found.append(Clash(person, s, other))
    return found


def briefing_plan(*, briefing: Briefing) -> Plan:
    plan = Plan(briefing=briefing)
    _participants(plan)
    _materials_and_time(plan)
    _budget(plan)
    _instructors(plan)
    plan.equipment = list(briefing.equipment.all())
    return plan


# --- results ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    participant: Participant
    attended: Decimal
    share: Decimal
    meets: bool  # the attendance share reaches the batch's threshold (before finishing: so far)

    @property
    def gain(self) -> Decimal | None:
        p = self.participant
        return None if p.pre_score is None or p.post_score is None else p.post_score - p.pre_score


@dataclass(frozen=True)
class PairedTest:
    name: str
    result: TestResult | None
    reason: str = ""  # why not testable


@dataclass
class Results:
    briefing: Briefing
    total_hours: Decimal
    rows: list[ResultRow]
    completed: int  # of the whole batch (stored once finished; else meeting the threshold so far)
    participants: int
    pairs: int
    mean_pre: float | None
    mean_post: float | None
    mean_gain: float | None
    tests: list[PairedTest]

    @property
    def finished(self) -> bool:
        return self.briefing.status == Briefing.Status.FINISHED


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _test(name: str, test: Any, pre: list[float], post: list[float]) -> PairedTest:
    if len(pre) < 2:
        reason = _("Not testable: %(n)d participant(s) have both scores; at least 2 are needed.") % {"n": len(pre)}
        return PairedTest(name, None, reason)
    try:
        return PairedTest(name, test(pre, post))
    except NotTestable as exc:
        return PairedTest(name, None, _("Not testable: %(reason)s") % {"reason": exc})


def paired_tests(pre: list[float], post: list[float]) -> list[PairedTest]:
    """Pre against post for participants with both scores (the stats core takes d = before - after)."""
    return [
        _test(_("Wilcoxon signed-rank test"), wilcoxon_signed_rank, pre, post),
        _test(_("Paired t-test"), paired_t, pre, post),
    ]


def _scores(briefing: Briefing) -> tuple[list[float], list[float]]:
    both = briefing.participants.filter(pre_score__isnull=False, post_score__isnull=False).order_by("pk")
    pairs = [(a, b) for a, b in both.values_list("pre_score", "post_score") if a is not None and b is not None]
    return [float(a) for a, _b in pairs], [float(b) for _a, b in pairs]


def _completed(briefing: Briefing, hours: Hours) -> int:
    if briefing.status == Briefing.Status.FINISHED:
        return briefing.participants.filter(completed=True).count()
    ids = briefing.participants.values_list("pk", flat=True)
    return sum(1 for pk in ids if hours.meets(pk, briefing.completion_share))


def briefing_results(*, user: Any, briefing: Briefing) -> Results:
    hours = attendance_hours(briefing=briefing)
    threshold = briefing.completion_share
    rows = [
        ResultRow(p, hours.of(p.pk), hours.share(p.pk), hours.meets(p.pk, threshold))
        for p in participant_rows(user=user, briefing=briefing)
    ]
    pre, post = _scores(briefing)
    mean_pre, mean_post = _mean(pre), _mean(post)
    return Results(
        briefing=briefing,
        total_hours=hours.total,
        rows=rows,
        completed=_completed(briefing, hours),
        participants=briefing.participants.count(),
        pairs=len(pre),
        mean_pre=mean_pre,
        mean_post=mean_post,
        mean_gain=None if mean_pre is None or mean_post is None else mean_post - mean_pre,
        tests=paired_tests(pre, post),
    )


def attendance_grid(*, user: Any, briefing: Briefing, sessions: list[Session]) -> list[tuple[Participant, list[Any]]]:
    """Per participant the user may see, per session: present (True), absent (False) or not recorded (None)."""
    rows = Attendance.objects.filter(session__briefing=briefing).values_list("participant_id", "session_id", "present")
    marks = {(participant, session): here for participant, session, here in rows}
    return [(p, [marks.get((p.pk, s.pk)) for s in sessions]) for p in participant_rows(user=user, briefing=briefing)]
