"""The rows of a briefing batch over the API: modules, sessions, budget lines, equipment, participants,
attendance per session and the test scores. The batch is fetched in the caller's scope first (404 otherwise);
reading needs briefing.view, writing briefing.manage (the services check it)."""

from typing import Any

from ninja import Router, Status

from pendamping.accounts.guards import require
from pendamping.companions.api.briefing_schemas import (
    AttendanceIn,
    AttendanceOut,
    BudgetIn,
    BudgetOut,
    EquipmentIn,
    EquipmentOut,
    ModuleIn,
    ModuleOut,
    ParticipantIn,
    ParticipantOut,
    ScoresIn,
    SessionIn,
    SessionOut,
    budget_out,
    modules_out,
    participant_out,
    session_out,
)
from pendamping.companions.selectors.briefing import (
    attendance_hours,
    briefing_get,
    instructor_get,
    module_get,
    participant_rows,
    session_attendance,
    session_get,
)
from pendamping.companions.selectors.briefing_summary import briefing_plan
from pendamping.companions.selectors.people import companion_get
from pendamping.companions.services import briefing as services
from pendamping.core.api_support import ERRORS, ApiRequest, IdPath, build, fields_as, referenced

router = Router(tags=["companions"])
B = "/briefings/{briefing_id}"


def _batch(request: ApiRequest, briefing_id: int, *, read: bool = False) -> Any:
    briefing = briefing_get(user=request.auth, pk=briefing_id)
    if read:
        require(request.auth, "briefing.view")
    return briefing


def _modules(briefing: Any) -> list[ModuleOut]:
    return modules_out(briefing_plan(briefing=briefing))


@router.get(f"{B}/modules", response={200: list[ModuleOut], **ERRORS}, summary="A batch's curriculum modules")
def module_index(request: ApiRequest, briefing_id: IdPath) -> Any:
    return _modules(_batch(request, briefing_id, read=True))


@router.post(f"{B}/modules", response={201: ModuleOut, **ERRORS}, summary="Add a module (hours, learning goals)")
def module_new(request: ApiRequest, briefing_id: IdPath, payload: ModuleIn) -> Any:
    briefing = _batch(request, briefing_id)
    module = services.module_add(actor=request.auth, briefing=briefing, **payload.model_dump())
    return Status(201, next(m for m in _modules(briefing) if m.id == module.pk))


def _sessions(briefing: Any) -> list[SessionOut]:
    return [session_out(s) for s in briefing.sessions.select_related("module").prefetch_related("instructors")]


@router.get(f"{B}/sessions", response={200: list[SessionOut], **ERRORS}, summary="A batch's sessions")
def session_index(request: ApiRequest, briefing_id: IdPath) -> Any:
    return _sessions(_batch(request, briefing_id, read=True))


@router.post(
    f"{B}/sessions",
    response={201: SessionOut, **ERRORS},
    summary="Add a session",
    description="The date within the batch, the end after the start; an instructor already in another session "
    "at that time (any batch) is refused, naming that session.",
)
def session_new(request: ApiRequest, briefing_id: IdPath, payload: SessionIn) -> Any:
    briefing = _batch(request, briefing_id)
    module = referenced(module_get, field="module_id", user=request.auth, pk=payload.module_id)
    people = [referenced(instructor_get, field="instructor_ids", pk=pk) for pk in payload.instructor_ids]
    data = payload.model_dump(exclude={"module_id", "instructor_ids"})
    with fields_as(module="module_id", instructors="instructor_ids"):
        session = services.session_add(actor=request.auth, briefing=briefing, module=module, instructors=people, **data)
    return Status(201, session_out(session_get(user=request.auth, pk=session.pk)))


@router.get(f"{B}/budget", response={200: list[BudgetOut], **ERRORS}, summary="A batch's budget lines")
def budget_index(request: ApiRequest, briefing_id: IdPath) -> Any:
    return [budget_out(line) for line in _batch(request, briefing_id, read=True).budget_lines.all()]


@router.post(f"{B}/budget", response={201: BudgetOut, **ERRORS}, summary="Add a budget line (rupiah, not negative)")
def budget_new(request: ApiRequest, briefing_id: IdPath, payload: BudgetIn) -> Any:
    briefing = _batch(request, briefing_id)
    line = services.budget_line_add(actor=request.auth, briefing=briefing, **payload.model_dump())
    return Status(201, budget_out(line))


@router.get(f"{B}/equipment", response={200: list[EquipmentOut], **ERRORS}, summary="A batch's equipment checklist")
def equipment_index(request: ApiRequest, briefing_id: IdPath) -> Any:
    return [build(EquipmentOut, e) for e in _batch(request, briefing_id, read=True).equipment.all()]


@router.post(f"{B}/equipment", response={201: EquipmentOut, **ERRORS}, summary="Add a checklist line")
def equipment_new(request: ApiRequest, briefing_id: IdPath, payload: EquipmentIn) -> Any:
    briefing = _batch(request, briefing_id)
    return Status(201, build(EquipmentOut, services.equipment_add(actor=request.auth, briefing=briefing,
                                                                   **payload.model_dump())))  # fmt: skip


def _participants(request: ApiRequest, briefing: Any) -> list[ParticipantOut]:
    hours = attendance_hours(briefing=briefing)
    return [participant_out(p, hours) for p in participant_rows(user=request.auth, briefing=briefing)]


@router.get(
    f"{B}/participants",
    response={200: list[ParticipantOut], **ERRORS},
    summary="A batch's participants (officers and auditors: those of their regencies)",
)
def participant_index(request: ApiRequest, briefing_id: IdPath) -> Any:
    return _participants(request, _batch(request, briefing_id, read=True))


@router.post(
    f"{B}/participants",
    response={201: ParticipantOut, **ERRORS},
    summary="Add a participant",
    description="Candidates, trainees and active companions; a candidate becomes a trainee. Not beyond the "
    "venue's capacity.",
)
def participant_new(request: ApiRequest, briefing_id: IdPath, payload: ParticipantIn) -> Any:
    briefing = _batch(request, briefing_id)
    companion = referenced(companion_get, field="companion_id", user=request.auth, pk=payload.companion_id)
    with fields_as(companion="companion_id"):
        participant = services.participant_add(actor=request.auth, briefing=briefing, companion=companion)
    return Status(201, next(p for p in _participants(request, briefing) if p.id == participant.pk))


@router.post(
    "/sessions/{session_id}/attendance",
    response={200: AttendanceOut, **ERRORS},
    summary="Record a session's attendance",
    description="The participants present; every other participant of the batch is recorded absent. A person "
    "not in the batch is refused and nothing is saved.",
)
def attendance_new(request: ApiRequest, session_id: IdPath, payload: AttendanceIn) -> Any:
    session = session_get(user=request.auth, pk=session_id)
    services.attendance_record(actor=request.auth, session=session, present=payload.present)
    marks = session_attendance(session=session)
    present = sorted(pk for pk, here in marks.items() if here)
    return AttendanceOut(session_id=session.pk, present=present, absent=sorted(set(marks) - set(present)))


@router.post(
    f"{B}/scores",
    response={200: list[ParticipantOut], **ERRORS},
    summary="Record pre-test and post-test scores (0-100)",
)
def scores_new(request: ApiRequest, briefing_id: IdPath, payload: ScoresIn) -> Any:
    briefing = _batch(request, briefing_id)
    scores = {s.participant_id: s.model_dump(exclude_unset=True, exclude={"participant_id"}) for s in payload.scores}
    services.scores_record(actor=request.auth, briefing=briefing, scores=scores)
    return _participants(request, briefing)
