"""Analyses over the API: request one (it runs as a task; poll its progress), read its result."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticError

from pendamping.core.api_ordering import OrderKeys, ordered, ordering_field
from pendamping.core.api_support import ERRORS, ApiRequest, IdPath, Input, Paged, PageQuery, build, page_of
from pendamping.evaluation.selectors import analysis_get, analysis_list, study_get
from pendamping.evaluation.services import analysis_request

router = Router(tags=["evaluation: analyses"])


class AnalysisIn(Input):
    lang: Literal["id", "en"] | None = Field(None, description="Language of the result's texts; default: yours")


def _optional_body(request: ApiRequest) -> AnalysisIn:
    """The body is optional (a bare POST analyses in the caller's language) but, when sent, as strict as every
    other write: unknown fields are refused. Ninja's optional bodies accept anything, so it is read here."""
    try:
        if request.content_type == "application/json" and request.body.strip():
            return AnalysisIn.model_validate_json(request.body)
        return AnalysisIn.model_validate(request.POST.dict())  # a bare POST, or form fields
    except PydanticError as exc:
        errors = [{**e, "loc": ("body", "payload", *e["loc"])} for e in exc.errors(include_url=False)]
        raise NinjaValidationError(errors) from None


class AnalysisOut(Schema):
    id: int
    study_id: int
    status: str = Field(description="queued, running, done or failed")
    progress: int = Field(description="0-100")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    inputs_hash: str = Field(description="SHA-256 of the instrument, answers and options analysed")
    software_version: str
    error: str


class AnalysisDetailOut(AnalysisOut):
    options: dict[str, Any]
    problems: list[dict[str, Any]] = Field(description="What the validation of the answers found")
    result: dict[str, Any] | None = Field(description="The engine's result (results.json), once done")


def analysis_row(analysis: Any) -> AnalysisOut:
    return build(AnalysisOut, analysis)


@router.post(
    "/evaluation/studies/{study_id}/analyses",
    response={202: AnalysisOut, **ERRORS},
    summary="Analyse the study's answers as they are now (runs as a task)",
)
def analysis_new(request: ApiRequest, study_id: IdPath) -> Any:
    study = study_get(user=request.auth, pk=study_id)
    analysis = analysis_request(actor=request.auth, study=study, lang=_optional_body(request).lang)
    return Status(202, analysis_row(analysis_get(user=request.auth, pk=analysis.pk)))


ANALYSIS_ORDER: OrderKeys = {"created_at": "created_at", "finished_at": "finished_at", "status": "status", "id": "pk"}


class AnalysisQuery(PageQuery):
    ordering: str | None = ordering_field(ANALYSIS_ORDER, default="-created_at")


@router.get(
    "/evaluation/studies/{study_id}/analyses",
    response={200: Paged[AnalysisOut], **ERRORS},
    summary="A study's analyses",
)
def analysis_index(request: ApiRequest, study_id: IdPath, query: Query[AnalysisQuery]) -> Any:
    study = study_get(user=request.auth, pk=study_id)
    qs = ordered(analysis_list(user=request.auth, study=study), query.ordering, allowed=ANALYSIS_ORDER)
    return page_of(qs, query, analysis_row)


@router.get(
    "/evaluation/analyses/{analysis_id}",
    response={200: AnalysisDetailOut, **ERRORS},
    summary="One analysis: status, progress, and the result when done",
)
def analysis_detail(request: ApiRequest, analysis_id: IdPath) -> Any:
    return build(AnalysisDetailOut, analysis_get(user=request.auth, pk=analysis_id))
