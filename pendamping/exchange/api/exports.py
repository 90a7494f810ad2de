"""Exports over the API: the same files as the pages (GET /exchange/export/{list} with the list page's filters as
query parameters; GET /exchange/research/{study_id}), streamed, scoped and masked the same way. Exports count
against a stricter rate limit (API_RATE_EXPORT, default 30 a minute per user), shared with the pages."""

from typing import Annotated, Any, Literal

from django.http.response import HttpResponseBase
from ninja import Field, Path, Query, Router
from ninja.throttling import BaseThrottle

from pendamping.core.api_support import ERRORS, ApiRequest, ErrorOut, IdPath, QueryInput, UserThrottle
from pendamping.core.api_throttles import ExportThrottle
from pendamping.exchange.exports import SPECS, list_export, research_export
from pendamping.exchange.exports.responses import CONTENT_TYPES

router = Router(tags=["exchange"])

THROTTLES: list[BaseThrottle] = [UserThrottle(), ExportThrottle()]
RESPONSES: dict[int | str, Any] = {**ERRORS, 429: ErrorOut}
FILE = {"type": "string", "format": "binary"}
FILE_RESPONSE = {
    "responses": {
        "200": {
            "description": "The file: CSV (UTF-8 with BOM) or XLSX",
            "content": {content_type: {"schema": FILE} for content_type in CONTENT_TYPES.values()},
        }
    }
}
# A plain string, not an enum: an unknown list is a 404, as on the page.
ListName = Annotated[str, Path(max_length=40, description="One of: " + ", ".join(sorted(SPECS)))]


class ExportQuery(QueryInput):
    """`format`, plus any filter the list page takes (q, regency, status, … as on the page; ignored if unknown)."""

    format: Literal["csv", "xlsx"] = Field("xlsx", description="csv or xlsx")


@router.get(
    "/exchange/export/{name}",
    response=RESPONSES,
    throttle=THROTTLES,
    summary="A list as CSV or XLSX, with the list page's filters",
    openapi_extra=FILE_RESPONSE,
)
def export_list(request: ApiRequest, name: ListName, query: Query[ExportQuery]) -> HttpResponseBase:
    """NIK and KK numbers are masked unless the role may see them (admin, regency officer); an unmasked export is
    recorded in the audit trail. The applications of a recruitment call need `call=<id>`."""
    return list_export(user=request.auth, name=name, params=request.GET)


@router.get(
    "/exchange/research/{study_id}",
    response=RESPONSES,
    throttle=THROTTLES,
    summary="A study's answers, pseudonymised, for its evaluators",
    openapi_extra=FILE_RESPONSE,
)
def export_research(request: ApiRequest, study_id: IdPath, query: Query[ExportQuery]) -> HttpResponseBase:
    """One row per answer: pseudonym (the study's keyed HMAC), arm, wave, item, answer, and sex, age band,
    education and regency code of companion respondents. No NIK, name, address or phone."""
    return research_export(user=request.auth, study_id=study_id, params=request.GET)
