"""Writes of the recruitment step: calls, criteria, applications, scores, ranking and decisions. Import from here."""

from pendamping.companions.services.recruitment.applications import (
    REFERENCE_PREFIX,
    application_enter,
    application_submit_public,
    new_reference,
)
from pendamping.companions.services.recruitment.calls import (
    call_create,
    call_set_status,
    call_update,
    clean_quotas,
    criterion_delete,
    criterion_set,
)
from pendamping.companions.services.recruitment.rules import DEFAULT_CRITERIA, DEFAULT_PARAMS
from pendamping.companions.services.recruitment.screening import (
    Ranked,
    application_decide,
    application_score_auto,
    application_score_set,
    applications_rank,
)

__all__ = [
    "DEFAULT_CRITERIA",
    "DEFAULT_PARAMS",
    "REFERENCE_PREFIX",
    "Ranked",
    "application_decide",
    "application_enter",
    "application_score_auto",
    "application_score_set",
    "application_submit_public",
    "applications_rank",
    "call_create",
    "call_set_status",
    "call_update",
    "clean_quotas",
    "criterion_delete",
    "criterion_set",
    "new_reference",
]
