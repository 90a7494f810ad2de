"""Possible duplicates over the API: the same selectors, services, scope and masking as the pages."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Query, Router, Schema

from pendamping.accounts.permissions import can
from pendamping.accounts.web import require
from pendamping.audit.services import audit_record
from pendamping.core.api_support import (
    ERRORS,
    ApiRequest,
    Id,
    IdPath,
    Input,
    Paged,
    PageQuery,
    build,
    page_of,
)
from pendamping.exchange.selectors.duplicates import (
    DuplicateFilters,
    duplicate_comparison,
    duplicate_get,
    duplicate_list,
    first_name,
    visible_records,
)
from pendamping.exchange.services.duplicates import duplicate_dismiss, duplicate_resolve
from pendamping.exchange.services.merge import duplicate_merge

router = Router(tags=["exchange"])

ReasonCode = Literal["kk_name", "name_birth", "companion_member"]
StatusCode = Literal["open", "merged", "dismissed"]


class DuplicateQuery(PageQuery):
    reason: ReasonCode | Literal[""] = ""
    status: StatusCode | Literal["all"] = Field("open", description="open (default), merged, dismissed or all")


class DuplicateOut(Schema):
    id: int
    reason: str = Field(description="kk_name, name_birth or companion_member")
    reason_label: str
    status: str
    first_kind: str = Field(description="family, or companion for companion_member")
    first_id: int
    first_name: str | None = Field(description="null: deleted since, or outside your area")
    second_id: int = Field(description="always a family")
    second_name: str | None
    regency_code: str
    score: float = Field(description="similarity of the names, 0-1")
    detail: str
    batch_id: int | None
    created_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    note: str


class RecordOut(Schema):
    kind: str
    id: int
    available: bool = Field(description="false: deleted since, or outside your area")
    values: dict[str, Any] = Field(description="name, nik, kk_number (masked unless your role sees them), …")


class DuplicateDetailOut(DuplicateOut):
    first: RecordOut
    second: RecordOut
    differing: list[str] = Field(description="the fields whose values differ between the two records")


class NoteIn(Input):
    note: str = Field(min_length=1, max_length=200, description="why (kept on the flag)")


class MergeIn(Input):
    keep_id: Id = Field(description="the family kept: the flag's first_id or second_id")


def _out(flag: Any, *, first: str | None = None, second: str | None = None) -> DuplicateOut:
    """From a duplicate_list row (names annotated) or, with the names given, from any flag."""
    listed = hasattr(flag, "second_family")
    return build(
        DuplicateOut,
        flag,
        reason_label=str(flag.get_reason_display()),
        first_kind="companion" if flag.reason == "companion_member" else "family",
        first_name=first_name(flag) if listed else first,
        second_name=flag.second_family if listed else second,
        regency_code=flag.regency_id,
        decided_by=flag.decided_by.username if flag.decided_by_id else None,
    )


def _detail(request: ApiRequest, flag: Any) -> DuplicateDetailOut:
    """NIK and KK unmasked for the roles that work with them, each record's view on the audit trail."""
    unmasked = can(request.auth, "nik.unmasked")
    comparison = duplicate_comparison(user=request.auth, flag=flag, unmasked=unmasked)
    if unmasked:
        for record in visible_records(comparison):
            audit_record(actor=request.auth, action="reveal", obj=record)
    sides = []
    for side in (comparison.left, comparison.right):
        values = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in side.values.items()}
        sides.append(RecordOut(kind=side.kind, id=side.pk, available=side.available, values=values))
    names = [side.values.get("name") for side in (comparison.left, comparison.right)]
    base = _out(flag, first=names[0], second=names[1])
    return DuplicateDetailOut(**base.model_dump(), first=sides[0], second=sides[1], differing=comparison.differing)


def _fetch(request: ApiRequest, duplicate_id: int) -> Any:
    flag = duplicate_get(user=request.auth, pk=duplicate_id)  # out of scope: 404, before the role is judged
    require(request.auth, "duplicate.review")
    return flag


@router.get("/exchange/duplicates", response={200: Paged[DuplicateOut], **ERRORS}, summary="List possible duplicates")
def duplicate_index(request: ApiRequest, query: Query[DuplicateQuery]) -> Any:
    require(request.auth, "duplicate.review")
    filters = DuplicateFilters(reason=query.reason, status=query.status)
    return page_of(duplicate_list(user=request.auth, filters=filters), query, _out)


@router.get(
    "/exchange/duplicates/{duplicate_id}",
    response={200: DuplicateDetailOut, **ERRORS},
    summary="One possible duplicate, its two records side by side",
)
def duplicate_show(request: ApiRequest, duplicate_id: IdPath) -> Any:
    return _detail(request, _fetch(request, duplicate_id))


@router.post(
    "/exchange/duplicates/{duplicate_id}/dismiss",
    response={200: DuplicateOut, **ERRORS},
    summary="Dismiss: not the same family or person",
)
def duplicate_dismiss_api(request: ApiRequest, duplicate_id: IdPath, payload: NoteIn) -> Any:
    """A flag already decided answers 409."""
    flag = duplicate_dismiss(actor=request.auth, duplicate=_fetch(request, duplicate_id), note=payload.note)
    return _out(duplicate_list(user=request.auth, filters=DuplicateFilters(status="all")).get(pk=flag.pk))


@router.post(
    "/exchange/duplicates/{duplicate_id}/merge",
    response={200: DuplicateOut, **ERRORS},
    summary="Merge two families: keep one, fold the other into it",
)
def duplicate_merge_api(request: ApiRequest, duplicate_id: IdPath, payload: MergeIn) -> Any:
    """The other family's memberships, welfare records and other linked rows move to the family kept and the other
    is deleted; refused (400, saying which rule) when both are current KUBE members or a unique rule would break."""
    flag = _fetch(request, duplicate_id)
    duplicate_merge(actor=request.auth, duplicate=flag, keep_id=payload.keep_id)
    return _out(duplicate_list(user=request.auth, filters=DuplicateFilters(status="all")).get(pk=flag.pk))


@router.post(
    "/exchange/duplicates/{duplicate_id}/resolve",
    response={200: DuplicateOut, **ERRORS},
    summary="Resolve a companion who was a member of a KUBE they accompany",
)
def duplicate_resolve_api(request: ApiRequest, duplicate_id: IdPath, payload: NoteIn) -> Any:
    """Once the assignment or the membership has been ended; recorded with the status "merged"."""
    flag = duplicate_resolve(actor=request.auth, duplicate=_fetch(request, duplicate_id), note=payload.note)
    return _out(duplicate_list(user=request.auth, filters=DuplicateFilters(status="all")).get(pk=flag.pk))
