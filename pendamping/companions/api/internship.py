"""Internship rounds over the API: create a round, add trainees and host KUBE, propose the optimal matching,
swap, confirm; the logbook, the assessments and completion of each placement. Scoped like the pages: a round or
placement out of the user's scope is a 404; a role that may not act gets a 403."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status

from pendamping.accounts.web import require
from pendamping.companions.selectors import companion_get
from pendamping.companions.selectors.internship import (
    RoundFilters,
    explain,
    feasibility,
    final_score,
    placement_get,
    placement_logbook,
    round_get,
    round_hosts,
    round_list,
    round_placements,
)
from pendamping.companions.services import internship as services
from pendamping.core.api_ordering import OrderKeys, ordered, ordering_field
from pendamping.core.api_support import (
    ERRORS,
    ApiRequest,
    Id,
    IdPath,
    Input,
    Paged,
    PageQuery,
    build,
    fields_as,
    page_of,
    referenced,
)
from pendamping.registry.selectors import group_get

router = Router(tags=["companions"])


ROUND_ORDER: OrderKeys = {
    "starts_on": "starts_on",
    "ends_on": "ends_on",
    "title": "title",
    "status": "status",
    "id": "pk",
}


class RoundQuery(PageQuery):
    status: Literal["draft", "confirmed", "finished", ""] = ""
    ordering: str | None = ordering_field(ROUND_ORDER, default="-starts_on")


class RoundIn(Input):
    title: str = Field(max_length=200)
    starts_on: dt.date
    ends_on: dt.date
    default_capacity: int = Field(2, ge=1, le=services.MAX_CAPACITY, description="Trainees per host KUBE")


class TraineesIn(Input):
    companion_ids: list[Id] = Field(min_length=1, max_length=200, description="Trainees with a completed briefing")


class HostsIn(Input):
    group_ids: list[Id] = Field(min_length=1, max_length=200, description="Outstanding, active KUBE")
    capacity: int | None = Field(
        None, ge=1, le=services.MAX_CAPACITY, description="Default: the round's; sets it for KUBE already hosting"
    )

    nullable = frozenset({"capacity"})


class ProposeIn(Input):
    partial: bool = Field(False, description="Infeasible round: write the best partial matching anyway")


class ConfirmIn(Input):
    version: int | None = Field(None, ge=1, description="The round's version you reviewed (409 if it changed)")


class SwapIn(Input):
    with_id: Id = Field(description="The other placement of the same round")


class LogIn(Input):
    on: dt.date
    activity: str = Field(max_length=300)
    learnt: str = Field("", max_length=5000)


class AssessmentIn(Input):
    by: Literal["ketua", "officer"]
    assessor_name: str = Field(max_length=120)
    scores: dict[str, int] = Field(description=f"Each of {', '.join(services.ASSESSMENT_ITEMS)}: 1 to 4")
    note: str = Field("", max_length=2000)


class CompleteIn(Input):
    """No fields (send {}): completion reads the placement's assessments."""


class ReasonOut(Schema):
    part: str
    points: float
    text: str


class AssessmentOut(Schema):
    by: str
    assessor_name: str
    scores: dict[str, int]
    total: Decimal
    note: str


class PlacementOut(Schema):
    id: int
    round_id: int
    round_title: str
    companion_id: int
    companion_name: str
    host_group_id: int | None
    host_group_name: str | None
    score: Decimal | None = Field(description="Suitability out of 100")
    reasons: list[ReasonOut]
    status: str
    logbook_count: int
    assessments: list[AssessmentOut]
    final_score: Decimal | None = Field(description="Mean of both assessments, once both are in")
    version: int


class HostOut(Schema):
    group_id: int
    group_code: str
    group_name: str
    capacity: int
    placed: int
    free: int


class SuggestionOut(Schema):
    group_id: int
    group_code: str
    group_name: str


class FeasibilityOut(Schema):
    trainees: int
    slots: int
    placed: int
    shortfall: int = Field(description="Trainees that cannot be placed: slots to add")
    suggestions: list[SuggestionOut] = Field(description="Outstanding KUBE not hosting yet that would suit best")


class RoundOut(Schema):
    id: int
    title: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    default_capacity: int
    version: int


class RoundDetailOut(RoundOut):
    hosts: list[HostOut]
    placements: list[PlacementOut]
    feasibility: FeasibilityOut


class LogOut(Schema):
    id: int
    on: dt.date
    activity: str
    learnt: str


def placement_out(p: Any) -> PlacementOut:
    assessments = list(p.assessments.all())
    host = p.host.group if p.host_id and p.host else None
    return build(
        PlacementOut,
        p,
        round_title=p.round.title,
        companion_name=p.companion.name,
        host_group_id=host.pk if host else None,
        host_group_name=host.name if host else None,
        reasons=[ReasonOut(part=r.part, points=r.points, text=r.text) for r in explain(p.reasons)],
        logbook_count=p.log_count if hasattr(p, "log_count") else p.logbook.count(),
        assessments=[build(AssessmentOut, a) for a in assessments],
        final_score=final_score(assessments),
    )


def round_detail_out(request: ApiRequest, round_id: int) -> RoundDetailOut:
    rnd = round_get(user=request.auth, pk=round_id)
    f = feasibility(round=rnd)
    hosts = [
        HostOut(
            group_id=r.host.group_id,
            group_code=r.host.group.code,
            group_name=r.host.group.name,
            capacity=r.host.capacity,
            placed=r.placed,
            free=r.free,
        )
        for r in round_hosts(round=rnd, user=request.auth)
    ]
    suggestions = [SuggestionOut(group_id=g.pk, group_code=g.code, group_name=g.name) for g in f.suggestions]
    return build(
        RoundDetailOut,
        rnd,
        hosts=hosts,
        placements=[placement_out(p) for p in round_placements(round=rnd, user=request.auth)],
        feasibility=FeasibilityOut(
            trainees=f.trainees, slots=f.slots, placed=f.placed, shortfall=f.shortfall, suggestions=suggestions
        ),
    )


def _round(request: ApiRequest, round_id: int, perm: str) -> Any:
    rnd = round_get(user=request.auth, pk=round_id)  # out of scope: 404 before the role is asked
    require(request.auth, perm)
    return rnd


def _placement(request: ApiRequest, placement_id: int, perm: str = "internship.view") -> Any:
    placement = placement_get(user=request.auth, pk=placement_id)
    require(request.auth, perm)
    return placement


def _placement_detail(request: ApiRequest, placement_id: int) -> PlacementOut:
    return placement_out(placement_get(user=request.auth, pk=placement_id))


@router.get("/internship-rounds", response={200: Paged[RoundOut], **ERRORS}, summary="List internship rounds")
def round_index(request: ApiRequest, query: Query[RoundQuery]) -> Any:
    require(request.auth, "internship.view")
    rounds = round_list(user=request.auth, filters=RoundFilters(status=query.status))
    qs = ordered(rounds, query.ordering, allowed=ROUND_ORDER)
    return page_of(qs, query, lambda r: build(RoundOut, r))


@router.post("/internship-rounds", response={201: RoundDetailOut, **ERRORS}, summary="Create an internship round")
def round_new(request: ApiRequest, payload: RoundIn) -> Any:
    rnd = services.round_create(actor=request.auth, **payload.model_dump())
    return Status(201, round_detail_out(request, rnd.pk))


@router.get("/internship-rounds/{round_id}", response={200: RoundDetailOut, **ERRORS}, summary="One round")
def round_detail(request: ApiRequest, round_id: IdPath) -> Any:
    """Hosts with free capacity, placements with suitability and reasons, and the round's feasibility."""
    _round(request, round_id, "internship.view")
    return round_detail_out(request, round_id)


@router.post("/internship-rounds/{round_id}/trainees", response={200: RoundDetailOut, **ERRORS}, summary="Add trainees")
def round_trainees(request: ApiRequest, round_id: IdPath, payload: TraineesIn) -> Any:
    rnd = _round(request, round_id, "internship.manage")
    people = [
        referenced(companion_get, field="companion_ids", user=request.auth, pk=pk) for pk in payload.companion_ids
    ]
    with fields_as(companions="companion_ids"):
        services.round_add_trainees(actor=request.auth, round=rnd, companions=people)
    return round_detail_out(request, round_id)


@router.post("/internship-rounds/{round_id}/hosts", response={200: RoundDetailOut, **ERRORS}, summary="Add host KUBE")
def round_hosts_add(request: ApiRequest, round_id: IdPath, payload: HostsIn) -> Any:
    rnd = _round(request, round_id, "internship.manage")
    groups = [referenced(group_get, field="group_ids", user=request.auth, pk=pk) for pk in payload.group_ids]
    with fields_as(groups="group_ids"):
        services.round_add_hosts(actor=request.auth, round=rnd, groups=groups, capacity=payload.capacity)
    return round_detail_out(request, round_id)


@router.post(
    "/internship-rounds/{round_id}/propose", response={200: RoundDetailOut, **ERRORS}, summary="Propose the matching"
)
def round_propose(request: ApiRequest, round_id: IdPath, payload: ProposeIn) -> Any:
    """The optimal matching under the hosts' capacities; an infeasible round is a 400 saying how many trainees
    cannot be placed and what to do, unless `partial`."""
    rnd = _round(request, round_id, "internship.manage")
    services.round_propose(actor=request.auth, round=rnd, partial=payload.partial)
    return round_detail_out(request, round_id)


@router.post(
    "/internship-rounds/{round_id}/confirm", response={200: RoundDetailOut, **ERRORS}, summary="Confirm the placements"
)
def round_confirm(request: ApiRequest, round_id: IdPath, payload: ConfirmIn) -> Any:
    rnd = _round(request, round_id, "internship.manage")
    services.round_confirm(actor=request.auth, round=rnd, version=payload.version)
    return round_detail_out(request, round_id)


@router.get("/placements/{placement_id}", response={200: PlacementOut, **ERRORS}, summary="One placement")
def placement_detail(request: ApiRequest, placement_id: IdPath) -> Any:
    _placement(request, placement_id)
    return _placement_detail(request, placement_id)


@router.post("/placements/{placement_id}/swap", response={200: list[PlacementOut], **ERRORS}, summary="Swap hosts")
def placement_swap(request: ApiRequest, placement_id: IdPath, payload: SwapIn) -> Any:
    placement = _placement(request, placement_id, "internship.manage")
    other = referenced(placement_get, field="with_id", user=request.auth, pk=payload.with_id)
    services.placement_swap(actor=request.auth, a=placement, b=other)
    return [_placement_detail(request, placement.pk), _placement_detail(request, other.pk)]


@router.get("/placements/{placement_id}/logbook", response={200: list[LogOut], **ERRORS}, summary="The logbook")
def logbook_index(request: ApiRequest, placement_id: IdPath) -> Any:
    placement = _placement(request, placement_id)
    return [build(LogOut, e) for e in placement_logbook(placement=placement)]


@router.post("/placements/{placement_id}/logbook", response={201: LogOut, **ERRORS}, summary="Add a logbook entry")
def logbook_new(request: ApiRequest, placement_id: IdPath, payload: LogIn) -> Any:
    placement = _placement(request, placement_id, "internship.log")
    entry = services.logbook_add(actor=request.auth, placement=placement, **payload.model_dump())
    return Status(201, build(LogOut, entry))


@router.post(
    "/placements/{placement_id}/assessments", response={200: PlacementOut, **ERRORS}, summary="Record an assessment"
)
def assessment_new(request: ApiRequest, placement_id: IdPath, payload: AssessmentIn) -> Any:
    placement = _placement(request, placement_id, "internship.assess")
    services.assessment_record(actor=request.auth, placement=placement, **payload.model_dump())
    return _placement_detail(request, placement_id)


@router.post(
    "/placements/{placement_id}/complete", response={200: PlacementOut, **ERRORS}, summary="Decide the internship"
)
def placement_complete(request: ApiRequest, placement_id: IdPath, payload: CompleteIn) -> Any:
    """Completed (the companion becomes active) at the pass mark or above, else failed (a trainee again)."""
    placement = _placement(request, placement_id, "internship.manage")
    services.placement_complete(actor=request.auth, placement=placement)
    return _placement_detail(request, placement_id)
