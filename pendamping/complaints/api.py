"""Complaints (pengaduan) over the API, for signed-in officers, admins and auditors.

There is no public (anonymous) endpoint: the public sends complaints through the page, behind its anti-spam
defences. The complainant's name and contact are returned to the admins and the assigned officer only;
everyone else reads "hidden"."""

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from pendamping.accounts.web import require
from pendamping.companions.selectors import companion_get
from pendamping.complaints.selectors import (
    HIDDEN,
    ComplaintFilters,
    assignable_officers,
    complainant,
    complaint_get,
    complaint_list,
)
from pendamping.complaints.services import complaint_assign, complaint_create, complaint_set_status
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
from pendamping.registry.selectors import grant_get, group_get

router = Router(tags=["complaints"])

ComplaintStatus = Literal["new", "in_progress", "resolved", "rejected"]
Category = Literal["funds", "conduct", "conflict", "service", "other"]
Subject = Literal["group", "grant", "companion"]
LINKS = {"group": "group_id", "grant": "grant_id", "companion": "companion_id", "regency": "regency_code"}


COMPLAINT_ORDER: OrderKeys = {
    "created_at": "created_at",
    "due_on": "due_on",
    "status": "status",
    "reference": "reference",
    "closed_on": "closed_on",
    "id": "pk",
}


class ComplaintQuery(PageQuery):
    status: ComplaintStatus | Literal[""] = ""
    regency: str = Field("", description="Regency code, e.g. 35.78 (narrows your scope, never widens it)")
    overdue: bool = Field(False, description="Only open complaints past their due date")
    mine: bool = Field(False, description="Only complaints assigned to me")
    ordering: str | None = ordering_field(COMPLAINT_ORDER)


class ComplaintIn(Input):
    regency_code: str = Field(max_length=5, description="The regency the complaint belongs to, e.g. 35.78")
    subject: Subject
    category: Category
    description: str = Field(max_length=5000)
    group_id: Id | None = None
    grant_id: Id | None = None
    companion_id: Id | None = None
    subject_text: str = Field("", max_length=200, description="Who or what is named, as the complainant said it")
    anonymous: bool = False
    complainant_name: str = Field("", max_length=120)
    complainant_contact: str = Field("", max_length=120)

    nullable = frozenset({"group_id", "grant_id", "companion_id"})


class ComplaintAssignIn(Input):
    officer_id: Id = Field(description="An active officer of the complaint's regency, or an admin")


class ComplaintStatusIn(Input):
    status: ComplaintStatus
    resolution: str = Field("", max_length=5000, description="Needed to resolve or reject; the public sees it")
    version: int = Field(ge=1, le=MAX_ID)


class ComplaintOut(Schema):
    id: int
    reference: str
    regency_code: str
    regency_name: str
    subject: str
    group_id: int | None
    group_name: str
    grant_id: int | None
    companion_id: int | None
    companion_name: str
    subject_text: str
    category: str
    description: str
    channel: str
    anonymous: bool
    complainant_name: str = Field(description='"hidden" unless you are an admin or the assigned officer')
    complainant_contact: str = Field(description='"hidden" unless you are an admin or the assigned officer')
    status: str
    assigned_to_id: int | None
    assigned_to_name: str
    due_on: dt.date
    overdue: bool
    resolution: str
    closed_on: dt.date | None
    version: int
    created_at: dt.datetime


def complaint_row(c: Any, user: Any) -> ComplaintOut:
    who = complainant(user, c)
    name, contact = (who.name, who.contact) if who.state == "visible" else (HIDDEN, HIDDEN)
    if who.state in ("anonymous", "none"):
        name = contact = ""
    return build(
        ComplaintOut,
        c,
        regency_code=c.regency_id,
        regency_name=c.regency.name,
        group_name=c.group.name if c.group else "",
        companion_name=c.companion.name if c.companion else "",
        complainant_name=name,
        complainant_contact=contact,
        assigned_to_name=(c.assigned_to.get_full_name() or c.assigned_to.username) if c.assigned_to else "",
        overdue=c.is_overdue(timezone.localdate()),
    )


def _detail(request: ApiRequest, pk: int) -> ComplaintOut:
    return complaint_row(complaint_get(user=request.auth, pk=pk), request.auth)


@router.get("/complaints", response={200: Paged[ComplaintOut], **ERRORS}, summary="List complaints")
def complaint_index(request: ApiRequest, query: Query[ComplaintQuery]) -> Any:
    require(request.auth, "complaint.view")
    filters = ComplaintFilters(status=query.status, regency=query.regency, overdue=query.overdue, mine=query.mine)
    qs = ordered(complaint_list(user=request.auth, filters=filters), query.ordering, allowed=COMPLAINT_ORDER)
    return page_of(qs, query, lambda c: complaint_row(c, request.auth))


@router.get("/complaints/{complaint_id}", response={200: ComplaintOut, **ERRORS}, summary="One complaint")
def complaint_detail(request: ApiRequest, complaint_id: IdPath) -> Any:
    complaint = complaint_get(user=request.auth, pk=complaint_id)
    require(request.auth, "complaint.view")
    return complaint_row(complaint, request.auth)


def _links(request: ApiRequest, payload: ComplaintIn) -> dict[str, Any]:
    """The rows named by id, each through its scoped selector (unknown or out of scope: a 400 on that field)."""
    links: dict[str, Any] = {}
    for name, getter in (("group", group_get), ("grant", grant_get), ("companion", companion_get)):
        pk = getattr(payload, f"{name}_id")
        links[name] = referenced(getter, field=f"{name}_id", user=request.auth, pk=pk) if pk else None
    return links


@router.post("/complaints", response={201: ComplaintOut, **ERRORS}, summary="Record a complaint (officers)")
def complaint_new(request: ApiRequest, payload: ComplaintIn) -> Any:
    """For a complaint received by phone, letter or in person. The reference and the due date are set here."""
    require(request.auth, "complaint.change")
    data = payload.model_dump(exclude={"group_id", "grant_id", "companion_id"})
    with fields_as(**LINKS):
        complaint = complaint_create(actor=request.auth, **data, **_links(request, payload))
    return Status(201, _detail(request, complaint.pk))


@router.post("/complaints/{complaint_id}/assign", response={200: ComplaintOut, **ERRORS}, summary="Assign")
def complaint_assign_to(request: ApiRequest, complaint_id: IdPath, payload: ComplaintAssignIn) -> Any:
    """A new complaint is in progress once assigned."""
    complaint = complaint_get(user=request.auth, pk=complaint_id)
    require(request.auth, "complaint.change")
    officer = assignable_officers(complaint=complaint).filter(pk=payload.officer_id).first()
    with fields_as(officer="officer_id"):
        complaint_assign(actor=request.auth, complaint=complaint, officer=officer)
    return _detail(request, complaint_id)


@router.post("/complaints/{complaint_id}/status", response={200: ComplaintOut, **ERRORS}, summary="Change status")
def complaint_status(request: ApiRequest, complaint_id: IdPath, payload: ComplaintStatusIn) -> Any:
    """Resolving or rejecting needs a resolution; `version` is the one you read (409 if it moved on)."""
    complaint = complaint_get(user=request.auth, pk=complaint_id)
    require(request.auth, "complaint.change")
    complaint_set_status(actor=request.auth, complaint=complaint, **payload.model_dump())
    return _detail(request, complaint_id)
