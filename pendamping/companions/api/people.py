"""Companions (pendamping sosial) and their assignments to KUBE over the API."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status

from pendamping.accounts.guards import require
from pendamping.accounts.permissions import can
from pendamping.audit.services import audit_record
from pendamping.companions.selectors import (
    CompanionFilters,
    assignment_list,
    companion_assignments,
    companion_get,
    companion_list,
)
from pendamping.companions.selectors.people import NEARNESS, groups_suggested
from pendamping.companions.services import assignment_create, assignment_end, companion_create, companion_update
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
    QueryInput,
    build,
    fields_as,
    page_of,
    referenced,
)
from pendamping.registry.selectors import group_get

router = Router(tags=["companions"])

CompanionStatus = Literal["applicant", "candidate", "trainee", "intern", "active", "inactive"]
Education = Literal["sd", "smp", "sma", "diploma", "s1", "s2"]
PLACES = {"home_desa": "home_desa_code", "regency": "regency_code"}


COMPANION_ORDER: OrderKeys = {
    "name": "name",
    "status": "status",
    "regency": "regency_id",
    "education": "education",
    "caseload": "caseload",
    "created_at": "created_at",
    "id": "pk",
}


class CompanionQuery(PageQuery):
    q: str = Field("", description="Name, or the first 6+ digits of the NIK")
    regency: str = Field("", description="Regency of service, e.g. 35.78")
    status: CompanionStatus | Literal[""] = ""
    education: Education | Literal[""] = ""
    ordering: str | None = ordering_field(COMPANION_ORDER, default="name")


ASSIGNMENT_ORDER: OrderKeys = {
    "started_on": "started_on",
    "ended_on": "ended_on",
    "companion": "companion__name",
    "group": "group__name",
    "id": "pk",
}


class AssignmentQuery(PageQuery):
    companion_id: int | None = Field(None, ge=1, le=MAX_ID)
    group_id: int | None = Field(None, ge=1, le=MAX_ID)
    ordering: str | None = ordering_field(ASSIGNMENT_ORDER, default="ended_on, -started_on")


class CompanionIn(Input):
    nik: str = Field(max_length=32, description="16 digits as text; sex and birth date come from it")
    name: str = Field(max_length=120)
    education: Education
    phone: str = Field("", max_length=20)
    home_desa_code: str = Field(max_length=20)
    regency_code: str | None = Field(None, max_length=5, description="Regency of service; default: the home one")
    status: CompanionStatus = "candidate"
    caseload_limit: int = Field(10, ge=1, le=30)

    nullable = frozenset({"regency_code"})


class CompanionPatch(Input):
    version: int = Field(ge=1, le=MAX_ID)
    name: str | None = Field(None, max_length=120)
    education: Education | None = None
    phone: str | None = Field(None, max_length=20)
    home_desa_code: str | None = Field(None, max_length=20)
    regency_code: str | None = Field(None, max_length=5)
    caseload_limit: int | None = Field(None, ge=1, le=30)


class SuggestionQuery(QueryInput):
    limit: int = Field(10, ge=1, le=100)


class SuggestedGroupOut(Schema):
    id: int
    code: str
    name: str
    status: str
    desa_code: str
    desa_name: str
    kecamatan_name: str
    near: Literal["desa", "kecamatan", "regency"] = Field(description="Where the KUBE lies from the companion's home")


class AssignmentIn(Input):
    companion_id: Id
    group_id: Id
    started_on: dt.date
    replace: bool = Field(False, description="Relieve the KUBE's current companion on the start date")


class AssignmentEndIn(Input):
    ended_on: dt.date
    reason: str = Field("", max_length=200)


class AssignmentOut(Schema):
    id: int
    companion_id: int
    companion_name: str
    group_id: int
    group_code: str
    group_name: str
    started_on: dt.date
    ended_on: dt.date | None
    end_reason: str


class CompanionOut(Schema):
    id: int
    nik: str = Field(description="Masked except on the detail endpoint for admins and officers")
    name: str
    sex: str
    birth_date: dt.date
    education: str
    phone: str
    home_desa_code: str
    home_desa_name: str
    regency_code: str
    regency_name: str
    status: str
    caseload_limit: int
    caseload: int | None = Field(None, description="KUBE accompanied now")
    version: int


class CompanionDetailOut(CompanionOut):
    assignments: list[AssignmentOut] = Field(default_factory=list, description="Current and past")


def assignment_out(a: Any) -> AssignmentOut:
    return build(AssignmentOut, a, companion_name=a.companion.name, group_code=a.group.code, group_name=a.group.name)


def companion_row(c: Any, *, reveal: bool = False, **extra: Any) -> Any:
    """Masked unless `reveal`; the caller that reveals records it in the audit trail."""
    schema = CompanionDetailOut if "assignments" in extra else CompanionOut
    return build(
        schema,
        c,
        nik=c.nik if reveal else c.nik_masked,
        home_desa_code=c.home_desa_id,
        home_desa_name=c.home_desa.name,
        regency_code=c.regency_id,
        regency_name=c.regency.name,
        **extra,
    )


def _detail(request: ApiRequest, pk: int, *, reveal: bool = False) -> CompanionDetailOut:
    companion = companion_get(user=request.auth, pk=pk)
    assignments = list(companion_assignments(companion=companion))
    if reveal:
        audit_record(actor=request.auth, action="reveal", obj=companion)
    return companion_row(
        companion,
        reveal=reveal,
        assignments=[assignment_out(a) for a in assignments],
        caseload=sum(1 for a in assignments if a.ended_on is None),
    )


def _assignment(request: ApiRequest, pk: int) -> Any:
    return assignment_list(user=request.auth).get(pk=pk)


@router.get("/companions", response={200: Paged[CompanionOut], **ERRORS}, summary="List companions (NIK masked)")
def companion_index(request: ApiRequest, query: Query[CompanionQuery]) -> Any:
    filters = CompanionFilters(q=query.q, regency=query.regency, status=query.status, education=query.education)
    qs = ordered(companion_list(user=request.auth, filters=filters), query.ordering, allowed=COMPANION_ORDER)
    return page_of(qs, query, companion_row)


@router.get("/companions/{companion_id}", response={200: CompanionDetailOut, **ERRORS}, summary="One companion")
def companion_detail(request: ApiRequest, companion_id: IdPath) -> Any:
    """Admins and regency officers get the NIK unmasked; each such view is recorded as a "reveal"."""
    return _detail(request, companion_id, reveal=can(request.auth, "nik.unmasked"))


@router.post("/companions", response={201: CompanionDetailOut, **ERRORS}, summary="Register a companion")
def companion_new(request: ApiRequest, payload: CompanionIn) -> Any:
    with fields_as(**PLACES):
        companion = companion_create(actor=request.auth, **payload.model_dump())
    return Status(201, _detail(request, companion.pk))


@router.patch("/companions/{companion_id}", response={200: CompanionDetailOut, **ERRORS}, summary="Change a companion")
def companion_edit(request: ApiRequest, companion_id: IdPath, payload: CompanionPatch) -> Any:
    companion = companion_get(user=request.auth, pk=companion_id)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    with fields_as(**PLACES):
        companion_update(actor=request.auth, companion=companion, version=payload.version, **data)
    return _detail(request, companion_id)


@router.get("/assignments", response={200: Paged[AssignmentOut], **ERRORS}, summary="List assignments")
def assignment_index(request: ApiRequest, query: Query[AssignmentQuery]) -> Any:
    qs = assignment_list(user=request.auth, companion_id=query.companion_id, group_id=query.group_id)
    return page_of(ordered(qs, query.ordering, allowed=ASSIGNMENT_ORDER), query, assignment_out)


@router.post("/assignments", response={201: AssignmentOut, **ERRORS}, summary="Assign a companion to a KUBE")
def assignment_new(request: ApiRequest, payload: AssignmentIn) -> Any:
    companion = referenced(companion_get, field="companion_id", user=request.auth, pk=payload.companion_id)
    group = referenced(group_get, field="group_id", user=request.auth, pk=payload.group_id)
    with fields_as(companion="companion_id", group="group_id"):
        assignment = assignment_create(
            actor=request.auth, companion=companion, group=group, started_on=payload.started_on, replace=payload.replace
        )
    return Status(201, assignment_out(_assignment(request, assignment.pk)))


@router.post("/assignments/{assignment_id}/end", response={200: AssignmentOut, **ERRORS}, summary="End an assignment")
def assignment_stop(request: ApiRequest, assignment_id: IdPath, payload: AssignmentEndIn) -> Any:
    assignment = _assignment(request, assignment_id)
    assignment_end(actor=request.auth, assignment=assignment, ended_on=payload.ended_on, reason=payload.reason)
    return assignment_out(_assignment(request, assignment_id))


@router.get(
    "/companions/{companion_id}/suggested-groups",
    response={200: list[SuggestedGroupOut], **ERRORS},
    summary="The nearest KUBE without a companion",
)
def companion_suggestions(request: ApiRequest, companion_id: IdPath, query: Query[SuggestionQuery]) -> Any:
    """KUBE (forming or active) of the companion's regency without a companion now: the home desa first, then the
    home kecamatan, then the rest of the regency, each by name. For those who assign companions."""
    companion = companion_get(user=request.auth, pk=companion_id)
    require(request.auth, "assignment.change")
    return [
        build(
            SuggestedGroupOut,
            g,
            desa_code=g.desa_id,
            desa_name=g.desa.name,
            kecamatan_name=g.desa.parent.name if g.desa.parent else "",
            near=NEARNESS[g.near],
        )
        for g in groups_suggested(companion=companion, limit=query.limit, user=request.auth)
    ]
