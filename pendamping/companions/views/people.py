"""Companion pages: list, detail (assignments, caseload, history), create, edit, and assigning a companion to a
KUBE or ending an assignment."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pendamping.accounts.permissions import can
from pendamping.accounts.web import history_for, require
from pendamping.audit.services import audit_record
from pendamping.companions import services
from pendamping.companions.forms import (
    AssignmentEndForm,
    AssignmentForm,
    CompanionFilterForm,
    CompanionForm,
    companion_initial,
)
from pendamping.companions.selectors import (
    CompanionFilters,
    assignment_list,
    companion_assignments,
    companion_get,
    companion_list,
    groups_assignable,
)
from pendamping.companions.selectors.people import groups_suggested
from pendamping.core import panels
from pendamping.core.pagination import paginate
from pendamping.core.web import add_service_errors, found, querystring, wants_partial


def fetch_companion(request: HttpRequest, pk: int) -> Any:
    """The companion if the user may see them; out of scope is indistinguishable from absent (404)."""
    return found(companion_get, user=request.user, pk=pk)


@login_required
@require_GET
def companion_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "companion.view")
    form = CompanionFilterForm(request.GET, user=request.user)
    qs = companion_list(user=request.user, filters=CompanionFilters.from_params(request.GET))
    context = {
        "form": form,
        "page": paginate(qs, page=request.GET.get("page"), page_size=request.GET.get("page_size")),
        "querystring": querystring(request),
        "can_change": can(request.user, "companion.change"),
    }
    template = "companions/companion_list.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


def _detail_context(request: HttpRequest, companion: Any, *, unmasked: bool = False) -> dict[str, Any]:
    assignments = list(companion_assignments(companion=companion))
    current = [a for a in assignments if a.ended_on is None]
    return {
        "companion": companion,
        "unmasked": unmasked,
        "can_reveal": can(request.user, "nik.unmasked"),
        "current": current,
        "past": [a for a in assignments if a.ended_on is not None],
        "end_form": AssignmentEndForm(),
        "history": history_for(request.user, companion),
        "can_change": can(request.user, "companion.change"),
        "can_assign": can(request.user, "assignment.change"),
        "panels": panels.render("companion_detail", request, companion),
    }


@login_required
@require_GET
def companion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    companion = fetch_companion(request, pk)
    require(request.user, "companion.view")
    return render(request, "companions/companion_detail.html", _detail_context(request, companion))


@login_required
@require_POST
def companion_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full NIK on demand; every such view is on the record."""
    companion = fetch_companion(request, pk)
    require(request.user, "companion.view")
    require(request.user, "nik.unmasked")
    audit_record(actor=request.user, action="reveal", obj=companion)
    template = "companions/companion_detail.html"
    context = _detail_context(request, companion, unmasked=True)
    return render(request, f"{template}#numbers" if wants_partial(request) else template, context)


@login_required
@require_http_methods(["GET", "POST"])
def companion_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "companion.change")
    form = CompanionForm(request.POST or None, user=request.user, creating=True)
    if form.is_valid():
        try:
            companion = services.companion_create(actor=request.user, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Companion %(name)s was registered.") % {"name": companion.name})
            return redirect("companions:companion_detail", pk=companion.pk)
    return render(request, "companions/companion_form.html", {"form": form, "companion": None})


@login_required
@require_http_methods(["GET", "POST"])
def companion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    companion = fetch_companion(request, pk)
    require(request.user, "companion.change")
    initial = companion_initial(companion)
    form = CompanionForm(request.POST or None, initial=initial, user=request.user, creating=False)
    if form.is_valid():
        try:
            services.companion_update(actor=request.user, companion=companion, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("companions:companion_detail", pk=companion.pk)
    return render(request, "companions/companion_form.html", {"form": form, "companion": companion})


def _chosen_group(request: HttpRequest) -> dict[str, Any]:
    """A suggestion's link preselects its KUBE (?group=); the form still checks it against the list."""
    chosen = request.GET.get("group", "")
    return {"group": int(chosen)} if chosen.isdigit() and len(chosen) < 19 else {}


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest, pk: int) -> HttpResponse:
    companion = fetch_companion(request, pk)
    require(request.user, "assignment.change")
    free = groups_assignable(user=request.user, companion=companion)
    form = AssignmentForm(
        request.POST or None, initial=_chosen_group(request), user=request.user, companion=companion, free=free
    )
    if form.is_valid():
        try:
            assignment = services.assignment_create(actor=request.user, companion=companion, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"companion": "__all__"})
        else:
            messages.success(request, _("%(c)s now accompanies %(g)s.") % {"c": companion, "g": assignment.group})
            return redirect("companions:companion_detail", pk=companion.pk)
    suggested = groups_suggested(companion=companion, user=request.user)
    context = {"form": form, "companion": companion, "suggested": suggested}
    return render(request, "companions/assignment_form.html", context)


@login_required
@require_POST
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        assignment = assignment_list(user=request.user).get(pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    require(request.user, "assignment.change")
    form = AssignmentEndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.assignment_end(actor=request.user, assignment=assignment, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The assignment to %(g)s has ended.") % {"g": assignment.group})
    return redirect("companions:companion_detail", pk=assignment.companion_id)
