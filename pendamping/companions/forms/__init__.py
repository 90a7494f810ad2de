"""Forms of the companion pages."""

from pendamping.companions.forms.people import (
    ANY,
    AssignmentEndForm,
    AssignmentForm,
    CompanionFilterForm,
    CompanionForm,
    companion_initial,
)

__all__ = [
    "ANY",
    "AssignmentEndForm",
    "AssignmentForm",
    "CompanionFilterForm",
    "CompanionForm",
    "companion_initial",
]
