"""Instruments over the API: list, read, create from JSON or YAML, replace (before any answer), new version."""

import datetime as dt
import json
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ValidationError as PydanticError

from pendamping.core.api_ordering import OrderKeys, ordered, ordering_field
from pendamping.core.api_support import ERRORS, ApiRequest, IdPath, Input, Paged, PageQuery, build, page_of
from pendamping.evaluation.engine.instrument_file import instrument_to_yaml
from pendamping.evaluation.selectors import instrument_aspects, instrument_definition, instrument_get, instrument_list
from pendamping.evaluation.services import instrument_create, instrument_new_version, instrument_update

router = Router(tags=["evaluation: instruments"])

Language = Literal["id", "en"]
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")
BODY_DOC = {
    "requestBody": {
        "description": (
            "The instrument in the file format of docs/evaluation/README.md: as YAML (Content-Type "
            "application/yaml; language and description as query parameters), or as JSON, either the same "
            'mapping or {"definition": <mapping or YAML text>, "language": "id", "description": ""}.'
        ),
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/yaml": {"schema": {"type": "string"}},
        },
    }
}


INSTRUMENT_ORDER: OrderKeys = {"code": ("code", "version"), "title": "title", "created_at": "created_at", "id": "pk"}


class InstrumentQuery(PageQuery):
    q: str = Field("", description="Title, or the start of the code")
    ordering: str | None = ordering_field(INSTRUMENT_ORDER)


class BodyQuery(Schema):
    language: Language = "id"
    description: str = Field("", max_length=2000)


class WrappedIn(Input):
    definition: dict[str, Any] | str
    language: Language = "id"
    description: str = Field("", max_length=2000)


class OptionOut(Schema):
    code: str
    label: str
    favourable: bool
    score: float | None


class ItemOut(Schema):
    code: str
    text: str
    kind: str
    ordered: bool
    options: list[OptionOut]


class AspectOut(Schema):
    code: str
    title: str
    items: list[ItemOut]


class InstrumentOut(Schema):
    id: int
    code: str
    version: int
    title: str
    language: str
    description: str
    locked: bool = Field(description="True once someone answered it: a change then needs a new version")
    created_at: dt.datetime


class InstrumentDetailOut(InstrumentOut):
    aspects: list[AspectOut]
    yaml: str = Field(description="The instrument in the file format (for the standalone CLI)")


def instrument_row(instrument: Any) -> InstrumentOut:
    return build(InstrumentOut, instrument, locked=instrument.locked_at is not None)


def _detail(request: ApiRequest, pk: int) -> InstrumentDetailOut:
    instrument = instrument_get(user=request.auth, pk=pk)
    aspects = [
        AspectOut(
            code=a.code,
            title=a.title,
            items=[build(ItemOut, i, options=[build(OptionOut, o) for o in i.options.all()]) for i in a.items.all()],
        )
        for a in instrument_aspects(instrument=instrument)
    ]
    text = instrument_to_yaml(instrument_definition(instrument=instrument))
    return build(InstrumentDetailOut, instrument, locked=instrument.locked_at is not None, aspects=aspects, yaml=text)


def _body(request: ApiRequest, query: BodyQuery) -> tuple[Any, str, str] | None:
    """(definition, language, description) from a JSON or YAML body; None for an empty body."""
    kind = request.content_type or ""
    if not request.body.strip() or (kind in FORM_TYPES and not request.POST and not request.FILES):
        return None
    if kind in YAML_TYPES:
        try:
            return request.body.decode("utf-8-sig"), query.language, query.description
        except UnicodeDecodeError:
            raise ValidationError({"body": _("Send the YAML as UTF-8 text.")}) from None
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(
            {"body": _("Send the instrument as JSON or as YAML (Content-Type application/yaml).")}
        ) from None
    if not isinstance(data, dict):
        raise ValidationError({"body": _("The instrument must be a JSON object.")})
    if "definition" in data:
        try:
            wrapped = WrappedIn.model_validate(data)
        except PydanticError as exc:
            fields = {".".join(map(str, e["loc"])) or "body": [e["msg"]] for e in exc.errors()}
            raise ValidationError(fields) from None
        return wrapped.definition, wrapped.language, wrapped.description
    return data, query.language, query.description


@router.get("/evaluation/instruments", response={200: Paged[InstrumentOut], **ERRORS}, summary="List instruments")
def instrument_index(request: ApiRequest, query: Query[InstrumentQuery]) -> Any:
    qs = ordered(instrument_list(user=request.auth, q=query.q), query.ordering, allowed=INSTRUMENT_ORDER)
    return page_of(qs, query, instrument_row)


@router.get(
    "/evaluation/instruments/{instrument_id}",
    response={200: InstrumentDetailOut, **ERRORS},
    summary="One instrument with its aspects, items and options",
)
def instrument_detail(request: ApiRequest, instrument_id: IdPath) -> Any:
    return _detail(request, instrument_id)


@router.post(
    "/evaluation/instruments",
    response={201: InstrumentDetailOut, **ERRORS},
    summary="Create an instrument (JSON or YAML)",
    openapi_extra=BODY_DOC,
)
def instrument_new(request: ApiRequest, query: Query[BodyQuery]) -> Any:
    body = _body(request, query)
    if body is None:
        raise ValidationError({"body": _("Send the instrument.")})
    definition, language, description = body
    instrument = instrument_create(
        actor=request.auth, definition=definition, language=language, description=description
    )
    return Status(201, _detail(request, instrument.pk))


@router.put(
    "/evaluation/instruments/{instrument_id}",
    response={200: InstrumentDetailOut, **ERRORS},
    summary="Replace the questions of an instrument no one has answered yet",
    openapi_extra=BODY_DOC,
)
def instrument_replace(request: ApiRequest, instrument_id: IdPath, query: Query[BodyQuery]) -> Any:
    instrument = instrument_get(user=request.auth, pk=instrument_id)
    body = _body(request, query)
    if body is None:
        raise ValidationError({"body": _("Send the instrument.")})
    instrument_update(actor=request.auth, instrument=instrument, definition=body[0], description=body[2] or None)
    return _detail(request, instrument_id)


@router.post(
    "/evaluation/instruments/{instrument_id}/versions",
    response={201: InstrumentDetailOut, **ERRORS},
    summary="Make the next version (a copy, or the instrument sent)",
    openapi_extra=BODY_DOC,
)
def instrument_version(request: ApiRequest, instrument_id: IdPath, query: Query[BodyQuery]) -> Any:
    instrument = instrument_get(user=request.auth, pk=instrument_id)
    body = _body(request, query)
    definition = body[0] if body else None
    new = instrument_new_version(actor=request.auth, instrument=instrument, definition=definition)
    return Status(201, _detail(request, new.pk))
