"""Briefing pages for a batch's plan: modules, sessions, budget lines, equipment and the province's instructors.
Every change is the province's (briefing.manage); the batch is fetched in the user's scope first, so a batch out
of scope is a 404 whatever the role."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pendamping.accounts.permissions import can
from pendamping.accounts.web import require
from pendamping.companions.forms.briefing import (
    BudgetLineForm,
    EquipmentForm,
    InstructorForm,
    ModuleForm,
    SessionForm,
    money_text,
    session_initial,
)
from pendamping.companions.selectors.briefing import (
    briefing_get,
    budget_line_get,
    equipment_get,
    instructor_list,
    module_get,
    session_get,
)
from pendamping.companions.services import briefing as services
from pendamping.companions.views.briefing_common import FORM_TEMPLATE, fetch, form_page, post_action, section_url
from pendamping.core.web import add_service_errors


@login_required
@require_http_methods(["GET", "POST"])
def module_add(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = fetch(briefing_get, request, pk)
    require(request.user, "briefing.manage")
    return form_page(
        request,
        form=ModuleForm(request.POST or None),
        briefing=briefing,
        heading=_("New module"),
        section="materials",
        save=lambda data: services.module_add(actor=request.user, briefing=briefing, **data),
        done=_("The module was added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def module_edit(request: HttpRequest, pk: int) -> HttpResponse:
    module = fetch(module_get, request, pk)
    require(request.user, "briefing.manage")
    initial = {"title": module.title, "hours": module.hours, "goals": module.goals}
    return form_page(
        request,
        form=ModuleForm(request.POST or None, initial=initial),
        briefing=module.briefing,
        heading=_("Edit module"),
        section="materials",
        save=lambda data: services.module_update(actor=request.user, module=module, **data),
        done=_("The module was saved."),
    )


@login_required
@require_POST
def module_delete(request: HttpRequest, pk: int) -> HttpResponse:
    module = fetch(module_get, request, pk)
    require(request.user, "briefing.manage")
    return post_action(
        request,
        call=lambda: services.module_delete(actor=request.user, module=module),
        done=_("The module was deleted."),
        back=section_url(module.briefing, "materials"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = fetch(briefing_get, request, pk)
    require(request.user, "briefing.manage")
    return form_page(
        request,
        form=SessionForm(request.POST or None, briefing=briefing),
        briefing=briefing,
        heading=_("New session"),
        section="time",
        save=lambda data: services.session_add(actor=request.user, briefing=briefing, **data),
        done=_("The session was added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = fetch(session_get, request, pk)
    require(request.user, "briefing.manage")
    form = SessionForm(request.POST or None, initial=session_initial(session), briefing=session.briefing)
    return form_page(
        request,
        form=form,
        briefing=session.briefing,
        heading=_("Edit session"),
        section="time",
        save=lambda data: services.session_update(actor=request.user, session=session, **data),
        done=_("The session was saved."),
    )


@login_required
@require_POST
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = fetch(session_get, request, pk)
    require(request.user, "briefing.manage")
    return post_action(
        request,
        call=lambda: services.session_delete(actor=request.user, session=session),
        done=_("The session was deleted."),
        back=section_url(session.briefing, "time"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_add(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = fetch(briefing_get, request, pk)
    require(request.user, "briefing.manage")
    return form_page(
        request,
        form=BudgetLineForm(request.POST or None),
        briefing=briefing,
        heading=_("New budget line"),
        section="budget",
        save=lambda data: services.budget_line_add(actor=request.user, briefing=briefing, **data),
        done=_("The budget line was added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = fetch(budget_line_get, request, pk)
    require(request.user, "briefing.manage")
    initial = {"item": line.item, "planned": money_text(line.planned), "actual": money_text(line.actual)}
    return form_page(
        request,
        form=BudgetLineForm(request.POST or None, initial=initial),
        briefing=line.briefing,
        heading=_("Edit budget line"),
        section="budget",
        save=lambda data: services.budget_line_update(actor=request.user, line=line, **data),
        done=_("The budget line was saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def equipment_add(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = fetch(briefing_get, request, pk)
    require(request.user, "briefing.manage")
    return form_page(
        request,
        form=EquipmentForm(request.POST or None),
        briefing=briefing,
        heading=_("New equipment"),
        section="facilities",
        save=lambda data: services.equipment_add(actor=request.user, briefing=briefing, **data),
        done=_("The equipment was added to the checklist."),
    )


@login_required
@require_POST
def equipment_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    equipment = fetch(equipment_get, request, pk)
    require(request.user, "briefing.manage")
    return post_action(
        request,
        call=lambda: services.equipment_toggle(actor=request.user, equipment=equipment),
        done=_("The checklist was updated."),
        back=section_url(equipment.briefing, "facilities"),
    )


@login_required
@require_GET
def instructor_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "briefing.view")
    context = {"instructors": instructor_list(user=request.user), "can_manage": can(request.user, "briefing.manage")}
    return render(request, "companions/briefing_instructors.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def instructor_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "briefing.manage")
    form = InstructorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            instructor = services.instructor_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Instructor %(name)s was registered.") % {"name": instructor.name})
            return redirect("companions:instructor_list")
    context = {"form": form, "heading": _("New instructor"), "back": reverse("companions:instructor_list")}
    return render(request, FORM_TEMPLATE, context)
