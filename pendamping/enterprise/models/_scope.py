"""Scope of the enterprise rows: by their KUBE's regency; a companion sees the KUBE assigned to them now."""

from typing import Any

from django.db.models import Q

from pendamping.accounts.scope import scoped
from pendamping.registry.models import assigned_group_ids


def by_group(qs: Any, user: Any, group: str = "group") -> Any:
    """`group` is the lookup from the row to its KUBE ("group", "grant__group")."""
    return scoped(
        qs, user, regency=f"{group}__regency_id", companion=lambda: Q(**{f"{group}__in": assigned_group_ids(user)})
    )
