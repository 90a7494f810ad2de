"""Helpers every page door shares: htmx partial detection, list query strings, service errors on forms."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest

T = TypeVar("T")

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SearchInput(forms.TextInput):
    input_type = "search"


def querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def wants_partial(request: HttpRequest) -> bool:
    """An htmx request for part of a page; a history restore (back button after a cache miss) gets the page."""
    htmx: Any = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def add_service_errors(form: forms.Form, exc: ValidationError, *, aliases: dict[str, str] | None = None) -> None:
    """Show a service's refusal on the form: keys naming a form field go there (through `aliases` when the
    service's name differs), everything else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, messages in exc.message_dict.items():
        name = (aliases or {}).get(key, key)
        form.add_error(name if name in form.fields else None, messages)


def form_messages(form: forms.Form) -> list[str]:
    """A form's errors as sentences naming their field, for small inline forms that show errors elsewhere."""
    return [
        f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
        for name, errors in form.errors.items()
        for error in errors
    ]


def found(getter: Callable[..., T], /, **kwargs: Any) -> T:
    """The row a scoped selector returns, or a 404: out of scope is indistinguishable from absent."""
    try:
        return getter(**kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None
