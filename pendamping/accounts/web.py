"""Checks and views-of-history shared by every page door."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from pendamping.accounts.permissions import can
from pendamping.audit.selectors import audit_history
from pendamping.core.nik import mask_number

MASKED_FIELDS = ("nik", "kk_number")


def require(user: Any, action: str) -> None:
    if not can(user, action):
        raise PermissionDenied(_("Your role may not do this."))


def history_for(user: Any, obj: Any, related: Iterable[Any] = ()) -> list[Any] | None:
    """The audit history of a row (and of the rows belonging to it) for roles that may read it: its latest
    changes, then its latest unmasked views. NIK and KK numbers in the before/after values are masked unless
    the role may see them unmasked. None: the role may not see the history."""
    if not can(user, "audit.view"):
        return None
    related = list(related)
    entries = [*audit_history(obj=obj, related=related), *audit_history(obj=obj, related=related, reveals=True)]
    if not can(user, "nik.unmasked"):
        for entry in entries:
            entry.changes = {
                field: [mask_number(v) if isinstance(v, str) else v for v in values]
                if field in MASKED_FIELDS
                else values
                for field, values in entry.changes.items()
            }
    return entries
