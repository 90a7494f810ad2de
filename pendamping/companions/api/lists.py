"""The companion model's rows as flat lists over the API, beside the call, round and batch that hold them:
applications across calls, placements across rounds, briefing participants across batches; and one assignment
or one follow-up by its id. The same scope and role checks as the pages; NIKs masked."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Query, Router, Schema

from pendamping.accounts.guards import require
from pendamping.companions.api.internship import PlacementOut, placement_out
from pendamping.companions.api.people import AssignmentOut, assignment_out
from pendamping.companions.api.visits import FollowUpOut, followup_out
from pendamping.companions.selectors.api_lists import (
    applications_all,
    assignment_get,
    participant_get,
    participants_all,
    placements_all,
)
from pendamping.companions.selectors.visits import followup_get
from pendamping.core.api_ordering import OrderKeys, ordered, ordering_field
from pendamping.core.api_support import ERRORS, MAX_ID, ApiRequest, IdPath, Paged, PageQuery, build, page_of
from pendamping.core.nik import mask_number

router = Router(tags=["companions"])

APPLICATION_ORDER: OrderKeys = {
    "created_at": "created_at",
    "name": "name",
    "score": "score",
    "rank": ("regency_id", "rank"),
    "status": "status",
    "id": "pk",
}
PLACEMENT_ORDER: OrderKeys = {
    "round": "round__starts_on",
    "companion": "companion__name",
    "score": "score",
    "status": "status",
    "id": "pk",
}
PARTICIPANT_ORDER: OrderKeys = {
    "briefing": "briefing__starts_on",
    "companion": "companion__name",
    "pre_score": "pre_score",
    "post_score": "post_score",
    "id": "pk",
}


class ApplicationQuery(PageQuery):
    call_id: int | None = Field(None, ge=1, le=MAX_ID)
    regency: str = Field("", description="Regency applied for, e.g. 35.78")
    status: Literal["submitted", "accepted", "waiting", "rejected", ""] = ""
    q: str = Field("", description="Name, reference, or the first 6+ digits of the NIK")
    ordering: str | None = ordering_field(APPLICATION_ORDER, default="-created_at")


class PlacementQuery(PageQuery):
    round_id: int | None = Field(None, ge=1, le=MAX_ID)
    companion_id: int | None = Field(None, ge=1, le=MAX_ID)
    status: Literal["proposed", "confirmed", "completed", "failed", ""] = ""
    regency: str = Field("", description="The trainee's regency, e.g. 35.78")
    ordering: str | None = ordering_field(PLACEMENT_ORDER, default="-round, companion")


class ParticipantQuery(PageQuery):
    briefing_id: int | None = Field(None, ge=1, le=MAX_ID)
    companion_id: int | None = Field(None, ge=1, le=MAX_ID)
    completed: bool | None = None
    regency: str = Field("", description="The participant's regency, e.g. 35.78")
    ordering: str | None = ordering_field(PARTICIPANT_ORDER, default="-briefing, companion")


class ApplicationRowOut(Schema):
    id: int
    reference: str
    call_id: int
    regency_code: str
    name: str
    nik: str = Field(description="Masked")
    education: str
    channel: str
    status: str
    score: Decimal | None = Field(description="Weighted total (0-100) at the last ranking")
    rank: int | None = Field(description="Rank in the regency; equal totals share a rank")
    created_at: dt.datetime


class PlacementRowOut(PlacementOut):
    regency_code: str = Field(description="The trainee's regency")


class ParticipantRowOut(Schema):
    id: int
    briefing_id: int
    briefing_title: str
    companion_id: int
    companion_name: str
    regency_code: str
    completed: bool = Field(description="Decided when the batch is finished")
    pre_score: float | None
    post_score: float | None


def application_row(a: Any) -> ApplicationRowOut:
    return build(ApplicationRowOut, a, nik=mask_number(a.nik), regency_code=a.regency_id)


def placement_row(p: Any) -> PlacementRowOut:
    return PlacementRowOut(**placement_out(p).model_dump(), regency_code=p.companion.regency_id)


def participant_row(p: Any) -> ParticipantRowOut:
    c = p.companion
    return build(
        ParticipantRowOut,
        p,
        briefing_title=p.briefing.title,
        companion_name=c.name,
        regency_code=c.regency_id,
        pre_score=None if p.pre_score is None else float(p.pre_score),
        post_score=None if p.post_score is None else float(p.post_score),
    )


@router.get("/assignments/{assignment_id}", response={200: AssignmentOut, **ERRORS}, summary="One assignment")
def assignment_detail(request: ApiRequest, assignment_id: IdPath) -> Any:
    return assignment_out(assignment_get(user=request.auth, pk=assignment_id))


@router.get("/follow-ups/{follow_up_id}", response={200: FollowUpOut, **ERRORS}, summary="One follow-up")
def followup_detail(request: ApiRequest, follow_up_id: IdPath) -> Any:
    follow_up = followup_get(user=request.auth, pk=follow_up_id)
    require(request.auth, "visit.view")
    return followup_out(follow_up)


@router.get(
    "/applications",
    tags=["recruitment"],
    response={200: Paged[ApplicationRowOut], **ERRORS},
    summary="Applications of all calls",
)
def application_all_index(request: ApiRequest, query: Query[ApplicationQuery]) -> Any:
    require(request.auth, "recruitment.view")
    qs = applications_all(
        user=request.auth, call_id=query.call_id, regency=query.regency, status=query.status, q=query.q
    )
    return page_of(ordered(qs, query.ordering, allowed=APPLICATION_ORDER), query, application_row)


@router.get("/placements", response={200: Paged[PlacementRowOut], **ERRORS}, summary="Placements of all rounds")
def placement_index(request: ApiRequest, query: Query[PlacementQuery]) -> Any:
    require(request.auth, "internship.view")
    qs = placements_all(
        user=request.auth,
        round_id=query.round_id,
        companion_id=query.companion_id,
        status=query.status,
        regency=query.regency,
    )
    return page_of(ordered(qs, query.ordering, allowed=PLACEMENT_ORDER), query, placement_row)


@router.get("/participants", response={200: Paged[ParticipantRowOut], **ERRORS}, summary="Briefing participants")
def participant_index(request: ApiRequest, query: Query[ParticipantQuery]) -> Any:
    require(request.auth, "briefing.view")
    qs = participants_all(
        user=request.auth,
        briefing_id=query.briefing_id,
        companion_id=query.companion_id,
        completed=query.completed,
        regency=query.regency,
    )
    return page_of(ordered(qs, query.ordering, allowed=PARTICIPANT_ORDER), query, participant_row)


@router.get("/participants/{participant_id}", response={200: ParticipantRowOut, **ERRORS}, summary="One participant")
def participant_detail(request: ApiRequest, participant_id: IdPath) -> Any:
    participant = participant_get(user=request.auth, pk=participant_id)
    require(request.auth, "briefing.view")
    return participant_row(participant)
