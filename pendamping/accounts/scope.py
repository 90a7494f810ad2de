"""The one rule for which rows a user may see, used by every model's `visible_to(user)`."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Q, QuerySet

from pendamping.accounts.models import Role

QS = TypeVar("QS", bound=QuerySet[Any])


def scoped(qs: QS, user: Any, *, regency: str, companion: Q | Callable[[], Q] | None) -> QS:
    """Deny by default. `regency` is the lookup to the row's regency code; `companion` selects the rows a
    companion may see through their active assignments (None: companions see none of this model). Give it as a
    function when building it costs subqueries: it is then built for companions only (every API request of an
    officer or admin goes through here)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_superuser or user.role == Role.ADMIN:
        return qs
    if user.role in (Role.OFFICER, Role.AUDITOR):
        codes = user.regency_codes
        return qs.filter(**{f"{regency}__in": codes}) if codes else qs.none()
    if user.role == Role.COMPANION and companion is not None:
        return qs.filter(companion() if callable(companion) else companion)
    return qs.none()
