"""Defences of the public forms (no login), with no outside service (no CAPTCHA provider sees our visitors).

Three cheap checks stop most form-filling robots and keep a determined one slow:
- a honeypot field, hidden from people (the `hidden` attribute) and filled by robots that fill every field;
- a signed timestamp, set when the form is drawn: a person needs a few seconds to fill a form, and a form
  drawn hours ago is a replayed one;
- a per-client limit of accepted submissions per window, counted in the cache (the client is REMOTE_ADDR:
  X-Forwarded-For is whatever the client says, so it cannot reset the count).

The stamp also carries a random nonce, so a phone that sends the same form again after a timeout gets the
first result back instead of a second record (`replayed` / `claim` / `remember`).

Usage in a view: a form that mixes in `PublicFormMixin`, then `check_public_submission(request, name)`
before the write and `count_public_submission(request, name)` after it."""

import secrets
import time
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HONEYPOT = "website"  # a name robots like to fill
STAMP = "form_stamp"
MIN_AGE = 3.0  # seconds: faster than anyone reads and fills a form
MAX_AGE = 6 * 60 * 60.0  # seconds: older than a working day's tab, so a stored form is not replayed for ever
_SALT = "pendamping.core.antispam"
_PENDING = "pending"


def _now() -> float:
    return time.time()  # one place for the clock, so tests can move it


class PublicFormRefused(ValidationError):
    """A public submission the defences refuse; `code` says which defence ("honeypot", "too_fast",
    "expired", "stamp", "rate_limited"). `retry_after` (seconds) is set for the rate limit."""

    def __init__(self, message: str, *, code: str, retry_after: int | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


def form_stamp(form_name: str, *, at: float | None = None) -> str:
    """A signed token saying when (`at`, default now) the form `form_name` was drawn, with a random nonce."""
    payload = {"at": _now() if at is None else at, "n": secrets.token_urlsafe(12)}
    return signing.dumps(payload, salt=f"{_SALT}:{form_name}", compress=False)


def _read_stamp(value: str, form_name: str) -> dict[str, Any]:
    try:
        payload = signing.loads(value, salt=f"{_SALT}:{form_name}")
    except signing.BadSignature:
        payload = None
    if not isinstance(payload, dict) or not isinstance(payload.get("at"), int | float):
        raise PublicFormRefused(_("The form could not be checked. Reload the page and fill it in again."), code="stamp")
    return payload


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _limit() -> tuple[int, int]:
    return int(settings.PENDAMPING["PUBLIC_FORM_LIMIT"]), int(settings.PENDAMPING["PUBLIC_FORM_WINDOW"])


def _history_key(request: HttpRequest, bucket: str) -> str:
    return f"antispam:rate:{bucket}:{_client(request)}"


def _recent(request: HttpRequest, bucket: str, now: float) -> list[float]:
    _count, window = _limit()
    return [t for t in cache.get(_history_key(request, bucket), []) if t > now - window]


def check_rate(request: HttpRequest, bucket: str) -> None:
    """Refuse when this client already used up its submissions of `bucket` in the current window (sliding)."""
    limit, window = _limit()
    now = _now()
    recent = _recent(request, bucket, now)
    if len(recent) >= limit:
        wait = max(1, int(window - (now - min(recent))) + 1)
        minutes = max(1, round(wait / 60))
        raise PublicFormRefused(
            _("Too many submissions from your connection. Please try again in about %(minutes)d minutes.")
            % {"minutes": minutes},
            code="rate_limited",
            retry_after=wait,
        )


def count_public_submission(request: HttpRequest, bucket: str) -> None:
    """Count one accepted submission (or lookup) of `bucket` for this client."""
    _limit_count, window = _limit()
    now = _now()
    cache.set(_history_key(request, bucket), [*_recent(request, bucket, now), now], window)


def check_public_submission(request: HttpRequest, form_name: str) -> None:
    """The honeypot, the form's age and the client's rate, in that order; raises PublicFormRefused."""
    if str(request.POST.get(HONEYPOT, "")).strip():
        raise PublicFormRefused(
            _("This submission looks automated and was not accepted. Reload the page and send the form again."),
            code="honeypot",
        )
    age = _now() - float(_read_stamp(str(request.POST.get(STAMP, "")), form_name)["at"])
    if age < MIN_AGE:
        raise PublicFormRefused(
            _("The form was sent too quickly. Please check what you wrote and send it again."), code="too_fast"
        )
    if age > MAX_AGE:
        raise PublicFormRefused(
            _("The form was open too long and has expired. Reload the page and fill it in again."), code="expired"
        )
    check_rate(request, form_name)


# --- a form sent twice (a phone retrying after a timeout) -----------------------------------------------


def _nonce_key(request: HttpRequest, form_name: str) -> str | None:
    try:
        nonce = _read_stamp(str(request.POST.get(STAMP, "")), form_name).get("n")
    except PublicFormRefused:
        return None
    return f"antispam:done:{form_name}:{nonce}" if isinstance(nonce, str) and nonce else None


def replayed(request: HttpRequest, form_name: str) -> str | None:
    """The result remembered for this very form (same stamp) if it was already accepted, else None."""
    key = _nonce_key(request, form_name)
    value = cache.get(key) if key else None
    return value if isinstance(value, str) and value != _PENDING else None


def claim(request: HttpRequest, form_name: str) -> bool:
    """Mark this form as being processed; False when the same form is being processed already."""
    key = _nonce_key(request, form_name)
    return True if key is None else bool(cache.add(key, _PENDING, int(MAX_AGE)))


def release(request: HttpRequest, form_name: str) -> None:
    """The submission failed: the same form may be corrected and sent again."""
    if key := _nonce_key(request, form_name):
        cache.delete(key)


def remember(request: HttpRequest, form_name: str, result: str) -> None:
    """What this form produced (a reference number), for a resubmission of the same form."""
    if key := _nonce_key(request, form_name):
        cache.set(key, result, int(MAX_AGE))


def submission(request: HttpRequest, form_name: str, make: Callable[[], str]) -> str:
    """Send a checked public form once: the defences first, then `make()` (the service call, returning the
    reference it produced). A failure of `make` (a rule, the database) frees the form so that the corrected one
    can be sent; a success is remembered for a resubmission and counted against the rate limit."""
    check_public_submission(request, form_name)
    if not claim(request, form_name):
        raise PublicFormRefused(
            _("This form is being sent already. Wait a moment, then reload the page."), code="duplicate"
        )
    made = False
    try:
        reference = make()
        made = True
    finally:
        if not made:
            release(request, form_name)
    remember(request, form_name, reference)
    count_public_submission(request, form_name)
    return reference


# --- the form's side ------------------------------------------------------------------------------------


class PublicFormMixin(forms.Form):
    """Adds the honeypot and the signed stamp to a public form. Render `form.website` inside an element with
    the `hidden` attribute (the template's job) and `form.form_stamp` anywhere. Pass `form_name=` when
    building the form; a bound form keeps the stamp it was sent with."""

    website = forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    form_stamp = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)

    def __init__(self, *args: Any, form_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form_name = form_name
        self.fields[STAMP].initial = form_stamp(form_name)

    def restamp(self) -> None:
        """A fresh stamp on a bound form (its own expired or was forged), so the person can send it again."""
        if self.is_bound:
            data = dict(self.data.items())
            data[STAMP] = form_stamp(self.form_name)
            self.data = data
