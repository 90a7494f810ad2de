"""Pages: recruitment calls (list, create, detail with quotas against applications, edit, status) and their
screening criteria; the applications' pages are in recruitment_applications.py and the public form in
recruitment_public.py. Every page fetches the call through its scoped selector first (out of scope: 404), then
checks the role."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pendamping.accounts.permissions import can
from pendamping.accounts.web import history_for, require
from pendamping.companions.forms.recruitment import (
    CallFilterForm,
    CallForm,
    CallStatusForm,
    CriterionForm,
    call_initial,
    criterion_initial,
)
from pendamping.companions.selectors.recruitment import (
    CallFilters,
    CallStatus,
    call_criteria,
    call_criterion_get,
    call_get,
    call_list,
    call_quota_counts,
    companion_application,
)
from pendamping.companions.services import recruitment as services
from pendamping.companions.services.recruitment import DEFAULT_PARAMS
from pendamping.companions.views import recruitment_applications, recruitment_public
from pendamping.core import panels
from pendamping.core.pagination import paginate
from pendamping.core.web import add_service_errors, form_messages, found, querystring, wants_partial

NEXT_STATUS = {CallStatus.DRAFT: CallStatus.OPEN, CallStatus.OPEN: CallStatus.SCREENING}
NEXT_STATUS[CallStatus.SCREENING] = CallStatus.DECIDED


def fetch_call(request: HttpRequest, pk: int) -> Any:
    return found(call_get, user=request.user, pk=pk)


@login_required
@require_GET
def call_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "recruitment.view")
    qs = call_list(user=request.user, filters=CallFilters.from_params(request.GET))
    context = {
        "form": CallFilterForm(request.GET),
        "page": paginate(qs, page=request.GET.get("page"), page_size=request.GET.get("page_size")),
        "querystring": querystring(request),
        "can_manage": can(request.user, "recruitment.manage"),
    }
    template = "companions/recruitment_call_list.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "recruitment.manage")
    form = CallForm(request.POST or None)
    if form.is_valid():
        try:
            call = services.call_create(actor=request.user, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The call was saved as a draft with the default criteria."))
            return redirect("companions:call_detail", pk=call.pk)
    return render(request, "companions/recruitment_call_form.html", {"form": form, "call": None})


@login_required
@require_GET
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = fetch_call(request, pk)
    require(request.user, "recruitment.view")
    criteria = call_criteria(call=call)
    next_status = NEXT_STATUS.get(CallStatus(call.status))
    context = {
        "call": call,
        "quotas": call_quota_counts(user=request.user, call=call),
        "criteria": criteria,
        "total_weight": sum(c.weight for c in criteria),
        "next_status": next_status,
        "next_label": next_status.label if next_status else "",
        "can_manage": can(request.user, "recruitment.manage"),
        "can_enter": can(request.user, "recruitment.enter") and call.status == CallStatus.OPEN,
        "history": history_for(request.user, call, related=criteria),
    }
    return render(request, "companions/recruitment_call_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    call = fetch_call(request, pk)
    require(request.user, "recruitment.manage")
    form = CallForm(request.POST or None, initial=call_initial(call))
    if form.is_valid():
        try:
            services.call_update(
                actor=request.user, call=call, version=form.cleaned_data["version"], **form.service_data()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("companions:call_detail", pk=call.pk)
    return render(request, "companions/recruitment_call_form.html", {"form": form, "call": call})


@login_required
@require_POST
def call_status(request: HttpRequest, pk: int) -> HttpResponse:
    call = fetch_call(request, pk)
    require(request.user, "recruitment.manage")
    form = CallStatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_messages(form))
        call = services.call_set_status(actor=request.user, call=call, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The call is now %(status)s.") % {"status": call.get_status_display()})
    return redirect("companions:call_detail", pk=call.pk)


def _criterion_forms(criteria: list[Any], bound: CriterionForm | None) -> list[tuple[Any, CriterionForm]]:
    """One edit form per criterion, the one just sent (with its errors) in its place; ids kept apart."""
    sent = bound.data.get("criterion") if bound is not None else None
    return [
        (
            c,
            bound
            if bound is not None and str(c.pk) == sent
            else CriterionForm(initial=criterion_initial(c), auto_id=f"c{c.pk}_%s"),
        )
        for c in criteria
    ]


def _criterion_save(request: HttpRequest, call: Any, form: CriterionForm) -> bool:
    data = dict(form.cleaned_data)
    target = data.pop("criterion")
    try:
        criterion = found(call_criterion_get, call=call, pk=target) if target else None
        services.criterion_set(actor=request.user, call=call, criterion=criterion, **data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    messages.success(request, _("The criterion was saved; the applications were scored and ranked again."))
    return True


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    call = fetch_call(request, pk)
    require(request.user, "recruitment.manage")
    form = CriterionForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid() and _criterion_save(request, call, form):
        return redirect("companions:criterion_edit", pk=call.pk)
    criteria = call_criteria(call=call)
    adding = form if form is not None and not form.data.get("criterion") else CriterionForm(auto_id="new_%s")
    context = {
        "call": call,
        "rows": _criterion_forms(criteria, form),
        "add_form": adding,
        "total_weight": sum(c.weight for c in criteria),
        "defaults": DEFAULT_PARAMS,
        "editable": call.status in (CallStatus.DRAFT, CallStatus.OPEN),
    }
    return render(request, "companions/recruitment_criteria.html", context)


@login_required
@require_POST
def criterion_delete(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    call = fetch_call(request, pk)
    criterion = found(call_criterion_get, call=call, pk=cid)
    require(request.user, "recruitment.manage")
    try:
        services.criterion_delete(actor=request.user, criterion=criterion)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The criterion “%(label)s” was removed.") % {"label": criterion.label})
    return redirect("companions:criterion_edit", pk=call.pk)


def recruitment_panel(request: HttpRequest, companion: Any) -> str:
    """On a companion's page: the call and the application they were recruited through."""
    if not can(request.user, "recruitment.view"):
        return ""
    application = companion_application(user=request.user, companion=companion)
    if application is None:
        return ""
    return render_to_string("companions/recruitment_panel.html", {"application": application}, request=request)


urlpatterns: list[URLPattern] = [
    path("calls/", call_list_view, name="call_list"),
    path("calls/new/", call_create, name="call_create"),
    path("calls/<int:pk>/", call_detail, name="call_detail"),
    path("calls/<int:pk>/edit/", call_edit, name="call_edit"),
    path("calls/<int:pk>/status/", call_status, name="call_status"),
    path("calls/<int:pk>/criteria/", criterion_edit, name="criterion_edit"),
    path("calls/<int:pk>/criteria/<int:cid>/delete/", criterion_delete, name="criterion_delete"),
    *recruitment_applications.urlpatterns,
    *recruitment_public.urlpatterns,
]


def register_panels() -> None:
    """Sections this module adds to other pages (core.panels); called once from CompanionsConfig.ready()."""
    panels.register("companion_detail", order=10, name="recruitment", panel=recruitment_panel)
