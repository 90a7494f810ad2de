"""Account reads for the API: the signed-in user's own tokens, and for provincial admins the users and the
audit trail. Regional roles see an audit entry on the page of the record it is about, where the record's own
scope decides; the whole trail has no regency to scope by, so as a list it is the provincial admins'."""

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet

from pendamping.accounts.models import ApiToken, User
from pendamping.audit.models import AuditEntry
from pendamping.regions.models import Region


def tokens_of(*, user: Any, include_revoked: bool = False) -> QuerySet[ApiToken]:
    qs = ApiToken.objects.filter(user=user)
    if not include_revoked:
        qs = qs.filter(revoked_at__isnull=True)
    return qs.order_by("-created_at", "pk")


def users_all(*, role: str = "", regency: str = "", active: bool | None = None, q: str = "") -> QuerySet[User]:
    """Every user (the caller checks users.manage), each with their regencies prefetched."""
    regencies = Prefetch("regencies", queryset=Region.objects.order_by("code"))
    qs = User.objects.prefetch_related(regencies)
    if role:
        qs = qs.filter(role=role)
    if regency:
        qs = qs.filter(regencies__code=regency)
    if active is not None:
        qs = qs.filter(is_active=active)
    if q:
        qs = qs.filter(username__icontains=q)
    return qs.order_by("username", "pk")


def user_one(*, pk: Any) -> User:
    return users_all().get(pk=pk)


def audit_entries(
    *,
    action: str = "",
    door: str = "",
    actor: str = "",
    model: str = "",
    object_id: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """The whole trail (the caller checks it is a provincial admin's), newest first."""
    qs = AuditEntry.objects.select_related("content_type")
    if action:
        qs = qs.filter(action=action)
    if door:
        qs = qs.filter(door=door)
    if actor:
        qs = qs.filter(actor_name=actor)
    if model.count(".") == 1:
        app_label, name = model.lower().split(".")
        qs = qs.filter(content_type__app_label=app_label, content_type__model=name)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs.order_by("-at", "-pk")
