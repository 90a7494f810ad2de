"""Offline forms over the API: the XLSForm of the visit log, the monthly report, or a survey instrument version,
made for the caller (their KUBE, their studies), as the forms page hands them out."""

from typing import Any, Literal

from django.http import HttpResponse
from ninja import Field, Query, Router

from pendamping.accounts.guards import require
from pendamping.core.api_support import ERRORS, MAX_ID, ApiRequest, IdPath, QueryInput, error_response
from pendamping.exchange.xlsform import FormFile, FormUnavailable, form_download, instrument_download

router = Router(tags=["exchange"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_RESPONSE = {
    "responses": {
        200: {
            "description": "The XLSForm workbook (survey, choices, settings), for ODK Central or KoboToolbox",
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class FormQuery(QueryInput):
    regency: str = Field("", description="Only the KUBE of this regency (e.g. 35.78), within your own")


class InstrumentQuery(QueryInput):
    study: int | None = Field(None, ge=1, le=MAX_ID, description="Make the form for this study only")


def _file(file: FormFile) -> HttpResponse:
    response = HttpResponse(file.content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file.file_name}"'
    response["X-Form-Version"] = file.version
    return response


@router.get(
    "/exchange/forms/{form}",
    response={200: None, **ERRORS},
    summary="An offline form (XLSForm): the visit log or the monthly report",
    openapi_extra=FILE_RESPONSE,
)
def form_xlsx(request: ApiRequest, form: Literal["visits", "reports"], query: Query[FormQuery]) -> Any:
    """Its KUBE list holds only the KUBE the caller may report on (404 when there is none)."""
    require(request.auth, "xlsform.download")
    try:
        return _file(form_download(user=request.auth, form=form, regency=query.regency))
    except FormUnavailable as exc:
        return error_response(404, str(exc))


@router.get(
    "/exchange/forms/instrument/{version_id}",
    response={200: None, **ERRORS},
    summary="An offline survey form (XLSForm) of an instrument version",
    openapi_extra=FILE_RESPONSE,
)
def instrument_xlsx(request: ApiRequest, version_id: IdPath, query: Query[InstrumentQuery]) -> Any:
    """One question per item, after the study, the respondent's code, the arm and the wave; an instrument out of
    the caller's studies is a 404."""
    try:
        file = instrument_download(user=request.auth, version_id=version_id, study_id=query.study)
    except FormUnavailable as exc:
        return error_response(404, str(exc))
    return _file(file)
