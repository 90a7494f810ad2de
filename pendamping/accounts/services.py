import datetime as dt
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from pendamping.accounts.models import ApiToken, Role, User
from pendamping.audit.services import audit_record, snapshot
from pendamping.regions.models import Region

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)  # how fresh a token's "last used" is kept


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    regency_codes: list[str] | None = None,
    **extra: Any,
) -> User:
    user = User(username=username, role=Role(role), **extra)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    if regency_codes:
        user.regencies.set(Region.objects.filter(code__in=regency_codes))
    # The audit trail says a password was set, never which.
    audit_record(actor=actor, action="create", obj=user, after={**snapshot(user), "password": "***"})  # nosec B105
    return user


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Return the token row and the raw token; the raw token is never stored."""
    raw = "pdp_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[4:12], digest=ApiToken.hash(raw))
    audit_record(actor=user, action="create", obj=token, after={"name": name, "prefix": token.prefix})
    return token, raw


def token_authenticate(*, raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # To the minute: a write on every request would cost more than the whole read it authenticates.
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of the user's own live tokens; False when there is no such token (another user's id too)."""
    token = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=user, action="update", obj=token, before={"revoked_at": None}, after={"revoked_at": str(token.revoked_at)}
    )
    return True
