"""Registry writes: families, KUBE and members, grants. Import from here."""

from pendamping.registry.services._common import nik_warnings, require_group_access
from pendamping.registry.services.families import family_create, family_delete, family_update
from pendamping.registry.services.grants import grant_create, grant_update, tranche_add, tranche_approve, tranche_delete
from pendamping.registry.services.groups import (
    group_create,
    group_delete,
    group_set_status,
    group_update,
    membership_add,
    membership_end,
    membership_set_role,
)
from pendamping.registry.services.tally import family_tally_compact

__all__ = [
    "family_create",
    "family_delete",
    "family_tally_compact",
    "family_update",
    "grant_create",
    "grant_update",
    "group_create",
    "group_delete",
    "group_set_status",
    "group_update",
    "membership_add",
    "membership_end",
    "membership_set_role",
    "nik_warnings",
    "require_group_access",
    "tranche_add",
    "tranche_approve",
    "tranche_delete",
]
