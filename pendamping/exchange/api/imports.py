"""Imports over the API: upload a file (it is checked at once), read the outcome, run it, undo it, get templates."""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from pendamping.accounts.guards import require
from pendamping.core.api_support import ERRORS, ApiRequest, ErrorOut, IdPath, Input, Paged, PageQuery, build, page_of
from pendamping.exchange.queue import enqueue_check, enqueue_run
from pendamping.exchange.selectors import imports as selectors
from pendamping.exchange.services import batches, files, mappings
from pendamping.exchange.services.templates import template_xlsx
from pendamping.exchange.views.uploads import api_upload_limit

router = Router(tags=["exchange"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KindName = Literal["families", "groups", "grants", "companions", "reports", "responses", "visits"]


class BatchQuery(PageQuery):
    kind: KindName | Literal[""] = ""
    status: str = ""


class RowErrorOut(Schema):
    row: int
    column: str
    value: str
    message: str


class BatchOut(Schema):
    id: int
    kind: str
    mode: str
    on_existing: str
    file_name: str
    file_sha256: str
    file_size: int
    status: str
    message: str
    rows: int
    created: int
    updated: int
    skipped: int
    rejected: int
    error_count: int
    progress_done: int
    progress_total: int
    created_by: str = Field(description="username")
    created_at: dt.datetime
    finished_at: dt.datetime | None


class BatchDetailOut(BatchOut):
    errors: list[RowErrorOut] = Field(description="the first 10,000 errors: row (header = 1), column, value, message")


def batch_out(batch: Any, *, detail: bool = False) -> Any:
    if detail:
        return build(BatchDetailOut, batch, created_by=batch.created_by.username, errors=batch.errors)
    return build(BatchOut, batch, created_by=batch.created_by.username)


@router.get("/exchange/imports", response={200: Paged[BatchOut], **ERRORS}, summary="Your import batches")
def import_index(request: ApiRequest, query: Query[BatchQuery]) -> Any:
    require(request.auth, "import.run")
    return page_of(selectors.batch_list(user=request.auth, kind=query.kind, status=query.status), query, batch_out)


class NothingIn(Input):
    """Nothing to send; unknown fields are refused."""


def _batch(request: ApiRequest, batch_id: int) -> Any:
    batch = selectors.batch_get(user=request.auth, pk=batch_id)  # out of scope: 404 before any other answer
    require(request.auth, "import.run")
    return batch


@router.get("/exchange/imports/{batch_id}", response={200: BatchDetailOut, **ERRORS}, summary="One import batch")
def import_detail(request: ApiRequest, batch_id: IdPath) -> Any:
    batches.batch_reap_stale()
    return batch_out(_batch(request, batch_id), detail=True)


@router.post("/exchange/imports", response={201: BatchOut, 413: ErrorOut, **ERRORS}, summary="Upload a file to import")
@decorate_view(api_upload_limit)
def import_new(
    request: ApiRequest,
    kind: Form[KindName],
    file: File[UploadedFile],
    mode: Form[Literal["all", "valid-only"]] = "all",
    on_existing: Form[Literal["skip", "update", "reject"]] = "skip",
    mapping: Form[str] = "",
) -> Any:
    """The file is kept and checked (a dry run) by the task worker; poll the batch, then POST …/run. A file over
    the size limit (PENDAMPING_IMPORT_MAX_MB) gets a 413; it is not read past the limit."""
    if file.size and file.size > files.max_bytes():
        raise files.too_big(file.size)
    saved = None
    if mapping:
        chosen = selectors.saved_mappings(user=request.auth, kind=kind).filter(name=mapping).first()
        saved = mappings.mapping_columns(kind=kind, name=chosen.name if chosen else mapping)
    batch = batches.batch_upload(
        actor=request.auth, kind=kind, name=file.name or "upload", chunks=file.chunks(),
        mode=mode, on_existing=on_existing, mapping=saved,
    )  # fmt: skip
    enqueue_check(batch)
    return Status(201, batch_out(batch))


@router.post("/exchange/imports/{batch_id}/run", response={202: BatchOut, **ERRORS}, summary="Import a checked batch")
def import_run(request: ApiRequest, batch_id: IdPath, payload: NothingIn) -> Any:
    batch = _batch(request, batch_id)
    if batch.status != "checked":
        raise ValidationError(_("Only a checked batch can be imported; wait for the check to finish."))
    enqueue_run(batch)
    return Status(202, batch_out(batch))


@router.post("/exchange/imports/{batch_id}/undo", response={200: BatchOut, **ERRORS}, summary="Undo an import")
def import_undo(request: ApiRequest, batch_id: IdPath, payload: NothingIn) -> Any:
    batch = _batch(request, batch_id)
    return batch_out(batches.batch_undo(actor=request.auth, batch=batch))


@router.get(
    "/exchange/templates/{kind}",
    response={200: None, **ERRORS},
    summary="The XLSX template of a kind",
    openapi_extra={"responses": {200: {"description": "XLSX", "content": {XLSX: {}}}}},
)
def import_template(request: ApiRequest, kind: KindName) -> Any:
    require(request.auth, "import.run")
    response = HttpResponse(template_xlsx(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="template-{kind}.xlsx"'
    return response


class MappingIn(Input):
    kind: KindName
    name: str = Field(max_length=80)
    columns: dict[str, str] = Field(description="file header -> field ('' ignores the column)")


class MappingOut(Schema):
    id: int
    kind: str
    name: str
    columns: dict[str, str]


@router.get("/exchange/mappings", response={200: list[MappingOut], **ERRORS}, summary="Saved column mappings")
def mapping_index(request: ApiRequest, kind: KindName | Literal[""] = "") -> Any:
    require(request.auth, "import.run")
    return [build(MappingOut, m) for m in selectors.saved_mappings(user=request.auth, kind=kind)]


@router.post("/exchange/mappings", response={201: MappingOut, **ERRORS}, summary="Save a column mapping")
def mapping_new(request: ApiRequest, payload: MappingIn) -> Any:
    saved = mappings.mapping_save(actor=request.auth, kind=payload.kind, name=payload.name, columns=payload.columns)
    return Status(201, build(MappingOut, saved))
