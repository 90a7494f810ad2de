"""Evaluation writes: instruments, studies and respondents, answers, analyses, the model gap analysis.
Import from here."""

from pendamping.evaluation.services._common import pseudonym
from pendamping.evaluation.services.analyses import analysis_options, analysis_request, analysis_run
from pendamping.evaluation.services.design import DesignOutcome, study_design_match, study_design_randomise
from pendamping.evaluation.services.gap import gap_assessment_create, gap_rating_set
from pendamping.evaluation.services.import_preview import ImportPreview, import_preview
from pendamping.evaluation.services.imports import Imported, responses_import
from pendamping.evaluation.services.instruments import (
    instrument_check,
    instrument_create,
    instrument_new_version,
    instrument_update,
)
from pendamping.evaluation.services.respondents import (
    respondent_add_external,
    respondent_remove,
    study_assign_respondents,
)
from pendamping.evaluation.services.responses import Recorded, responses_record
from pendamping.evaluation.services.studies import (
    WaveSpec,
    study_create,
    study_evaluator_add,
    study_evaluator_remove,
    study_set_status,
    study_update,
    wave_add,
)

__all__ = [
    "ImportPreview",
    "import_preview",
    "DesignOutcome",
    "Imported",
    "Recorded",
    "WaveSpec",
    "analysis_options",
    "analysis_request",
    "analysis_run",
    "gap_assessment_create",
    "gap_rating_set",
    "instrument_check",
    "instrument_create",
    "instrument_new_version",
    "instrument_update",
    "pseudonym",
    "respondent_add_external",
    "respondent_remove",
    "responses_import",
    "responses_record",
    "study_assign_respondents",
    "study_create",
    "study_design_match",
    "study_design_randomise",
    "study_evaluator_add",
    "study_evaluator_remove",
    "study_set_status",
    "study_update",
    "wave_add",
]
