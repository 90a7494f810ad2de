"""Writes of the companion model. Import from here."""

from pendamping.companions.services.people import (
    COMPANION_FIELDS,
    assignment_create,
    assignment_end,
    companion_create,
    companion_update,
)

__all__ = [
    "COMPANION_FIELDS",
    "assignment_create",
    "assignment_end",
    "companion_create",
    "companion_update",
]
