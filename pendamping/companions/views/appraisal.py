"""Appraisal pages: the quarter's appraisals, the headline (share of companions performing well against the 20%
baseline), who needs coaching and why, starting an appraisal, the officer's ratings, finalising, one appraisal
explained; and a panel of the companion's appraisals on the companion page."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pendamping.accounts.permissions import can
from pendamping.accounts.web import history_for, require
from pendamping.companions.appraisal_rules import add_quarters, parse_quarter, quarter_key, quarter_label
from pendamping.companions.forms.appraisal import (
    AppraisalFilterForm,
    AppraisalRatingForm,
    AppraisalStartForm,
    QuarterForm,
    rating_initial,
)
from pendamping.companions.selectors.appraisal import (
    AppraisalFilters,
    appraisal_get,
    appraisal_list,
    coaching_reasons,
    companion_appraisals,
    companions_needing_coaching,
    is_appraisable,
    latest_appraised_quarter,
    lines_of,
    performing_well_share,
    ratings_of,
    rubric_specs,
    this_quarter,
)
from pendamping.companions.services.appraisal import appraisal_finalise, appraisal_rate, appraisal_start
from pendamping.core import panels
from pendamping.core.pagination import paginate
from pendamping.core.web import add_service_errors, found, querystring, wants_partial


def fetch_appraisal(request: HttpRequest, pk: int) -> Any:
    """The appraisal if the user may see it; out of scope is indistinguishable from absent (404)."""
    return found(appraisal_get, user=request.user, pk=pk)


def chosen_quarter(request: HttpRequest) -> dt.date:
    """The quarter in ?period=, else the newest one with final appraisals; a malformed value is ignored."""
    try:
        return parse_quarter(request.GET["period"])
    except (KeyError, ValidationError):
        return latest_appraised_quarter(user=request.user)


@login_required
@require_GET
def appraisal_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "appraisal.view")
    qs = appraisal_list(user=request.user, filters=AppraisalFilters.from_params(request.GET))
    context = {
        "form": AppraisalFilterForm(request.GET, user=request.user),
        "page": paginate(qs, page=request.GET.get("page"), page_size=request.GET.get("page_size")),
        "querystring": querystring(request),
        "can_rate": can(request.user, "appraisal.rate"),
    }
    template = "companions/appraisal_list.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


@login_required
@require_GET
def appraisal_headline(request: HttpRequest) -> HttpResponse:
    require(request.user, "appraisal.view")
    period = chosen_quarter(request)
    form = QuarterForm({"period": quarter_key(period)}, user=request.user)
    headline = performing_well_share(user=request.user, period=period)
    return render(request, "companions/appraisal_headline.html", {"form": form, "headline": headline})


@login_required
@require_GET
def coaching_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "appraisal.view")
    period, regency = chosen_quarter(request), str(request.GET.get("regency", ""))[:5]
    form = QuarterForm({"period": quarter_key(period), "regency": regency}, user=request.user, regency=True)
    qs = companions_needing_coaching(user=request.user, period=period, regency=regency)
    page = paginate(qs, page=request.GET.get("page"), page_size=request.GET.get("page_size"))
    context = {
        "form": form,
        "period": period,
        "page": page,
        "rows": [(appraisal, coaching_reasons(appraisal)) for appraisal in page.items],
        "querystring": querystring(request),
    }
    template = "companions/appraisal_coaching.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_start_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "appraisal.rate")
    initial = {"companion": request.GET.get("companion"), "period": quarter_key(add_quarters(this_quarter(), -1))}
    form = AppraisalStartForm(request.POST or None, user=request.user, initial=initial)
    if form.is_valid():
        try:
            appraisal = appraisal_start(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The appraisal was started; rate each indicator, then finalise."))
            return redirect("companions:appraisal_rate", pk=appraisal.pk)
    return render(request, "companions/appraisal_start.html", {"form": form})


@login_required
@require_GET
def appraisal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = fetch_appraisal(request, pk)
    require(request.user, "appraisal.view")
    context = {
        "appraisal": appraisal,
        "lines": lines_of(appraisal.details),
        "quarter": quarter_label(appraisal.period),
        "can_rate": can(request.user, "appraisal.rate") and appraisal.status == "draft",
        "history": history_for(request.user, appraisal),
    }
    return render(request, "companions/appraisal_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_rate_view(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = fetch_appraisal(request, pk)
    require(request.user, "appraisal.rate")
    if appraisal.status != "draft":
        messages.info(request, _("This appraisal is final; it can no longer change."))
        return redirect("companions:appraisal_detail", pk=appraisal.pk)
    initial = rating_initial(ratings_of(appraisal), appraisal.version)
    form = AppraisalRatingForm(request.POST or None, initial=initial, specs=rubric_specs(appraisal.rubric))
    if form.is_valid():
        try:
            if form.ratings() or "finalise" not in request.POST:
                version = form.cleaned_data.get("version")
                appraisal = appraisal_rate(
                    actor=request.user, appraisal=appraisal, ratings=form.ratings(), version=version
                )
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"ratings": "__all__"})
        else:
            if "finalise" in request.POST:
                return _finalise(request, appraisal, version=None)
            messages.success(request, _("The ratings were saved."))
            return redirect("companions:appraisal_rate", pk=pk)
    data = [line for line in lines_of(appraisal.details) if line.role == "data"]
    context = {"appraisal": appraisal, "form": form, "data_lines": data, "quarter": quarter_label(appraisal.period)}
    return render(request, "companions/appraisal_rate.html", context)


def _finalise(request: HttpRequest, appraisal: Any, *, version: int | None) -> HttpResponse:
    """Finalise and show the result; a refusal (an indicator not rated yet) goes back to the ratings."""
    try:
        appraisal = appraisal_finalise(actor=request.user, appraisal=appraisal, version=version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("companions:appraisal_rate", pk=appraisal.pk)
    verdict = _("performing well") if appraisal.performing_well else _("not performing well (needs coaching)")
    message = _("The appraisal is final: score %(score)s, %(verdict)s.")
    messages.success(request, message % {"score": formats.number_format(appraisal.score, 2), "verdict": verdict})
    return redirect("companions:appraisal_detail", pk=appraisal.pk)


@login_required
@require_POST
def appraisal_finalise_view(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = fetch_appraisal(request, pk)
    require(request.user, "appraisal.rate")
    version = request.POST.get("version", "")
    return _finalise(request, appraisal, version=int(version) if version.isdigit() and len(version) < 10 else None)


def appraisals_panel(request: HttpRequest, companion: Any) -> str:
    """The companion page's appraisals, newest quarter first, with score and verdict."""
    if not can(request.user, "appraisal.view"):
        return ""
    context = {
        "companion": companion,
        "appraisals": list(companion_appraisals(user=request.user, companion=companion)[:12]),
        "can_start": can(request.user, "appraisal.rate") and is_appraisable(companion),
    }
    return render_to_string("companions/appraisal_panel.html", context, request=request)


urlpatterns: list[URLPattern] = [
    path("appraisals/", appraisal_list_view, name="appraisal_list"),
    path("appraisals/new/", appraisal_start_view, name="appraisal_start"),
    path("appraisals/headline/", appraisal_headline, name="appraisal_headline"),
    path("appraisals/coaching/", coaching_list, name="coaching_list"),
    path("appraisals/<int:pk>/", appraisal_detail, name="appraisal_detail"),
    path("appraisals/<int:pk>/rate/", appraisal_rate_view, name="appraisal_rate"),
    path("appraisals/<int:pk>/finalise/", appraisal_finalise_view, name="appraisal_finalise"),
]


def register_panels() -> None:
    """Sections this module adds to other pages (core.panels); called once from CompanionsConfig.ready()."""
    panels.register("companion_detail", order=50, name="appraisals", panel=appraisals_panel)
