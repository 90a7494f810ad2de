"""What every API router shares: the one error shape and its handlers, input base schemas that refuse
mass assignment, the paged list shape, and the rate limits.

Authentication lives with the accounts app (pendamping.accounts.api): the core imports no app."""

import contextlib
import datetime as dt
import math
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Annotated, Any, ClassVar, Generic, TypeVar

import pydantic_core
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import DataError, IntegrityError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Path, Schema
from ninja import errors as ninja_errors
from ninja.conf import settings as ninja_settings
from ninja.responses import NinjaJSONEncoder
from ninja.throttling import SimpleRateThrottle
from pydantic import ConfigDict, PlainValidator, ValidationInfo, WithJsonSchema, field_validator

from pendamping.core.concurrency import StaleRecord
from pendamping.core.pagination import Page, paginate

T = TypeVar("T")
S = TypeVar("S", bound=Schema)
MAX_ID = 2**63 - 1  # the largest bigint primary key; anything bigger would crash the database driver
MAX_AMOUNT = 10**15  # Rp 1 quadrillion: far beyond any grant, far below the column's limit
Id = Annotated[int, Field(ge=1, le=MAX_ID)]  # an id in a request body
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]  # an id in the URL


class ApiRequest(HttpRequest):
    """What an endpoint receives: ninja's authentication has put the signed-in user in `auth`."""

    auth: Any


# --- errors ---------------------------------------------------------------------------------------------


class ErrorBody(Schema):
    code: str = Field(description="validation_error, not_found, forbidden, unauthorized, conflict, bad_request, …")
    message: str
    fields: dict[str, list[str]] = Field(default_factory=dict, description="Messages per input field")


class ErrorOut(Schema):
    error: ErrorBody


# 429: every endpoint is rate-limited (UserThrottle, AnonThrottle); a complete schema says so.
ERRORS: dict[int | str, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    429: ErrorOut,
}
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict", 429: "throttled"}


def error_response(
    status: int, message: str, *, code: str = "", fields: dict[str, list[str]] | None = None
) -> HttpResponse:
    body = {"code": code or CODES.get(status, "error"), "message": str(message), "fields": fields or {}}
    return JsonResponse({"error": body}, status=status)


def _field_name(loc: Sequence[Any]) -> str:
    """('body', 'payload', 'nik') -> 'nik'; ('query', 'page') -> 'page'; union branch tags are dropped."""
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[2:] or ["body"]
    elif parts and parts[0] in {"query", "path", "header", "cookie", "form"}:
        parts = parts[1:]
    return ".".join(p for p in parts if "-" not in p and "[" not in p) or "body"


def _schema_errors(exc: ninja_errors.ValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        name = _field_name(error.get("loc", ()))
        message = _("This field is required.") if error.get("type") == "missing" else str(error.get("msg", ""))
        message = message.removeprefix("Value error, ")
        if message not in fields.setdefault(name, []):
            fields[name].append(message)
    return fields


def _django_errors(exc: ValidationError) -> tuple[str, dict[str, list[str]]]:
    if not hasattr(exc, "error_dict"):
        return " ".join(str(m) for m in exc.messages), {}
    fields = {key: [str(m) for m in ValidationError(errs).messages] for key, errs in exc.error_dict.items()}
    general = fields.pop(NON_FIELD_ERRORS, [])
    first = general or next(iter(fields.values()), [_("The input is not valid.")])
    return " ".join(first), fields


def _schema_invalid(request: HttpRequest, exc: ninja_errors.ValidationError) -> HttpResponse:
    fields = _schema_errors(exc)
    message = _("The input is not valid: %(fields)s.") % {"fields": ", ".join(fields)}
    return error_response(400, message, code="validation_error", fields=fields)


def _rule_broken(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    message, fields = _django_errors(exc)
    return error_response(400, message, code="validation_error", fields=fields)


def _stale(request: HttpRequest, exc: StaleRecord) -> HttpResponse:
    return error_response(409, " ".join(exc.messages))


def _race(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    return error_response(409, _("Another change to the same record got there first; reload and try again."))


def _out_of_range(request: HttpRequest, exc: DataError) -> HttpResponse:
    return error_response(400, _("A value is too long or out of range."))


def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(403, str(exc) or _("Your role may not do this."))


def _missing(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Out of scope and nonexistent look the same, so an id outside one's regencies reveals nothing.
    return error_response(404, _("Not found."))


def _http_error(request: HttpRequest, exc: ninja_errors.HttpError) -> HttpResponse:
    messages = {
        400: _("The request body could not be read; send JSON."),
        401: _("Sign in, or send a valid token as 'Authorization: Bearer <token>'."),
        429: _("Too many requests; slow down."),
    }
    response = error_response(exc.status_code, messages.get(exc.status_code, str(exc)))
    if exc.status_code == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _unreadable_form(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # Django would answer its own HTML page: a form upload without its boundary is the client's error, in JSON.
    return error_response(400, _("The uploaded form could not be read; send it as multipart/form-data."))


HANDLERS: dict[type[Exception], Callable[[HttpRequest, Any], HttpResponse]] = {
    MultiPartParserError: _unreadable_form,
    ninja_errors.ValidationError: _schema_invalid,
    ninja_errors.HttpError: _http_error,
    ValidationError: _rule_broken,
    StaleRecord: _stale,
    IntegrityError: _race,
    DataError: _out_of_range,
    PermissionDenied: _denied,
    ObjectDoesNotExist: _missing,
    Http404: _missing,
}


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error leaves the API as {"error": {"code", "message", "fields"}} with the right status; a
    malformed request is a 400, never a 500. Ninja picks the handler along the exception's class
    hierarchy, so StaleRecord (a ValidationError) gets its 409. Anything else is a bug: a 500."""
    for exc_class, handler in HANDLERS.items():
        api.add_exception_handler(exc_class, handler)


@contextlib.contextmanager
def fields_as(**names: str) -> Iterator[None]:
    """Report a service's field errors under the API's input names (`family` -> `family_id`)."""
    try:
        yield
    except StaleRecord:
        raise
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({names.get(key, key): errs for key, errs in exc.error_dict.items()}) from exc


def referenced(getter: Callable[..., T], *, field: str, **lookup: Any) -> T:
    """Fetch a row named in a request body through its scoped selector. One that does not exist, or is
    outside the user's scope, is a field error (400), never a hint that it exists elsewhere."""
    try:
        return getter(**lookup)
    except ObjectDoesNotExist:
        raise ValidationError({field: _("No such record (or not in your area).")}) from None


# --- input ----------------------------------------------------------------------------------------------


def _no_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError(_("NUL characters are not allowed."))
    return value


class Input(Schema):
    """A request body. Unknown fields are refused (400), so `role`, `regency`, `is_staff`… can never be
    mass-assigned. A field typed `X | None` may be sent as null only if listed in `nullable`: for the
    others None only means "not sent" (a PATCH leaves them alone)."""

    model_config = ConfigDict(extra="forbid")
    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _plain_values(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise ValueError(_("This field cannot be null."))
        return _no_nul(value)


class QueryInput(Schema):
    """Query parameters. Unknown ones are ignored (caches add them); text is trimmed and kept short."""

    @field_validator("*", mode="before")
    @classmethod
    def _plain_values(cls, value: Any) -> Any:
        return _no_nul(value.strip()[:60]) if isinstance(value, str) else value


class PageQuery(QueryInput):
    page: int = Field(1, ge=1, le=MAX_ID)
    page_size: int = Field(settings.PENDAMPING["PAGE_SIZE"], ge=1, le=settings.PENDAMPING["API_MAX_PAGE_SIZE"])


def _money(value: Any) -> int | str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(_("Give the amount as a whole number or as text such as 1.500.000."))
    if isinstance(value, int) and abs(value) > MAX_AMOUNT:
        raise ValueError(_("Amount is implausibly large."))
    if isinstance(value, str) and len(value) > 30:
        raise ValueError(_("Amount is implausibly long."))
    return _no_nul(value)


# Rupiah as a number (1500000) or as people type it ("1.500.000"); the services parse it with parse_rupiah.
Money = Annotated[
    int | str,
    PlainValidator(_money),
    WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "string", "examples": ["1.500.000"]}]}),
]


# --- output ---------------------------------------------------------------------------------------------


class Paged(Schema, Generic[T]):
    items: list[T]
    count: int
    page: int
    page_size: int
    pages: int


def build(schema: type[S], obj: Any, **computed: Any) -> S:
    """An output schema from the row's attributes of the same names, plus `computed` values (names of
    related rows, masked numbers). Built by name, never by alias, so ninja can validate it again as is."""
    values = {name: getattr(obj, name) for name in schema.model_fields if name not in computed and hasattr(obj, name)}
    return schema(**values, **computed)


def page_of(qs: QuerySet[Any], query: PageQuery, out: Callable[[Any], Any]) -> dict[str, Any]:
    """One page of a selector's queryset, in the `Paged` shape: a count query and a page query, however
    many rows (`out` turns a row into its schema and must not query)."""
    page = paginate(qs, page=query.page, page_size=query.page_size)
    return _paged(page, [out(row) for row in page.items])


def _paged(page: Page, items: list[Any]) -> dict[str, Any]:
    return {
        "items": items,
        "count": page.count,
        "page": page.number,
        "page_size": page.page_size,
        "pages": page.num_pages,
    }


def json_page(
    qs: QuerySet[Any],
    query: PageQuery,
    *,
    columns: tuple[str, ...],
    rows: Callable[[list[tuple[Any, ...]]], list[dict[str, Any]]],
    count: int | None = None,
) -> HttpResponse:
    """`page_of` for the busiest lists, written straight to JSON. Ninja would validate every row of the page
    again through its attribute getter, the largest single cost of such a request; here the page is read as
    plain values of `columns` (a tuple per row), and `rows` makes them into exactly the fields of the endpoint's
    output schema, with the values ninja would write (`ninja_time` for times; pydantic-core writes dates as ninja
    does). The endpoint still declares its schema; a test per endpoint checks that every row equals what the
    validated path gives. `count`, when the caller knows it, saves counting `qs`."""
    page = paginate(qs, page=query.page, page_size=query.page_size, columns=columns, count=count)
    items = rows(page.items)
    # pydantic-core writes the body in a fraction of json.dumps' time.
    return HttpResponse(pydantic_core.to_json(_paged(page, items)), content_type=JSON_TYPE)


JSON_TYPE = "application/json; charset=utf-8"  # as ninja's renderer answers
_as_ninja = NinjaJSONEncoder().default


def ninja_time(value: dt.datetime | dt.time | None) -> str | None:
    """A time as text the way ninja's encoder writes it (to the millisecond, UTC as Z), for `json_page`'s rows."""
    return None if value is None else str(_as_ninja(value))


# --- rate limits ----------------------------------------------------------------------------------------


class _Throttle(SimpleRateThrottle):
    """Rates come from settings.PENDAMPING (read per request, so tests and operators can change them).
    The counters live in Django's default cache: give it a shared backend when several workers run."""

    setting = ""
    default = ""
    # Not ninja's "throttle_…": these rows hold a number as text (DatabaseCache.take), not a pickled history.
    cache_format = "rate_%(scope)s_%(ident)s"

    def __init__(self) -> None:
        super().__init__(rate=self.default)
        # Ninja shares one throttle object between all threads; ninja's base class keeps the request's key and
        # history on it, so two users' requests could swap counters. Per-request state stays local here.
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        key = self.get_cache_key(request)
        limit, duration = self.parse_rate(str(settings.PENDAMPING.get(self.setting, self.default)))
        if key is None or limit is None or duration is None:
            return True
        # GCRA (the generic cell rate algorithm): one number per client, the time at which its allowance is full
        # again. A burst of `limit` is let through at once, then one request every duration / limit seconds. A
        # list of the last `limit` times would be as exact at the start, but rewritten in full on every request.
        interval = duration / limit
        # The deployments' cache (core.cache.DatabaseCache) decides in one atomic statement; another backend gets
        # the same rule, read then written.
        take = getattr(self.cache, "take", None) or self._take
        wait = take(key, interval=interval, burst=duration - interval)
        self._local.wait = wait or None
        return not wait

    def _take(self, key: str, *, interval: float, burst: float) -> float:
        now = time.time()
        full_at = max(float(self.cache.get(key, 0.0)), now)
        if full_at - now > burst:
            return full_at - now - burst
        self.cache.set(key, full_at + interval, math.ceil(full_at + interval - now))
        return 0.0

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)

    def get_ident(self, request: HttpRequest) -> str | None:
        # X-Forwarded-For is whatever the client says unless a known number of proxies wrote it.
        if ninja_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR")
        return super().get_ident(request)


class UserThrottle(_Throttle):
    """Per signed-in user, whichever door (token or session) they came through."""

    scope = "user"
    setting = "API_RATE_USER"
    default = "1200/min"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "auth", None)
        return None if user is None else self.cache_format % {"scope": self.scope, "ident": user.pk}


class AnonThrottle(_Throttle):
    """Per client address, for the requests no one is signed in for (the token endpoint)."""

    scope = "anon"
    setting = "API_RATE_ANON"
    default = "60/min"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if getattr(request, "auth", None) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
