"""Possible duplicates pages (signed in, duplicate.review): the list of flags in the user's regencies, one flag's
two records side by side, and the decisions: keep one family and merge the other into it, dismiss with a note, or
(for a companion who is a member of their own KUBE) mark resolved once the assignment or membership is fixed.

Decisions are POST only (CSRF-checked); each answers with a redirect, so they work with or without htmx."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from pendamping.accounts.permissions import can
from pendamping.accounts.web import require
from pendamping.audit.services import audit_record
from pendamping.core.pagination import paginate
from pendamping.core.web import found, querystring, wants_partial
from pendamping.exchange.selectors.duplicates import (
    REASON_CHOICES,
    REASONS,
    STATUS_CHOICES,
    STATUSES,
    DuplicateFilters,
    duplicate_comparison,
    duplicate_get,
    duplicate_list,
    first_name,
    visible_records,
)
from pendamping.exchange.services.duplicates import duplicate_dismiss, duplicate_resolve
from pendamping.exchange.services.merge import duplicate_merge


class DuplicateFilterForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), required=False, choices=REASON_CHOICES)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=STATUS_CHOICES)


class NoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200)


def _fetch(request: HttpRequest, pk: int) -> Any:
    """The flag if it lies in the user's regencies; out of scope is indistinguishable from absent (404)."""
    return found(duplicate_get, user=request.user, pk=pk)


@login_required
@require_GET
def duplicate_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "duplicate.review")
    filters = DuplicateFilters.from_params(request.GET)
    form = DuplicateFilterForm({"reason": filters.reason, "status": filters.status})
    page = paginate(duplicate_list(user=request.user, filters=filters), page=request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": [(flag, first_name(flag), flag.second_family) for flag in page.items],
        "querystring": querystring(request),
    }
    template = "exchange/duplicates/list.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


@login_required
@require_GET
def duplicate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _fetch(request, pk)
    require(request.user, "duplicate.review")
    unmasked = can(request.user, "nik.unmasked")
    comparison = duplicate_comparison(user=request.user, flag=flag, unmasked=unmasked)
    if unmasked:  # full NIK and KK numbers on screen: each record's view is on the record (UU 27/2022)
        for record in visible_records(comparison):
            audit_record(actor=request.user, action="reveal", obj=record)
    context = {
        "flag": flag,
        "comparison": comparison,
        "is_open": flag.status == STATUSES.OPEN,
        "is_companion": flag.reason == REASONS.COMPANION_IS_MEMBER,
        "note_form": NoteForm(),
    }
    return render(request, "exchange/duplicates/detail.html", context)


def _decided(request: HttpRequest, flag: Any, decision: Any, done: str) -> HttpResponse:
    """Run a decision; a refusal is shown on the flag's page, a success back on the list."""
    try:
        decision()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("exchange:duplicate_detail", pk=flag.pk)
    messages.success(request, done)
    return redirect("exchange:duplicate_list")


@login_required
@require_POST
def duplicate_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _fetch(request, pk)
    require(request.user, "duplicate.review")
    keep = str(request.POST.get("keep_id", "")).strip()
    if not keep.isdigit():
        messages.error(request, _("Choose which of the two families to keep."))
        return redirect("exchange:duplicate_detail", pk=flag.pk)

    def merge() -> None:
        duplicate_merge(actor=request.user, duplicate=flag, keep_id=int(keep))

    return _decided(request, flag, merge, _("The two families were merged into family %(id)s.") % {"id": keep})


def _note(request: HttpRequest) -> str | None:
    form = NoteForm(request.POST)
    if form.is_valid():
        return str(form.cleaned_data["note"])
    messages.error(request, _("Write a short note (at most 200 characters) saying why."))
    return None


@login_required
@require_POST
def duplicate_dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _fetch(request, pk)
    require(request.user, "duplicate.review")
    if (note := _note(request)) is None:
        return redirect("exchange:duplicate_detail", pk=flag.pk)

    def dismiss() -> None:
        duplicate_dismiss(actor=request.user, duplicate=flag, note=note)

    return _decided(request, flag, dismiss, _("The flag was dismissed."))


@login_required
@require_POST
def duplicate_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _fetch(request, pk)
    require(request.user, "duplicate.review")
    if (note := _note(request)) is None:
        return redirect("exchange:duplicate_detail", pk=flag.pk)

    def resolve() -> None:
        duplicate_resolve(actor=request.user, duplicate=flag, note=note)

    return _decided(request, flag, resolve, _("The flag was marked resolved."))
