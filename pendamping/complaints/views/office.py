"""The office's complaint pages (signed in; complaint.view to read, complaint.change to write): the list with
its filters and overdue badge, a complaint's page, an officer's entry, assigning and changing the status.

The complainant's name and contact reach a page only through selectors.complainant(), which hides them from
everyone but the admins and the assigned officer."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pendamping.accounts.permissions import can
from pendamping.accounts.web import history_for, require
from pendamping.complaints import services
from pendamping.complaints.forms import AssignForm, ComplaintFilterForm, ComplaintForm, StatusForm
from pendamping.complaints.selectors import (
    ComplaintFilters,
    complainant,
    complaint_get,
    complaint_list,
    group_by_code,
)
from pendamping.core.pagination import paginate
from pendamping.core.web import add_service_errors, found, querystring, wants_partial


def _fetch(request: HttpRequest, pk: int) -> Any:
    """The complaint if the user may see it; out of scope is indistinguishable from absent (404)."""
    return found(complaint_get, user=request.user, pk=pk)


@login_required
@require_GET
def complaint_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "complaint.view")
    form = ComplaintFilterForm(request.GET, user=request.user)
    today = timezone.localdate()
    qs = complaint_list(user=request.user, filters=ComplaintFilters.from_params(request.GET), today=today)
    page = paginate(qs, page=request.GET.get("page"), page_size=request.GET.get("page_size"))
    context = {
        "form": form,
        "page": page,
        "rows": [(c, c.is_overdue(today), complainant(request.user, c)) for c in page.items],
        "querystring": querystring(request),
        "can_change": can(request.user, "complaint.change"),
    }
    template = "complaints/complaint_list.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


@login_required
@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _fetch(request, pk)
    require(request.user, "complaint.view")
    context = {
        "complaint": complaint,
        "complainant": complainant(request.user, complaint),
        "overdue": complaint.is_overdue(timezone.localdate()),
        "history": history_for(request.user, complaint),
        "can_change": can(request.user, "complaint.change"),
    }
    return render(request, "complaints/complaint_detail.html", context)


def _entry(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The form's values as the service takes them; the KUBE code names a KUBE the user sees."""
    values = {k: v for k, v in data.items() if k not in ("regency", "group_code")}
    group = None
    if code := data["group_code"].strip():
        try:
            group = group_by_code(user=user, code=code)
        except ObjectDoesNotExist:
            raise ValidationError({"group_code": _("No KUBE with this code in your area.")}) from None
    return {**values, "regency_code": data["regency"], "group": group}


@login_required
@require_http_methods(["GET", "POST"])
def complaint_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "complaint.change")
    form = ComplaintForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            complaint = services.complaint_create(actor=request.user, **_entry(request.user, form.cleaned_data))
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"group": "group_code"})
        else:
            messages.success(request, _("Complaint %(ref)s was recorded.") % {"ref": complaint.reference})
            return redirect("complaints:complaint_detail", pk=complaint.pk)
    return render(request, "complaints/complaint_form.html", {"form": form})


def _assign(actor: Any, complaint: Any, data: dict[str, Any]) -> None:
    """The officer and, when changed, the due date: both or neither."""
    with transaction.atomic():
        row = services.complaint_assign(
            actor=actor, complaint=complaint, officer=data["officer"], version=data["version"]
        )
        if data["due_on"] != row.due_on:
            services.complaint_update_due(actor=actor, complaint=row, due_on=data["due_on"], version=row.version)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_assign(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _fetch(request, pk)
    require(request.user, "complaint.change")
    initial = {"officer": complaint.assigned_to_id, "due_on": complaint.due_on, "version": complaint.version}
    form = AssignForm(request.POST or None, initial=initial, complaint=complaint)
    if form.is_valid():
        try:
            _assign(request.user, complaint, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The complaint was assigned."))
            return redirect("complaints:complaint_detail", pk=complaint.pk)
    return render(request, "complaints/complaint_assign.html", {"form": form, "complaint": complaint})


@login_required
@require_http_methods(["GET", "POST"])
def complaint_status(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _fetch(request, pk)
    require(request.user, "complaint.change")
    initial = {"status": complaint.status, "resolution": complaint.resolution, "version": complaint.version}
    form = StatusForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.complaint_set_status(actor=request.user, complaint=complaint, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The status was changed."))
            return redirect("complaints:complaint_detail", pk=complaint.pk)
    return render(request, "complaints/complaint_status.html", {"form": form, "complaint": complaint})
