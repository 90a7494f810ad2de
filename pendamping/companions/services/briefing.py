"""Writes of the briefing step (pembekalan). Import from here: the plan (batch, modules, instructors, sessions,
budget, equipment) is in briefing_plan.py, its people (participants, attendance, scores, finishing) in
briefing_people.py."""

from pendamping.companions.services.briefing_people import (
    attendance_record,
    briefing_finish,
    participant_add,
    participant_remove,
    scores_record,
)
from pendamping.companions.services.briefing_plan import (
    BATCH_FIELDS,
    briefing_create,
    briefing_update,
    budget_line_add,
    budget_line_update,
    equipment_add,
    equipment_toggle,
    instructor_create,
    module_add,
    module_delete,
    module_update,
    session_add,
    session_delete,
    session_update,
)

__all__ = [
    "BATCH_FIELDS",
    "attendance_record",
    "briefing_create",
    "briefing_finish",
    "briefing_update",
    "budget_line_add",
    "budget_line_update",
    "equipment_add",
    "equipment_toggle",
    "instructor_create",
    "module_add",
    "module_delete",
    "module_update",
    "participant_add",
    "participant_remove",
    "scores_record",
    "session_add",
    "session_delete",
    "session_update",
]
