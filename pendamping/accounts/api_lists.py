"""Accounts over the API: the signed-in user's own tokens (created and revoked on the account page, /accounts/me/,
or a new one from POST /auth/token), and for provincial admins the users and the audit trail."""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from pendamping.accounts.guards import require
from pendamping.accounts.permissions import can
from pendamping.accounts.selectors_api import audit_entries, tokens_of, user_one, users_all
from pendamping.core.api_ordering import ordered, ordering_field
from pendamping.core.api_support import ERRORS, ApiRequest, IdPath, Paged, PageQuery, build, page_of
from pendamping.core.nik import mask_number

router = Router(tags=["accounts"])

RoleName = Literal["admin", "officer", "companion", "evaluator", "auditor"]
TOKEN_ORDER = {"created_at": "created_at", "last_used_at": "last_used_at", "name": "name"}
USER_ORDER = {"username": "username", "role": "role", "last_login": "last_login", "date_joined": "date_joined"}
AUDIT_ORDER = {"at": "at", "action": "action", "actor": "actor_name", "door": "door"}
MASKED_FIELDS = ("nik", "kk_number")


class TokenQuery(PageQuery):
    revoked: bool = Field(False, description="Include revoked tokens")
    ordering: str | None = ordering_field(TOKEN_ORDER, default="-created_at")


class UserQuery(PageQuery):
    role: RoleName | Literal[""] = ""
    regency: str = Field("", max_length=5, description="Users working in this regency, e.g. 35.78")
    active: bool | None = None
    q: str = Field("", description="Part of the username")
    ordering: str | None = ordering_field(USER_ORDER, default="username")


class AuditQuery(PageQuery):
    action: Literal["create", "update", "delete", "reveal", ""] = ""
    door: Literal["web", "api", "cli", "admin", "import", "system", ""] = ""
    actor: str = Field("", description="Username of who did it ('system' for the system)")
    model: str = Field("", description="What it is about, as app.model: registry.family, companions.visit, …")
    object_id: str = Field("", max_length=64, description="The row's id (with model)")
    since: dt.date | None = None
    until: dt.date | None = None
    ordering: str | None = ordering_field(AUDIT_ORDER, default="-at")


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The token starts with pdp_ and these characters; the rest is never shown again")
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    role: str
    regencies: list[str]
    is_active: bool
    last_login: dt.datetime | None
    date_joined: dt.datetime


class AuditOut(Schema):
    id: int
    at: dt.datetime
    actor: str = Field(description="Username, kept when the user is deleted; 'system' for the system")
    door: str = Field(description="web, api, cli, admin, import or system")
    action: str
    model: str = Field(description="app.model of the row")
    object_id: str
    object_repr: str
    changes: dict[str, Any] = Field(description="{field: [before, after]}")


def user_out(user: Any) -> UserOut:
    role = "admin" if user.is_superuser else user.role
    return build(UserOut, user, role=role, regencies=[r.code for r in user.regencies.all()])


def audit_out(entry: Any, *, unmasked: bool) -> AuditOut:
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    if not unmasked:
        masked = {f: [mask_number(v) if isinstance(v, str) else v for v in changes[f]] for f in MASKED_FIELDS}
        changes = {**changes, **{f: v for f, v in masked.items() if f in changes}}
    model = f"{entry.content_type.app_label}.{entry.content_type.model}"
    return build(AuditOut, entry, actor=entry.actor_name, model=model, changes=changes)


@router.get("/me/tokens", response={200: Paged[ApiTokenOut], **ERRORS}, summary="My API tokens")
def token_index(request: ApiRequest, query: Query[TokenQuery]) -> Any:
    """The signed-in user's own tokens, never anyone else's, and never the secret part."""
    qs = tokens_of(user=request.auth, include_revoked=query.revoked)
    return page_of(ordered(qs, query.ordering, allowed=TOKEN_ORDER), query, lambda token: build(ApiTokenOut, token))


@router.get("/users", response={200: Paged[UserOut], **ERRORS}, summary="List users (provincial admins)")
def user_index(request: ApiRequest, query: Query[UserQuery]) -> Any:
    require(request.auth, "users.manage")
    qs = users_all(role=query.role, regency=query.regency, active=query.active, q=query.q)
    return page_of(ordered(qs, query.ordering, allowed=USER_ORDER), query, user_out)


@router.get("/users/{user_id}", response={200: UserOut, **ERRORS}, summary="One user (provincial admins)")
def user_detail(request: ApiRequest, user_id: IdPath) -> Any:
    """Anyone but a provincial admin gets 404, as for a user that does not exist (GET /me is one's own)."""
    if not can(request.auth, "users.manage"):
        raise Http404
    return user_out(user_one(pk=user_id))


@router.get("/audit-entries", response={200: Paged[AuditOut], **ERRORS}, summary="The audit trail (provincial admins)")
def audit_index(request: ApiRequest, query: Query[AuditQuery]) -> Any:
    """Every create, change, delete and unmasked view, newest first. Regional roles see the history of a record
    on its page instead, where the record's scope applies."""
    if not (can(request.auth, "audit.view") and request.auth.is_province_admin):
        raise PermissionDenied(_("The whole audit trail is for provincial admins; see a record's history on its page."))
    qs = audit_entries(
        action=query.action,
        door=query.door,
        actor=query.actor,
        model=query.model,
        object_id=query.object_id,
        since=query.since,
        until=query.until,
    )
    unmasked = can(request.auth, "nik.unmasked")
    return page_of(ordered(qs, query.ordering, allowed=AUDIT_ORDER), query, lambda e: audit_out(e, unmasked=unmasked))
