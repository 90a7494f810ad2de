"""Pages: the applications across calls (the list behind the dashboards' recruitment numbers), a call's
applications ranked per regency (with each criterion's score and the panel scores still missing), an officer's
entry of an applicant, one application with its scores, the panel's score entry and the decision. Rows are
fetched through the scoped selectors first (out of scope: 404), then the role checked."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pendamping.accounts.permissions import can
from pendamping.accounts.web import history_for, require
from pendamping.companions.forms.recruitment import (
    AllApplicationFilterForm,
    ApplicationFilterForm,
    ApplicationForm,
    DecisionForm,
    ScoreForm,
)
from pendamping.companions.selectors.recruitment import (
    AllApplicationFilters,
    ApplicationFilters,
    ApplicationStatus,
    CallStatus,
    application_get,
    application_list,
    application_list_all,
    application_scores,
    call_choices,
    call_criteria,
    call_criterion_get,
    call_get,
    call_regencies,
    ranking_rows,
)
from pendamping.companions.services import recruitment as services
from pendamping.core.nik import mask_number
from pendamping.core.pagination import paginate
from pendamping.core.web import add_service_errors, found, querystring, wants_partial


def _call(request: HttpRequest, pk: int) -> Any:
    return found(call_get, user=request.user, pk=pk)


def _application(request: HttpRequest, pk: int) -> Any:
    return found(application_get, user=request.user, pk=pk)


@login_required
@require_GET
def application_all_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "recruitment.view")
    qs = application_list_all(user=request.user, filters=AllApplicationFilters.from_params(request.GET))
    context = {
        "form": AllApplicationFilterForm(request.GET, user=request.user, calls=call_choices(user=request.user)),
        "page": paginate(qs, page=request.GET.get("page"), page_size=request.GET.get("page_size")),
        "querystring": querystring(request),
    }
    template = "companions/recruitment_application_all.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


@login_required
@require_GET
def application_list_view(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    require(request.user, "recruitment.view")
    criteria = call_criteria(call=call)
    qs = application_list(user=request.user, call=call, filters=ApplicationFilters.from_params(request.GET))
    page = paginate(qs, page=request.GET.get("page"), page_size=request.GET.get("page_size"))
    context = {
        "call": call,
        "criteria": criteria,
        "rows": ranking_rows(page.items, criteria),
        "page": page,
        "form": ApplicationFilterForm(request.GET, regencies=call_regencies(user=request.user, call=call)),
        "querystring": querystring(request),
        "regency": request.GET.get("regency", ""),
        "can_enter": can(request.user, "recruitment.enter") and call.status == CallStatus.OPEN,
        "can_rank": can(request.user, "recruitment.score") and call.status != CallStatus.DECIDED,
    }
    template = "companions/recruitment_application_list.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


@login_required
@require_POST
def applications_rank(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    require(request.user, "recruitment.score")
    regency = str(request.POST.get("regency") or "").strip() or None
    try:
        ranked = services.applications_rank(actor=request.user, call=call, regency_code=regency)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)d applications were ranked.") % {"n": len(ranked)})
    target = reverse("companions:application_list", kwargs={"pk": call.pk})
    return redirect(f"{target}?{urlencode({'regency': regency})}" if regency else target)


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    require(request.user, "recruitment.enter")
    form = ApplicationForm(request.POST or None, regencies=call_regencies(user=request.user, call=call))
    if form.is_valid():
        try:
            application = services.application_enter(actor=request.user, call=call, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"regency_code": "regency"})
        else:
            messages.success(request, _("The application was recorded as %(ref)s.") % {"ref": application.reference})
            return redirect("companions:application_detail", pk=application.pk)
    context = {"call": call, "form": form, "accepting": call.is_open_on(timezone.localdate())}
    return render(request, "companions/recruitment_application_form.html", context)


def _detail(request: HttpRequest, application: Any, **forms: Any) -> HttpResponse:
    scores = application_scores(application=application)
    panel = [c for c, _s in scores if not c.is_automatic]
    initial = {"version": application.version}
    decided = application.call.status == CallStatus.DECIDED
    context = {
        "application": application,
        "nik_masked": mask_number(application.nik),
        "scores": scores,
        "missing": [c for c, s in scores if s is None and not c.is_automatic],
        "score_form": forms.get("score_form") or ScoreForm(criteria=panel),
        "decision_form": forms.get("decision_form") or DecisionForm(initial=initial),
        "can_score": can(request.user, "recruitment.score")
        and panel
        and not decided
        and application.status == ApplicationStatus.SUBMITTED,
        "can_decide": can(request.user, "recruitment.manage")
        and application.call.status in (CallStatus.SCREENING, CallStatus.DECIDED)
        and application.status != ApplicationStatus.ACCEPTED,
        "history": history_for(request.user, application, related=[s for _c, s in scores if s is not None]),
    }
    return render(request, "companions/recruitment_application_detail.html", context)


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    require(request.user, "recruitment.view")
    return _detail(request, application)


@login_required
@require_POST
def application_score(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    require(request.user, "recruitment.score")
    panel = [c for c in call_criteria(call=application.call) if not c.is_automatic]
    form = ScoreForm(request.POST, criteria=panel)
    if form.is_valid():
        data = dict(form.cleaned_data)
        criterion = found(call_criterion_get, call=application.call, pk=data.pop("criterion"))
        try:
            services.application_score_set(actor=request.user, application=application, criterion=criterion, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The score of “%(label)s” was saved.") % {"label": criterion.label})
            return redirect("companions:application_detail", pk=application.pk)
    return _detail(request, application, score_form=form)


@login_required
@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    require(request.user, "recruitment.manage")
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decided = services.application_decide(actor=request.user, application=application, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            message = _("The decision was recorded: %(d)s.") % {"d": decided.get_status_display()}
            if decided.companion_id:
                message += " " + _("%(name)s is now a companion candidate.") % {"name": decided.name}
            messages.success(request, message)
            return redirect("companions:application_detail", pk=application.pk)
    return _detail(request, application, decision_form=form)


urlpatterns: list[URLPattern] = [
    path("applications/", application_all_view, name="application_all"),
    path("calls/<int:pk>/applications/", application_list_view, name="application_list"),
    path("calls/<int:pk>/applications/new/", application_create, name="application_create"),
    path("calls/<int:pk>/rank/", applications_rank, name="applications_rank"),
    path("applications/<int:pk>/", application_detail, name="application_detail"),
    path("applications/<int:pk>/score/", application_score, name="application_score"),
    path("applications/<int:pk>/decide/", application_decide, name="application_decide"),
]
