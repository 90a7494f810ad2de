"""KUBE groups and their members over the API."""

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

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
from pendamping.registry.selectors import RegistryFilters, family_get, group_get, group_list, group_members
from pendamping.registry.services import (
    group_create,
    group_set_status,
    group_update,
    membership_add,
    membership_end,
    membership_set_role,
)

router = Router(tags=["groups (KUBE)"])

GroupStatus = Literal["forming", "active", "inactive", "graduated"]
Sector = Literal["livestock", "agriculture", "fisheries", "food", "trade", "crafts", "processing", "services", "other"]
BoardRole = Literal["ketua", "sekretaris", "bendahara", "anggota"]


GROUP_ORDER: OrderKeys = {
    "name": "name",
    "code": "code",
    "founded_on": "founded_on",
    "status": "status",
    "sector": "sector",
    "regency": "regency_id",
    "members": "member_count",
    "id": "pk",
}


class GroupQuery(PageQuery):
    q: str = Field("", description="Name, or the start of a KUBE code")
    regency: str = ""
    kecamatan: str = ""
    desa: str = ""
    status: GroupStatus | Literal[""] = ""
    sector: Sector | Literal[""] = ""
    ordering: str | None = ordering_field(GROUP_ORDER, default="name")


class GroupIn(Input):
    """A new KUBE starts as *forming*; activate it with POST /groups/{id}/status once members and board are
    complete."""

    name: str = Field(max_length=120)
    desa_code: str = Field(max_length=20, description="Desa/kelurahan code; members must live there")
    sector: Sector
    sector_other: str = Field("", max_length=80, description="Required when sector is 'other'")
    founded_on: dt.date
    bank_name: str = Field("", max_length=60)
    bank_account_number: str = Field("", max_length=30)
    bank_account_name: str = Field("", max_length=120)


class GroupPatch(Input):
    """Send only what changes, with the `version` you read (409 if the KUBE changed since)."""

    version: int = Field(ge=1, le=MAX_ID)
    name: str | None = Field(None, max_length=120)
    sector: Sector | None = None
    sector_other: str | None = Field(None, max_length=80)
    founded_on: dt.date | None = None
    bank_name: str | None = Field(None, max_length=60)
    bank_account_number: str | None = Field(None, max_length=30)
    bank_account_name: str | None = Field(None, max_length=120)


class StatusIn(Input):
    status: GroupStatus
    on: dt.date = Field(default_factory=timezone.localdate, description="Defaults to today")
    reason: str = Field("", max_length=200, description="Required for inactive and graduated")


class MemberIn(Input):
    family_id: Id
    role: BoardRole = "anggota"
    joined_on: dt.date


class MemberEndIn(Input):
    left_on: dt.date
    reason: str = Field("", max_length=200)


class MemberRoleIn(Input):
    role: BoardRole = Field(description="Taking a board seat held by another member swaps the two roles")


class GroupOut(Schema):
    id: int
    code: str
    name: str
    desa_code: str
    desa_name: str
    kecamatan_code: str
    kecamatan_name: str
    regency_code: str
    regency_name: str
    sector: str
    sector_other: str
    founded_on: dt.date
    status: str
    status_changed_on: dt.date | None
    status_reason: str
    bank_name: str
    bank_account_number: str
    bank_account_name: str
    member_count: int | None = Field(None, description="Current members")
    version: int


class MemberOut(Schema):
    id: int = Field(description="The membership id")
    family_id: int
    family_name: str
    role: str
    joined_on: dt.date
    left_on: dt.date | None
    left_reason: str


class GroupDetailOut(GroupOut):
    members: list[MemberOut] = Field(default_factory=list, description="Current members")


def _places(group: Any) -> dict[str, Any]:
    desa = group.desa
    return {
        "desa_code": desa.code,
        "desa_name": desa.name,
        "kecamatan_code": desa.parent_id,
        "kecamatan_name": desa.parent.name,
        "regency_code": group.regency_id,
        "regency_name": group.regency.name,
    }


def group_row(group: Any) -> GroupOut:
    return build(GroupOut, group, **_places(group))


def member_out(membership: Any) -> MemberOut:
    return build(MemberOut, membership, family_name=membership.family.head_name)


def _detail(request: ApiRequest, pk: int) -> GroupDetailOut:
    group = group_get(user=request.auth, pk=pk)
    members = [member_out(m) for m in group_members(group=group)]
    return build(GroupDetailOut, group, members=members, member_count=len(members), **_places(group))


def _membership(request: ApiRequest, group_id: int, membership_id: int) -> Any:
    group = group_get(user=request.auth, pk=group_id)
    return group_members(group=group, include_past=True).get(pk=membership_id)


@router.get("/groups", response={200: Paged[GroupOut], **ERRORS}, summary="List KUBE")
def group_index(request: ApiRequest, query: Query[GroupQuery]) -> Any:
    filters = RegistryFilters(
        q=query.q,
        regency=query.regency,
        kecamatan=query.kecamatan,
        desa=query.desa,
        status=query.status,
        sector=query.sector,
    )
    qs = ordered(group_list(user=request.auth, filters=filters), query.ordering, allowed=GROUP_ORDER)
    return page_of(qs, query, group_row)


@router.get("/groups/{group_id}", response={200: GroupDetailOut, **ERRORS}, summary="One KUBE with its members")
def group_detail(request: ApiRequest, group_id: IdPath) -> Any:
    return _detail(request, group_id)


@router.post("/groups", response={201: GroupDetailOut, **ERRORS}, summary="Found a KUBE")
def group_new(request: ApiRequest, payload: GroupIn) -> Any:
    with fields_as(desa="desa_code"):
        group = group_create(actor=request.auth, **payload.model_dump())
    return Status(201, _detail(request, group.pk))


@router.patch("/groups/{group_id}", response={200: GroupDetailOut, **ERRORS}, summary="Change a KUBE")
def group_edit(request: ApiRequest, group_id: IdPath, payload: GroupPatch) -> Any:
    group = group_get(user=request.auth, pk=group_id)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    group_update(actor=request.auth, group=group, version=payload.version, **data)
    return _detail(request, group_id)


@router.post(
    "/groups/{group_id}/status", response={200: GroupDetailOut, **ERRORS}, summary="Activate, deactivate or graduate"
)
def group_status(request: ApiRequest, group_id: IdPath, payload: StatusIn) -> Any:
    group = group_get(user=request.auth, pk=group_id)
    group_set_status(actor=request.auth, group=group, status=payload.status, on=payload.on, reason=payload.reason)
    return _detail(request, group_id)


@router.post("/groups/{group_id}/members", response={201: MemberOut, **ERRORS}, summary="Add a member family")
def member_add(request: ApiRequest, group_id: IdPath, payload: MemberIn) -> Any:
    group = group_get(user=request.auth, pk=group_id)
    family = referenced(family_get, field="family_id", user=request.auth, pk=payload.family_id)
    with fields_as(family="family_id"):
        membership = membership_add(
            actor=request.auth, group=group, family=family, role=payload.role, joined_on=payload.joined_on
        )
    return Status(201, member_out(_membership(request, group_id, membership.pk)))


@router.post(
    "/groups/{group_id}/members/{membership_id}/end",
    response={200: MemberOut, **ERRORS},
    summary="A member family leaves (the membership is kept as history)",
)
def member_end(request: ApiRequest, group_id: IdPath, membership_id: IdPath, payload: MemberEndIn) -> Any:
    membership = _membership(request, group_id, membership_id)
    membership_end(actor=request.auth, membership=membership, left_on=payload.left_on, reason=payload.reason)
    return member_out(_membership(request, group_id, membership_id))


@router.post(
    "/groups/{group_id}/members/{membership_id}/role",
    response={200: MemberOut, **ERRORS},
    summary="Give a member a board role",
)
def member_role(request: ApiRequest, group_id: IdPath, membership_id: IdPath, payload: MemberRoleIn) -> Any:
    membership = _membership(request, group_id, membership_id)
    membership_set_role(actor=request.auth, membership=membership, role=payload.role)
    return member_out(_membership(request, group_id, membership_id))
