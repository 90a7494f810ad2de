"""Visits over the API: a phone app records a visit (a repeated `client_key` returns the first one), lists and
deletes visits, closes follow-ups, and reads the visit frequency. The same services and selectors as the pages;
a row out of scope is a 404, a refused rule a 400."""

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from pendamping.accounts.guards import require
from pendamping.companions.selectors.people import companion_get, group_current_companion
from pendamping.companions.selectors.visits import (
    MONTH_CHOICES,
    CompanionFrequencyFilters,
    GroupFrequencyFilters,
    VisitFilters,
    companion_frequency,
    followup_get,
    followups_open,
    frequency_window,
    group_frequency,
    regency_frequency,
    visit_get,
    visit_group_get,
    visit_list,
    visit_of_key,
)
from pendamping.companions.services.visits import followup_done, visit_delete, visit_record
from pendamping.core.api_ordering import OrderKeys, ordered, ordering_field
from pendamping.core.api_support import (
    ERRORS,
    MAX_ID,
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

router = Router(tags=["companions"])

RoleName = Literal["resource", "motivator", "facilitator"]
TopicCode = Literal[
    "bookkeeping",
    "marketing",
    "production",
    "capital",
    "iks",
    "organisation",
    "conflict",
    "partnership",
    "reporting",
]
CompanionStatus = Literal["applicant", "candidate", "trainee", "intern", "active", "inactive"]
NAMES = {"group": "group_id", "companion": "companion_id"}


VISIT_ORDER: OrderKeys = {
    "on": "on",
    "companion": "companion__name",
    "group": "group__name",
    "members_present": "members_present",
    "created_at": "created_at",
    "id": "pk",
}


class VisitQuery(PageQuery):
    companion_id: int | None = Field(None, ge=1, le=MAX_ID)
    group_id: int | None = Field(None, ge=1, le=MAX_ID)
    regency: str = Field("", description="A regency code, e.g. 35.78")
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = Field("", description="KUBE or companion name")
    ordering: str | None = ordering_field(VISIT_ORDER, default="-on")


FOLLOWUP_ORDER: OrderKeys = {"due_on": "due_on", "visit_on": "visit__on", "group": "visit__group__name", "id": "pk"}


class FollowUpQuery(PageQuery):
    companion_id: int | None = Field(None, ge=1, le=MAX_ID)
    group_id: int | None = Field(None, ge=1, le=MAX_ID)
    overdue: bool = Field(False, description="Only those past their due date")
    ordering: str | None = ordering_field(FOLLOWUP_ORDER, default="due_on")


class FrequencyQuery(PageQuery):
    regency: str = Field("", description="A regency code, e.g. 35.78")
    months: int = Field(3, description="The last 3, 6 or 12 complete months")
    status: CompanionStatus | Literal[""] = ""
    q: str = Field("", description="Companion name")

    @field_validator("months")
    @classmethod
    def _a_period(cls, value: int) -> int:
        if value not in MONTH_CHOICES:
            raise ValueError(_("Choose 3, 6 or 12 months."))
        return value


class GroupFrequencyQuery(PageQuery):
    regency: str = Field("", description="A regency code, e.g. 35.78")
    q: str = Field("", description="KUBE name or code")


class FollowUpIn(Input):
    action: str = Field(max_length=300)
    due_on: dt.date


class VisitIn(Input):
    group_id: Id
    companion_id: Id | None = Field(None, description="Admins: who made the visit (default: the KUBE's companion)")
    on: dt.date
    roles: list[RoleName] = Field(max_length=3, description="One or more roles the visit served")
    topics: list[TopicCode] = Field(default_factory=list, max_length=9)
    topic_other: str = Field("", max_length=200)
    members_present: int = Field(ge=0, le=999)
    problems: str = Field("", max_length=4000)
    follow_ups: list[FollowUpIn] = Field(default_factory=list, max_length=10)
    client_key: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_-]{8,64}$",
        description="A key the client makes per visit (e.g. a UUID): sending the same visit again returns it",
    )

    nullable = frozenset({"companion_id", "client_key"})


class FollowUpDoneIn(Input):
    done_on: dt.date
    note: str = Field("", max_length=200)


class FollowUpOut(Schema):
    id: int
    visit_id: int
    visit_on: dt.date
    group_id: int
    group_name: str
    companion_id: int
    action: str
    due_on: dt.date
    done_on: dt.date | None
    note: str
    overdue: bool


class VisitOut(Schema):
    id: int
    companion_id: int
    companion_name: str
    group_id: int
    group_code: str
    group_name: str
    regency_code: str
    on: dt.date
    roles: list[str]
    topics: list[str]
    topic_other: str
    members_present: int
    problems: str
    open_follow_ups: int | None = None
    created_at: dt.datetime


class VisitDetailOut(VisitOut):
    follow_ups: list[FollowUpOut] = Field(default_factory=list)


class RegencyFrequencyOut(Schema):
    regency_code: str = Field(description="Empty on the total row")
    regency_name: str
    visits: int
    active_companions: int
    per_companion_month: float | None
    companions_visiting: int
    groups_visited: int
    resource: int
    motivator: int
    facilitator: int


class CompanionFrequencyOut(Schema):
    id: int
    name: str
    regency_code: str
    status: str
    kube: int = Field(description="KUBE accompanied now")
    visits: int
    per_month: float
    per_kube: float | None = Field(description="Visits per month per KUBE accompanied now")
    resource: int
    motivator: int
    facilitator: int
    last_visit: dt.date | None


class CompanionFrequencyPage(Paged[CompanionFrequencyOut]):
    months: int
    start: dt.date
    end: dt.date
    regencies: list[RegencyFrequencyOut]


class GroupFrequencyOut(Schema):
    id: int
    code: str
    name: str
    regency_code: str
    companion_name: str | None
    last_visit: dt.date | None
    visits: int = Field(description="In the last 90 days")
    resource: int
    motivator: int
    facilitator: int


def followup_out(f: Any) -> FollowUpOut:
    overdue = getattr(f, "overdue", None)
    if overdue is None:  # rows not read through followups_open
        overdue = f.done_on is None and f.due_on < timezone.localdate()
    v = f.visit
    return build(
        FollowUpOut,
        f,
        visit_on=v.on,
        group_id=v.group_id,
        group_name=v.group.name,
        companion_id=v.companion_id,
        overdue=overdue,
    )


def visit_out(v: Any, **extra: Any) -> Any:
    schema = VisitDetailOut if "follow_ups" in extra else VisitOut
    return build(
        schema,
        v,
        companion_name=v.companion.name,
        group_code=v.group.code,
        group_name=v.group.name,
        regency_code=v.regency_id,
        roles=v.roles(),
        **extra,
    )


def _detail(request: ApiRequest, pk: int) -> VisitDetailOut:
    visit = visit_get(user=request.auth, pk=pk)
    rows = [followup_out(f) for f in visit.follow_ups.all()]
    return visit_out(visit, open_follow_ups=sum(f.done_on is None for f in rows), follow_ups=rows)


@router.get("/visits", response={200: Paged[VisitOut], **ERRORS}, summary="List visits")
def visit_index(request: ApiRequest, query: Query[VisitQuery]) -> Any:
    require(request.auth, "visit.view")
    filters = VisitFilters.from_params(query.model_dump())
    qs = ordered(visit_list(user=request.auth, filters=filters), query.ordering, allowed=VISIT_ORDER)
    return page_of(qs, query, visit_out)


@router.post("/visits", response={200: VisitDetailOut, 201: VisitDetailOut, **ERRORS}, summary="Record a visit")
def visit_new(request: ApiRequest, payload: VisitIn) -> Any:
    """Idempotent with `client_key`: the same key again answers 200 with the visit first stored, unchanged."""
    require(request.auth, "visit.record")
    repeated = visit_of_key(client_key=payload.client_key)
    group = referenced(visit_group_get, field="group_id", user=request.auth, pk=payload.group_id)
    companion: Any = None
    if payload.companion_id is not None:
        companion = referenced(companion_get, field="companion_id", user=request.auth, pk=payload.companion_id)
    elif request.auth.is_province_admin:
        companion = group_current_companion(group=group)
    data = payload.model_dump(exclude={"group_id", "companion_id", "follow_ups"})
    follow_ups = [(f.action, f.due_on) for f in payload.follow_ups]
    with fields_as(**NAMES):
        visit = visit_record(actor=request.auth, group=group, companion=companion, follow_ups=follow_ups, **data)
    return Status(200 if repeated else 201, _detail(request, visit.pk))


@router.get("/visits/frequency", response={200: CompanionFrequencyPage, **ERRORS}, summary="Visit frequency")
def visit_frequency(request: ApiRequest, query: Query[FrequencyQuery]) -> Any:
    """Per companion: visits in the last 3/6/12 complete months, per month and per month per KUBE accompanied now,
    the roles served and the last visit, lowest rate first; and per regency with the total."""
    require(request.auth, "visit.view")
    window = frequency_window(months=query.months)
    filters = CompanionFrequencyFilters.from_params(query.model_dump())
    page = page_of(companion_frequency(user=request.auth, window=window, filters=filters), query, _companion_row)
    regencies = [_regency_row(r) for r in regency_frequency(user=request.auth, window=window)]
    return {**page, "months": window.months, "start": window.start, "end": window.end, "regencies": regencies}


@router.get(
    "/visits/frequency/groups", response={200: Paged[GroupFrequencyOut], **ERRORS}, summary="Visit frequency per KUBE"
)
def visit_frequency_groups(request: ApiRequest, query: Query[GroupFrequencyQuery]) -> Any:
    """Per KUBE: the last visit and the visits of the last 90 days by role, the longest unvisited first."""
    require(request.auth, "visit.view")
    filters = GroupFrequencyFilters.from_params(query.model_dump())
    return page_of(group_frequency(user=request.auth, filters=filters), query, _group_row)


@router.get("/visits/{visit_id}", response={200: VisitDetailOut, **ERRORS}, summary="One visit")
def visit_detail(request: ApiRequest, visit_id: IdPath) -> Any:
    require(request.auth, "visit.view")
    return _detail(request, visit_id)


@router.delete("/visits/{visit_id}", response={204: None, **ERRORS}, summary="Delete a visit (within 24 hours)")
def visit_remove(request: ApiRequest, visit_id: IdPath) -> Any:
    visit = visit_get(user=request.auth, pk=visit_id)
    visit_delete(actor=request.auth, visit=visit)
    return Status(204, None)


@router.get("/follow-ups", response={200: Paged[FollowUpOut], **ERRORS}, summary="Open follow-ups")
def followup_index(request: ApiRequest, query: Query[FollowUpQuery]) -> Any:
    require(request.auth, "visit.view")
    qs = followups_open(
        user=request.auth, companion_id=query.companion_id, group_id=query.group_id, overdue=query.overdue
    )
    return page_of(ordered(qs, query.ordering, allowed=FOLLOWUP_ORDER), query, followup_out)


@router.post("/follow-ups/{follow_up_id}/done", response={200: FollowUpOut, **ERRORS}, summary="Close a follow-up")
def followup_close(request: ApiRequest, follow_up_id: IdPath, payload: FollowUpDoneIn) -> Any:
    follow_up = followup_get(user=request.auth, pk=follow_up_id)
    followup_done(actor=request.auth, follow_up=follow_up, done_on=payload.done_on, note=payload.note)
    return followup_out(followup_get(user=request.auth, pk=follow_up_id))


def _companion_row(c: Any) -> CompanionFrequencyOut:
    return build(CompanionFrequencyOut, c, regency_code=c.regency_id, visits=c.visit_count)


def _group_row(g: Any) -> GroupFrequencyOut:
    return build(GroupFrequencyOut, g, regency_code=g.regency_id, visits=g.visit_count)


def _regency_row(r: Any) -> RegencyFrequencyOut:
    return build(RegencyFrequencyOut, r, regency_code=r.code, regency_name=r.name)
