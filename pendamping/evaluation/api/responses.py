"""Answers over the API: one respondent's form per wave (a companion answers only as themselves), a CSV
import for a whole study, and who has not answered what yet."""

from typing import Annotated, Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, File, Path, Router, Schema
from ninja.files import UploadedFile

from pendamping.accounts.guards import require
from pendamping.core.api_support import ERRORS, ApiRequest, IdPath, Input
from pendamping.evaluation.engine.io import InputError, parse_responses
from pendamping.evaluation.selectors import respondent_answers, respondent_get, study_completeness, study_get
from pendamping.evaluation.services import responses_import, responses_record

router = Router(tags=["evaluation: answers"])

MAX_UPLOAD = 20 * 1024 * 1024
WavePath = Annotated[str, Path(max_length=20, description="The wave's code (pre, post…) or its id")]


class AnswersIn(Input):
    answers: dict[str, str] = Field(
        min_length=1, max_length=500, description="{item code: option code}; a partial form is fine"
    )
    submission_key: str = Field(
        "", max_length=64, description="Send the same key when retrying: the same submission is applied once"
    )


class AnswersOut(Schema):
    respondent_id: int
    wave: str
    answers: dict[str, str]


class RecordedOut(AnswersOut):
    submission_key: str
    created: int
    changed: int
    unchanged: int
    replay: bool = Field(description="True when this submission had been applied before (nothing changed)")


class ProblemOut(Schema):
    row: int | None
    respondent: str
    field: str
    value: str
    message: str
    code: str


class ImportOut(Schema):
    created: int
    unchanged: int
    layout: str = Field(description="long (one row per answer) or wide (one row per respondent and wave)")
    blanks: int = Field(description="Empty answers skipped")
    warnings: list[ProblemOut] = Field(description="Imported, but worth a look (e.g. a post without a pre)")


class CompletenessRowOut(Schema):
    respondent_id: int
    pseudonym: str
    arm: str
    wave: str
    answered: int
    missing: list[str]


class CompletenessSummaryOut(Schema):
    arm: str
    wave: str
    complete: int
    partial: int
    none: int


class CompletenessOut(Schema):
    items: int
    summary: list[CompletenessSummaryOut]
    rows: list[CompletenessRowOut]


def _wave(study: Any, code: str) -> Any:
    wave = study.waves.filter(code=code).first()
    if wave is None and code.isdigit():
        wave = study.waves.filter(pk=int(code)).first()
    if wave is None:
        raise ObjectDoesNotExist
    return wave


def _target(request: ApiRequest, study_id: int, respondent_id: int, wave: str) -> tuple[Any, Any]:
    study = study_get(user=request.auth, pk=study_id)
    return respondent_get(user=request.auth, study=study, pk=respondent_id), _wave(study, wave)


PATH = "/evaluation/studies/{study_id}/respondents/{respondent_id}/waves/{wave}/responses"


@router.get(PATH, response={200: AnswersOut, **ERRORS}, summary="A respondent's answers in one wave")
def answers_get(request: ApiRequest, study_id: IdPath, respondent_id: IdPath, wave: WavePath) -> Any:
    respondent, wave_row = _target(request, study_id, respondent_id, wave)
    answers = respondent_answers(respondent=respondent, wave=wave_row)
    return AnswersOut(respondent_id=respondent.pk, wave=wave_row.code, answers=answers)


@router.post(PATH, response={200: RecordedOut, **ERRORS}, summary="Submit a respondent's answers for one wave")
def answers_submit(
    request: ApiRequest, study_id: IdPath, respondent_id: IdPath, wave: WavePath, payload: AnswersIn
) -> Any:
    respondent, wave_row = _target(request, study_id, respondent_id, wave)
    done = responses_record(
        actor=request.auth, respondent=respondent, wave=wave_row, answers=payload.answers,
        submission_key=payload.submission_key,
    )  # fmt: skip
    answers = respondent_answers(respondent=respondent, wave=wave_row)
    return RecordedOut(
        respondent_id=respondent.pk, wave=wave_row.code, answers=answers, submission_key=done.submission_key,
        created=done.created, changed=done.changed, unchanged=done.unchanged, replay=done.replay,
    )  # fmt: skip


@router.post(
    "/evaluation/studies/{study_id}/responses/import",
    response={200: ImportOut, **ERRORS},
    summary="Import answers from CSV (long or wide layout), all or nothing",
)
def answers_import(request: ApiRequest, study_id: IdPath, file: File[UploadedFile]) -> Any:
    study = study_get(user=request.auth, pk=study_id)
    require(request.auth, "evaluation.manage")
    if file.size is not None and file.size > MAX_UPLOAD:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    try:
        parsed = parse_responses(file.read(), name=file.name or "responses.csv")
    except InputError as exc:
        raise ValidationError({"file": str(exc)}) from None
    done = responses_import(actor=request.auth, study=study, answers=parsed.answers, rows=parsed.rows)
    warnings = [
        ProblemOut(row=p.row, respondent=p.respondent, field=p.field, value=p.value, message=p.message, code=p.code)
        for p in done.warnings
    ]
    return ImportOut(
        created=done.created, unchanged=done.unchanged, layout=parsed.layout, blanks=parsed.blanks, warnings=warnings
    )


@router.get(
    "/evaluation/studies/{study_id}/completeness",
    response={200: CompletenessOut, **ERRORS},
    summary="Who has not answered which items of which wave",
)
def completeness(request: ApiRequest, study_id: IdPath) -> Any:
    study = study_get(user=request.auth, pk=study_id)
    require(request.auth, "evaluation.view")
    report = study_completeness(user=request.auth, study=study)
    summary = [CompletenessSummaryOut(arm=arm, wave=wave, **tally) for (arm, wave), tally in report.summary.items()]
    rows = [CompletenessRowOut(**{k: getattr(r, k) for k in CompletenessRowOut.model_fields}) for r in report.rows]
    return CompletenessOut(items=report.items, summary=summary, rows=rows)
