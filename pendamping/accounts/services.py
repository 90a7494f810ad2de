import datetime as dt
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import F, OuterRef
from django.utils import timezone

from pendamping.accounts.models import ApiToken, Role, User
from pendamping.audit.services import audit_record, snapshot
from pendamping.core.compiled import CompiledQuery
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


# The token, its user and the user's regencies in one query, compiled once: every API request starts here.
_TOKEN_USER = CompiledQuery(
    lambda digest: User.objects.filter(
        api_tokens__digest=digest, api_tokens__revoked_at__isnull=True, is_active=True
    ).annotate(
        token_id=F("api_tokens__id"),
        token_last_used_at=F("api_tokens__last_used_at"),
        regency_list=User.regency_codes_of(OuterRef("pk")),
    )
)


def token_authenticate(*, raw: str) -> User | None:
    users = _TOKEN_USER(ApiToken.hash(raw))  # the digest is unique: one row or none
    if not users:
        return None
    user: Any = users[0]  # with the annotations as attributes
    user.know_regency_codes(user.regency_list)
    now = timezone.now()
    # To the minute: a write on every request would cost more than the whole read it authenticates.
    if user.token_last_used_at is None or now - user.token_last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=user.token_id).update(last_used_at=now)
    return user


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
