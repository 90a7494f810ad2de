"""Instrument pages: the list, one version's aspects → items → options, creating one from a YAML file, and a
new version (an instrument with answers is frozen)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pendamping.accounts.permissions import can
from pendamping.accounts.web import require
from pendamping.core.pagination import paginate
from pendamping.core.web import add_service_errors, found, querystring
from pendamping.evaluation import selectors, services
from pendamping.evaluation.forms import InstrumentFileForm


def fetch_instrument(request: HttpRequest, pk: int) -> Any:
    return found(selectors.instrument_get, user=request.user, pk=pk)


@login_required
@require_GET
def instrument_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "evaluation.view")
    qs = selectors.instrument_list(user=request.user, q=request.GET.get("q", "")[:100])
    context = {
        "page": paginate(qs, page=request.GET.get("page"), page_size=request.GET.get("page_size")),
        "querystring": querystring(request),
        "can_manage": can(request.user, "evaluation.manage"),
    }
    return render(request, "evaluation/instrument_list.html", context)


@login_required
@require_GET
def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = fetch_instrument(request, pk)
    require(request.user, "evaluation.view")
    context = {
        "instrument": instrument,
        "aspects": selectors.instrument_aspects(instrument=instrument),
        "can_manage": can(request.user, "evaluation.manage"),
        "form": InstrumentFileForm(need_definition=False),
    }
    return render(request, "evaluation/instrument_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def instrument_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "evaluation.manage")
    form = InstrumentFileForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        try:
            instrument = services.instrument_create(
                actor=request.user, definition=form.definition(), description=form.cleaned_data["description"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"definition": "text"})
        else:
            messages.success(request, _("The instrument %(i)s was created.") % {"i": instrument})
            return redirect("evaluation:instrument_detail", pk=instrument.pk)
    return render(request, "evaluation/instrument_form.html", {"form": form, "instrument": None})


@login_required
@require_http_methods(["GET", "POST"])
def instrument_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    """A copy of this version, or the uploaded file (same code), as the next version."""
    instrument = fetch_instrument(request, pk)
    require(request.user, "evaluation.manage")
    bound = request.method == "POST"
    form = InstrumentFileForm(request.POST if bound else None, request.FILES if bound else None, need_definition=False)
    if form.is_valid():
        try:
            new = services.instrument_new_version(
                actor=request.user, instrument=instrument, definition=form.definition() or None
            )
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"definition": "text"})
        else:
            messages.success(request, _("Version %(v)d was created.") % {"v": new.version})
            return redirect("evaluation:instrument_detail", pk=new.pk)
    return render(request, "evaluation/instrument_form.html", {"form": form, "instrument": instrument})
