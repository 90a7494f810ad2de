"""What the briefing pages share: the scoped fetch, the detail page's address of a section, and the small form
page every "add" or "edit" of a batch's row goes through."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from pendamping.core.web import add_service_errors, found

FORM_TEMPLATE = "companions/briefing_item_form.html"


def fetch(getter: Callable[..., Any], request: HttpRequest, pk: int) -> Any:
    """A row through its scoped selector; out of scope is indistinguishable from absent (404)."""
    return found(getter, user=request.user, pk=pk)


def section_url(briefing: Any, section: str) -> str:
    return f"{reverse('companions:briefing_detail', args=[briefing.pk])}#{section}"


def form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    briefing: Any,
    heading: str,
    section: str,
    save: Callable[[dict[str, Any]], Any],
    done: str,
    aliases: dict[str, str] | None = None,
) -> HttpResponse:
    """Show `form`; on a valid POST call `save(cleaned_data)` and go back to the batch's `section`, or show the
    service's refusal on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, aliases=aliases)
        else:
            messages.success(request, done)
            return redirect(section_url(briefing, section))
    context = {"form": form, "briefing": briefing, "heading": heading, "back": section_url(briefing, section)}
    return render(request, FORM_TEMPLATE, context)


def post_action(request: HttpRequest, *, call: Callable[[], Any], done: str, back: str) -> HttpResponse:
    """A one-button action (delete, toggle, remove, finish): the refusal or the success as a message, then back."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(back)
