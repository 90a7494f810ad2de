"""Input and output shapes of the briefing API, and the functions that build the outputs from rows and summaries
(none of them queries beyond what the summary already holds)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import WithJsonSchema

from pendamping.companions.selectors.briefing import Hours
from pendamping.companions.selectors.briefing_summary import PairedTest, Plan, Results
from pendamping.core.api_ordering import OrderKeys, ordering_field
from pendamping.core.api_support import MAX_ID, Id, Input, Money, PageQuery, build

BriefingStatus = Literal["planned", "running", "finished"]
Method = Literal["lecture", "discussion", "role_play", "case_study", "field", "simulation"]
# A clock time of the day ("08:00:00"), local like the session's date: JSON Schema's format "time" demands an
# offset from UTC, which an answer does not carry, so the schema names RFC 3339's "partial-time".
LocalTime = Annotated[dt.time, WithJsonSchema({"type": "string", "format": "partial-time", "examples": ["08:00:00"]})]


BRIEFING_ORDER: OrderKeys = {
    "starts_on": "starts_on",
    "ends_on": "ends_on",
    "title": "title",
    "status": "status",
    "id": "pk",
}


class BriefingQuery(PageQuery):
    q: str = Field("", description="Part of the title or the venue")
    status: BriefingStatus | Literal[""] = ""
    ordering: str | None = ordering_field(BRIEFING_ORDER)


class BriefingIn(Input):
    title: str = Field(max_length=200)
    starts_on: dt.date
    ends_on: dt.date
    venue: str = Field("", max_length=200)
    venue_capacity: int | None = Field(None, ge=1, le=1000, description="Participants the venue holds")
    completion_share: Decimal = Field(
        Decimal(80), gt=0, le=100, max_digits=5, decimal_places=2, description="% of hours needed to complete"
    )

    nullable = frozenset({"venue_capacity"})


class BriefingPatch(Input):
    version: int = Field(ge=1, le=MAX_ID)
    title: str | None = Field(None, max_length=200)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    venue: str | None = Field(None, max_length=200)
    venue_capacity: int | None = Field(None, ge=1, le=1000, description="null: not set")
    completion_share: Decimal | None = Field(None, gt=0, le=100, max_digits=5, decimal_places=2)

    nullable = frozenset({"venue_capacity"})


class BriefingOut(Schema):
    id: int
    title: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    venue: str
    venue_capacity: int | None
    completion_share: float
    version: int
    participant_count: int
    session_count: int


class ModuleIn(Input):
    title: str = Field(max_length=200)
    hours: Decimal = Field(gt=0, le=999, max_digits=5, decimal_places=2, description="Planned in the curriculum")
    goals: str = Field("", max_length=4000)


class ModuleOut(Schema):
    id: int
    title: str
    hours: float = Field(description="Planned in the curriculum")
    scheduled_hours: float = Field(description="The sum of the module's sessions")
    sessions: int
    mismatch: bool
    goals: str


class SessionIn(Input):
    module_id: Id
    on: dt.date
    starts_at: dt.time
    ends_at: dt.time
    method: Method
    topic: str = Field("", max_length=200)
    instructor_ids: list[Id] = Field(default_factory=list, max_length=20)


class SessionOut(Schema):
    id: int
    module_id: int
    module_title: str
    on: dt.date
    starts_at: LocalTime
    ends_at: LocalTime
    hours: float
    method: str
    topic: str
    instructor_ids: list[int]


class BudgetIn(Input):
    item: str = Field(max_length=200)
    planned: Money
    actual: Money | None = Field(None, description="null or left out: not spent yet")

    nullable = frozenset({"actual"})


class BudgetOut(Schema):
    id: int
    item: str
    planned: int
    actual: int | None
    variance: int | None = Field(description="Actual minus planned, once the actual amount is known")


class EquipmentIn(Input):
    item: str = Field(max_length=160)
    quantity: int = Field(1, ge=1, le=10000)
    ready: bool = False


class EquipmentOut(Schema):
    id: int
    item: str
    quantity: int
    ready: bool


class ParticipantIn(Input):
    companion_id: Id


class ParticipantOut(Schema):
    id: int
    companion_id: int
    companion_name: str
    regency_code: str
    companion_status: str
    attended_hours: float
    share: float = Field(description="% of the batch's session hours attended")
    completed: bool = Field(description="Decided when the batch is finished")
    pre_score: float | None
    post_score: float | None


class AttendanceIn(Input):
    present: list[Id] = Field(max_length=1000, description="Participant ids present; the others are absent")


class AttendanceOut(Schema):
    session_id: int
    present: list[int]
    absent: list[int]


class ParticipantScoreIn(Input):
    participant_id: Id
    pre_score: Decimal | None = Field(None, description="0-100; null clears it; left out: unchanged")
    post_score: Decimal | None = Field(None, description="0-100; null clears it; left out: unchanged")

    nullable = frozenset({"pre_score", "post_score"})


class ScoresIn(Input):
    scores: list[ParticipantScoreIn] = Field(max_length=1000)


class FinishIn(Input):
    """No fields: finishing takes nothing but the batch."""


class InstructorIn(Input):
    name: str = Field(max_length=120)
    institution: str = Field("", max_length=160)
    expertise: str = Field("", max_length=200)


class InstructorOut(Schema):
    id: int
    name: str
    institution: str
    expertise: str


def briefing_out(b: Any) -> BriefingOut:
    counts = {k: getattr(b, k, None) for k in ("participant_count", "session_count")}
    if counts["participant_count"] is None:
        counts = {"participant_count": b.participants.count(), "session_count": b.sessions.count()}
    return build(BriefingOut, b, completion_share=float(b.completion_share), **counts)


def session_out(s: Any) -> SessionOut:
    ids = [i.pk for i in s.instructors.all()]
    return build(SessionOut, s, module_title=s.module.title, hours=float(s.hours), instructor_ids=ids)


def budget_out(line: Any) -> BudgetOut:
    variance = None if line.actual is None else line.actual - line.planned
    return build(BudgetOut, line, variance=variance)


def participant_out(p: Any, hours: Hours) -> ParticipantOut:
    c = p.companion
    return build(
        ParticipantOut,
        p,
        companion_name=c.name,
        regency_code=c.regency_id,
        companion_status=c.status,
        attended_hours=float(hours.of(p.pk)),
        share=float(hours.share(p.pk)),
        pre_score=None if p.pre_score is None else float(p.pre_score),
        post_score=None if p.post_score is None else float(p.post_score),
    )


def modules_out(plan: Plan) -> list[ModuleOut]:
    return [
        build(ModuleOut, m.module, hours=float(m.module.hours), scheduled_hours=float(m.scheduled),
              sessions=m.sessions, mismatch=m.mismatch)
        for m in plan.modules
    ]  # fmt: skip


def test_out(test: PairedTest) -> dict[str, Any]:
    r = test.result
    if r is None:
        return {"name": test.name, "testable": False, "reason": test.reason}
    return {"name": test.name, "testable": True, "method": r.method, "statistic": r.statistic, "df": r.df,
            "p_value": r.pvalue, "warnings": list(r.warnings)}  # fmt: skip


def plan_out(plan: Plan) -> dict[str, Any]:
    """The seven elements as JSON."""
    return {
        "participants": {"count": plan.participant_count, "by_status": dict(plan.by_status),
                         "capacity": plan.capacity, "over_capacity": plan.over_capacity},
        "materials": {"modules": modules_out(plan), "planned_hours": float(plan.planned_hours),
                      "scheduled_hours": float(plan.total_hours), "mismatches": plan.mismatches},
        "methods": [{"method": label, "sessions": n, "hours": float(h)} for label, n, h in plan.methods],
        "budget": {"lines": [budget_out(row.line) for row in plan.budget_lines], "planned_total": plan.planned_total,
                   "actual_total": plan.actual_total, "variance": plan.variance},
        "time": {"sessions": [session_out(s) for s in plan.sessions], "total_hours": float(plan.total_hours),
                 "days": [{"on": day, "sessions": len(rows), "hours": float(h)} for day, rows, h in plan.days]},
        "instructors": {
            "load": [{"id": x.instructor.pk, "name": x.instructor.name, "sessions": [s.pk for s in x.sessions],
                      "hours": float(x.hours)} for x in plan.instructors],
            "clashes": [{"instructor_id": c.instructor.pk, "session_id": c.session.pk, "other_session_id": c.other.pk}
                        for c in plan.clashes],
        },
        "facilities": {"venue": plan.briefing.venue, "capacity": plan.capacity,
                       "participants": plan.participant_count, "equipment_ready": plan.equipment_ready,
                       "equipment_missing": plan.equipment_missing,
                       "equipment": [build(EquipmentOut, e) for e in plan.equipment]},
    }  # fmt: skip


def results_out(results: Results, hours: Hours) -> dict[str, Any]:
    return {
        "participants": [participant_out(r.participant, hours) for r in results.rows],
        "participant_count": results.participants,
        "completed": results.completed,
        "finished": results.finished,
        "pairs": results.pairs,
        "mean_pre": results.mean_pre,
        "mean_post": results.mean_post,
        "mean_gain": results.mean_gain,
        "tests": [test_out(t) for t in results.tests],
    }


class BriefingReportOut(Schema):
    briefing: BriefingOut
    plan: dict[str, Any] = Field(description="participants, materials, methods, budget, time, instructors, facilities")
    results: dict[str, Any] = Field(description="Per participant attendance, completion and scores; mean gain; tests")
