"""Memberships over the API as a flat list: every family's place in a KUBE, current and past, across the KUBE
the user sees (GET /groups/{id} shows one KUBE's current members)."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Query, Router, Schema

from pendamping.accounts.guards import require
from pendamping.accounts.permissions import can
from pendamping.audit.services import audit_record
from pendamping.core.api_ordering import ordered, ordering_field
from pendamping.core.api_support import ERRORS, MAX_ID, ApiRequest, IdPath, Paged, PageQuery, build, page_of
from pendamping.registry.selectors_api import membership_get, membership_list

router = Router(tags=["groups (KUBE)"])

BoardRole = Literal["ketua", "sekretaris", "bendahara", "anggota"]
ORDER = {
    "joined_on": "joined_on",
    "left_on": "left_on",
    "family": "family__head_name",
    "group": "group__name",
    "role": "role",
    "id": "pk",
}


class MembershipQuery(PageQuery):
    group_id: int | None = Field(None, ge=1, le=MAX_ID)
    family_id: int | None = Field(None, ge=1, le=MAX_ID)
    role: BoardRole | Literal[""] = ""
    current: bool | None = Field(None, description="true: members now; false: those who left; absent: both")
    regency: str = Field("", description="Regency code of the KUBE, e.g. 35.78")
    q: str = Field("", description="Words of the family head's name")
    ordering: str | None = ordering_field(ORDER, default="group, left_on, role, family")


class MembershipOut(Schema):
    id: int
    group_id: int
    group_code: str
    group_name: str
    regency_code: str
    family_id: int
    family_name: str
    family_nik: str = Field(description="The head's NIK, masked except on the detail endpoint for admins and officers")
    role: str
    joined_on: dt.date
    left_on: dt.date | None
    left_reason: str


def membership_out(membership: Any, *, reveal: bool = False) -> MembershipOut:
    family, group = membership.family, membership.group
    return build(
        MembershipOut,
        membership,
        group_code=group.code,
        group_name=group.name,
        regency_code=group.regency_id,
        family_name=family.head_name,
        family_nik=family.nik if reveal else family.nik_masked,
    )


@router.get("/memberships", response={200: Paged[MembershipOut], **ERRORS}, summary="List memberships (NIK masked)")
def membership_index(request: ApiRequest, query: Query[MembershipQuery]) -> Any:
    require(request.auth, "registry.view")
    qs = membership_list(
        user=request.auth,
        group_id=query.group_id,
        family_id=query.family_id,
        role=query.role,
        current=query.current,
        regency=query.regency,
        q=query.q,
    )
    return page_of(ordered(qs, query.ordering, allowed=ORDER), query, membership_out)


@router.get("/memberships/{membership_id}", response={200: MembershipOut, **ERRORS}, summary="One membership")
def membership_detail(request: ApiRequest, membership_id: IdPath) -> Any:
    """Admins and regency officers get the head's NIK unmasked; each such view is recorded as a "reveal" of the
    family in the audit trail."""
    membership = membership_get(user=request.auth, pk=membership_id)
    require(request.auth, "registry.view")
    reveal = can(request.auth, "nik.unmasked")
    if reveal:
        audit_record(actor=request.auth, action="reveal", obj=membership.family)
    return membership_out(membership, reveal=reveal)
