"""The evaluation app's models: instruments, studies with their respondents and answers, analyses and the
model gap analysis. Every model has `objects.visible_to(user)` (see `_scope`)."""

from pendamping.evaluation.models.analyses import Analysis, GapAssessment, GapComponent, GapRating
from pendamping.evaluation.models.instruments import Aspect, Instrument, Item, Option
from pendamping.evaluation.models.studies import (
    Arm,
    Respondent,
    Response,
    Study,
    StudyEvaluator,
    Submission,
    Wave,
    new_pseudonym_key,
)

__all__ = [
    "Analysis",
    "Arm",
    "Aspect",
    "GapAssessment",
    "GapComponent",
    "GapRating",
    "Instrument",
    "Item",
    "Option",
    "Respondent",
    "Response",
    "Study",
    "StudyEvaluator",
    "Submission",
    "Wave",
    "new_pseudonym_key",
]
