"""Briefing (pembekalan) pages: the batches, a batch's plan over the seven elements with its results, finishing
it, and its report (printable HTML, XLSX and PDF); the pages of the plan's rows and of its people are in
briefing_plan.py and briefing_people.py. Scope: officers and auditors see the batches with participants of
their regencies, and by name only those participants; the province (briefing.manage) changes them."""

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
from pendamping.companions.forms.briefing import BriefingFilterForm, BriefingForm, briefing_initial
from pendamping.companions.reports.briefing_pdf import briefing_pdf
from pendamping.companions.reports.briefing_xlsx import briefing_workbook
from pendamping.companions.selectors.briefing import (
    BriefingFilters,
    briefing_get,
    briefing_list,
    companion_briefings,
)
from pendamping.companions.selectors.briefing_summary import attendance_grid, briefing_plan, briefing_results
from pendamping.companions.services import briefing as services
from pendamping.companions.views import briefing_people as people
from pendamping.companions.views import briefing_plan as plan
from pendamping.companions.views.briefing_common import fetch, post_action, section_url
from pendamping.core import panels
from pendamping.core.pagination import paginate
from pendamping.core.web import add_service_errors, querystring, wants_partial


@login_required
@require_GET
def briefing_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "briefing.view")
    filters = BriefingFilters.from_params(request.GET)
    qs = briefing_list(user=request.user, filters=filters)
    context = {
        "form": BriefingFilterForm(request.GET, user=request.user),
        "page": paginate(qs, page=request.GET.get("page"), page_size=request.GET.get("page_size")),
        "querystring": querystring(request),
        "can_manage": can(request.user, "briefing.manage"),
        "by_area": filters.area is not None,
    }
    template = "companions/briefing_list.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


@login_required
@require_http_methods(["GET", "POST"])
def briefing_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "briefing.manage")
    form = BriefingForm(request.POST or None)
    del form.fields["version"]
    if form.is_valid():
        try:
            briefing = services.briefing_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Batch %(title)s was created.") % {"title": briefing.title})
            return redirect("companions:briefing_detail", pk=briefing.pk)
    return render(request, "companions/briefing_form.html", {"form": form, "briefing": None})


@login_required
@require_http_methods(["GET", "POST"])
def briefing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = fetch(briefing_get, request, pk)
    require(request.user, "briefing.manage")
    form = BriefingForm(request.POST or None, initial=briefing_initial(briefing))
    if form.is_valid():
        try:
            services.briefing_update(actor=request.user, briefing=briefing, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The batch was saved."))
            return redirect("companions:briefing_detail", pk=briefing.pk)
    return render(request, "companions/briefing_form.html", {"form": form, "briefing": briefing})


def _context(request: HttpRequest, briefing: Any) -> dict[str, Any]:
    summary = briefing_plan(briefing=briefing)
    return {
        "briefing": briefing,
        "plan": summary,
        "results": briefing_results(user=request.user, briefing=briefing),
        "grid": attendance_grid(user=request.user, briefing=briefing, sessions=summary.sessions),
        "can_manage": can(request.user, "briefing.manage"),
        "is_open": briefing.status != "finished",
        "is_planned": briefing.status == "planned",
    }


@login_required
@require_GET
def briefing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = fetch(briefing_get, request, pk)
    require(request.user, "briefing.view")
    context = _context(request, briefing)
    plan, results = context["plan"], context["results"]
    rows = [*(m.module for m in plan.modules), *plan.sessions, *(b.line for b in plan.budget_lines), *plan.equipment]
    related = [*rows, *(r.participant for r in results.rows)]  # the participants the user may see, only
    context["history"] = history_for(request.user, briefing, related=related)
    return render(request, "companions/briefing_detail.html", context)


@login_required
@require_POST
def briefing_finish(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = fetch(briefing_get, request, pk)
    require(request.user, "briefing.manage")
    return post_action(
        request,
        call=lambda: services.briefing_finish(actor=request.user, briefing=briefing),
        done=_("The batch is finished; completion was decided by attendance."),
        back=section_url(briefing, "results"),
    )


@login_required
@require_GET
def briefing_report(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = fetch(briefing_get, request, pk)
    require(request.user, "briefing.view")
    return render(request, "companions/briefing_report.html", _context(request, briefing))


@login_required
@require_GET
def briefing_report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = fetch(briefing_get, request, pk)
    require(request.user, "briefing.view")
    context = _context(request, briefing)
    content = briefing_workbook(plan=context["plan"], results=context["results"], grid=context["grid"])
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="pembekalan-{briefing.pk}.xlsx"'
    return response


@login_required
@require_GET
def briefing_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = fetch(briefing_get, request, pk)
    require(request.user, "briefing.view")
    context = _context(request, briefing)
    content = briefing_pdf(briefing=briefing, plan=context["plan"], results=context["results"], grid=context["grid"])
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="pembekalan-{briefing.pk}.pdf"'
    return response


def companion_panel(request: HttpRequest, companion: Any) -> str:
    """The batches a companion took part in, on the companion's page."""
    if not can(request.user, "briefing.view"):
        return ""
    rows = companion_briefings(user=request.user, companion=companion)
    if not rows:
        return ""
    return render_to_string("companions/briefing_panel.html", {"rows": rows}, request=request)


urlpatterns: list[URLPattern] = [
    path("briefings/", briefing_list_view, name="briefing_list"),
    path("briefings/new/", briefing_create, name="briefing_create"),
    path("briefings/<int:pk>/", briefing_detail, name="briefing_detail"),
    path("briefings/<int:pk>/edit/", briefing_edit, name="briefing_edit"),
    path("briefings/<int:pk>/finish/", briefing_finish, name="briefing_finish"),
    path("briefings/<int:pk>/report/", briefing_report, name="briefing_report"),
    path("briefings/<int:pk>/report.xlsx", briefing_report_xlsx, name="briefing_report_xlsx"),
    path("briefings/<int:pk>/report.pdf", briefing_report_pdf, name="briefing_report_pdf"),
    path("briefings/<int:pk>/modules/new/", plan.module_add, name="module_add"),
    path("briefings/modules/<int:pk>/edit/", plan.module_edit, name="module_edit"),
    path("briefings/modules/<int:pk>/delete/", plan.module_delete, name="module_delete"),
    path("briefings/<int:pk>/sessions/new/", plan.session_add, name="session_add"),
    path("briefings/sessions/<int:pk>/edit/", plan.session_edit, name="session_edit"),
    path("briefings/sessions/<int:pk>/delete/", plan.session_delete, name="session_delete"),
    path("briefings/sessions/<int:pk>/attendance/", people.attendance, name="attendance"),
    path("briefings/<int:pk>/budget/new/", plan.budget_add, name="budget_add"),
    path("briefings/budget/<int:pk>/edit/", plan.budget_edit, name="budget_edit"),
    path("briefings/<int:pk>/equipment/new/", plan.equipment_add, name="equipment_add"),
    path("briefings/equipment/<int:pk>/toggle/", plan.equipment_toggle, name="equipment_toggle"),
    path("briefings/<int:pk>/participants/new/", people.participant_add, name="participant_add"),
    path("briefings/participants/<int:pk>/remove/", people.participant_remove, name="participant_remove"),
    path("briefings/<int:pk>/scores/", people.scores, name="scores"),
    path("briefings/instructors/", plan.instructor_list_view, name="instructor_list"),
    path("briefings/instructors/new/", plan.instructor_create, name="instructor_create"),
]


def register_panels() -> None:
    """Sections this module adds to other pages (core.panels); called once from CompanionsConfig.ready()."""
    panels.register("companion_detail", order=20, name="briefing", panel=companion_panel)
