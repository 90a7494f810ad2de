"""Reads of the companion model. Import from here."""

from pendamping.companions.selectors.people import (
    CompanionFilters,
    assignment_list,
    companion_assignments,
    companion_get,
    companion_list,
    group_current_companion,
    groups_assignable,
)

__all__ = [
    "CompanionFilters",
    "assignment_list",
    "companion_assignments",
    "companion_get",
    "companion_list",
    "group_current_companion",
    "groups_assignable",
]
