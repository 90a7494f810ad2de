"""Briefing (pembekalan) over the API: batches, their report (the seven elements and the results), finishing a
batch, and the province's instructors; a batch's rows are in briefing_rows.py. The same services and selectors
as the pages: a batch out of scope is a 404, a refused rule a 400, a stale version a 409."""

from typing import Any

from ninja import Query, Router, Status

from pendamping.accounts.guards import require
from pendamping.companions.api import briefing_rows
from pendamping.companions.api.briefing_schemas import (
    BRIEFING_ORDER,
    BriefingIn,
    BriefingOut,
    BriefingPatch,
    BriefingQuery,
    BriefingReportOut,
    FinishIn,
    InstructorIn,
    InstructorOut,
    briefing_out,
    plan_out,
    results_out,
)
from pendamping.companions.selectors.briefing import (
    BriefingFilters,
    attendance_hours,
    briefing_get,
    briefing_list,
    instructor_list,
)
from pendamping.companions.selectors.briefing_summary import briefing_plan, briefing_results
from pendamping.companions.services import briefing as services
from pendamping.core.api_ordering import ordered
from pendamping.core.api_support import ERRORS, ApiRequest, IdPath, Paged, build, page_of

router = Router(tags=["companions"])
router.add_router("", briefing_rows.router)


def _detail(request: ApiRequest, briefing_id: int) -> BriefingOut:
    return briefing_out(briefing_get(user=request.auth, pk=briefing_id))


@router.get("/briefings", response={200: Paged[BriefingOut], **ERRORS}, summary="List briefing batches")
def briefing_index(request: ApiRequest, query: Query[BriefingQuery]) -> Any:
    require(request.auth, "briefing.view")
    qs = briefing_list(user=request.auth, filters=BriefingFilters(q=query.q, status=query.status))
    return page_of(ordered(qs, query.ordering, allowed=BRIEFING_ORDER), query, briefing_out)


@router.post("/briefings", response={201: BriefingOut, **ERRORS}, summary="Plan a briefing batch")
def briefing_new(request: ApiRequest, payload: BriefingIn) -> Any:
    briefing = services.briefing_create(actor=request.auth, **payload.model_dump())
    return Status(201, _detail(request, briefing.pk))


@router.get("/briefings/{briefing_id}", response={200: BriefingOut, **ERRORS}, summary="One briefing batch")
def briefing_detail(request: ApiRequest, briefing_id: IdPath) -> Any:
    detail = _detail(request, briefing_id)
    require(request.auth, "briefing.view")
    return detail


@router.patch("/briefings/{briefing_id}", response={200: BriefingOut, **ERRORS}, summary="Change a briefing batch")
def briefing_edit(request: ApiRequest, briefing_id: IdPath, payload: BriefingPatch) -> Any:
    briefing = briefing_get(user=request.auth, pk=briefing_id)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    services.briefing_update(actor=request.auth, briefing=briefing, version=payload.version, **data)
    return _detail(request, briefing_id)


@router.post(
    "/briefings/{briefing_id}/finish",
    response={200: BriefingOut, **ERRORS},
    summary="Finish a batch",
    description="Each participant completes it with at least the batch's share of the session hours attended. "
    "The batch needs sessions, all held, and participants.",
)
def briefing_close(request: ApiRequest, briefing_id: IdPath, payload: FinishIn) -> Any:
    briefing = briefing_get(user=request.auth, pk=briefing_id)
    services.briefing_finish(actor=request.auth, briefing=briefing)
    return _detail(request, briefing_id)


@router.get(
    "/briefings/{briefing_id}/report",
    response={200: BriefingReportOut, **ERRORS},
    summary="A batch's seven elements and results",
    description="Participants are named only to those who may see them (officers and auditors: their "
    "regencies'); counts, mean gain and the paired tests cover the whole batch.",
)
def briefing_report(request: ApiRequest, briefing_id: IdPath) -> Any:
    briefing = briefing_get(user=request.auth, pk=briefing_id)
    require(request.auth, "briefing.view")
    plan = briefing_plan(briefing=briefing)
    results = briefing_results(user=request.auth, briefing=briefing)
    hours = attendance_hours(briefing=briefing)
    return {"briefing": briefing_out(briefing), "plan": plan_out(plan), "results": results_out(results, hours)}


@router.get("/instructors", response={200: list[InstructorOut], **ERRORS}, summary="The province's instructors")
def instructor_index(request: ApiRequest) -> Any:
    require(request.auth, "briefing.view")
    return [build(InstructorOut, i) for i in instructor_list(user=request.auth)]


@router.post("/instructors", response={201: InstructorOut, **ERRORS}, summary="Register an instructor")
def instructor_new(request: ApiRequest, payload: InstructorIn) -> Any:
    return Status(201, build(InstructorOut, services.instructor_create(actor=request.auth, **payload.model_dump())))
