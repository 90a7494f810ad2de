"""IKS ledger pages (a KUBE's ledger, the office's list of who pays) and the welfare follow-up of member
families, with the panels they add to the KUBE and family pages."""

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
from pendamping.accounts.web import require
from pendamping.core import panels
from pendamping.core.pagination import paginate
from pendamping.core.web import add_service_errors, found, querystring, wants_partial
from pendamping.enterprise.forms.ledger import IksContributionForm, IksStatusFilterForm, IksUseForm, WelfareForm
from pendamping.enterprise.selectors.ledger import (
    family_welfare,
    group_welfare_change,
    iks_entry_get,
    iks_group_status,
    iks_ledger,
    iks_status,
    iks_window,
    welfare_record_get,
)
from pendamping.enterprise.services import ledger as services
from pendamping.registry.selectors import family_get, group_get

# --- IKS ----------------------------------------------------------------------------------------------------


def _ledger_page(request: HttpRequest, group: Any, *, status: int = 200, **forms: Any) -> HttpResponse:
    window = iks_window()
    context = {
        "group": group,
        "entries": list(iks_ledger(group=group)),
        "summary": iks_group_status(group=group, window=window),
        "window": window,
        "can_change": can(request.user, "iks.change"),
        "contribution_form": forms.get("contribution") or IksContributionForm(),
        "use_form": forms.get("use") or IksUseForm(),
    }
    return render(request, "enterprise/iks_ledger.html", context, status=status)


@login_required
@require_GET
def iks_ledger_view(request: HttpRequest, pk: int) -> HttpResponse:
    group = found(group_get, user=request.user, pk=pk)
    require(request.user, "registry.view")
    return _ledger_page(request, group)


@login_required
@require_POST
def iks_contribute(request: HttpRequest, pk: int) -> HttpResponse:
    group = found(group_get, user=request.user, pk=pk)
    require(request.user, "iks.change")
    form = IksContributionForm(request.POST)
    if form.is_valid():
        try:
            services.iks_contribute(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contribution was recorded."))
            return redirect("enterprise:iks_ledger", pk=group.pk)
    return _ledger_page(request, group, contribution=form)


@login_required
@require_POST
def iks_use(request: HttpRequest, pk: int) -> HttpResponse:
    group = found(group_get, user=request.user, pk=pk)
    require(request.user, "iks.change")
    form = IksUseForm(request.POST)
    if form.is_valid():
        try:
            services.iks_use(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The use of the IKS was recorded."))
            return redirect("enterprise:iks_ledger", pk=group.pk)
    return _ledger_page(request, group, use=form)


@login_required
@require_POST
def iks_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = found(iks_entry_get, user=request.user, pk=pk)
    require(request.user, "iks.change")
    try:
        services.iks_entry_delete(actor=request.user, entry=entry)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The entry was deleted."))
    return redirect("enterprise:iks_ledger", pk=entry.group_id)


@login_required
@require_GET
def iks_status_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "registry.view")
    form = IksStatusFilterForm(request.GET, user=request.user)
    window = iks_window()
    qs = iks_status(user=request.user, window=window, **form.filters())
    context = {
        "form": form,
        "window": window,
        "page": paginate(qs, page=request.GET.get("page"), page_size=request.GET.get("page_size")),
        "querystring": querystring(request),
    }
    template = "enterprise/iks_status.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


# --- welfare ------------------------------------------------------------------------------------------------


def _first_kind(welfare: Any) -> dict[str, str]:
    """A family's first record is most likely its record at joining."""
    return {} if welfare.records else {"kind": "joining"}


@login_required
@require_http_methods(["GET", "POST"])
def welfare_add(request: HttpRequest, pk: int) -> HttpResponse:
    family = found(family_get, user=request.user, pk=pk)
    require(request.user, "welfare.change")
    welfare = family_welfare(family=family)
    form = WelfareForm(request.POST or None, initial=_first_kind(welfare))
    if form.is_valid():
        try:
            services.welfare_record_add(actor=request.user, family=family, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"family": "__all__"})
        else:
            messages.success(request, _("The welfare record was saved."))
            return redirect("registry:family_detail", pk=family.pk)
    context = {"family": family, "form": form, "welfare": welfare}
    return render(request, "enterprise/welfare_form.html", context)


@login_required
@require_POST
def welfare_delete(request: HttpRequest, pk: int) -> HttpResponse:
    record = found(welfare_record_get, user=request.user, pk=pk)
    require(request.user, "welfare.change")
    try:
        services.welfare_record_delete(actor=request.user, record=record)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The welfare record was deleted."))
    return redirect("registry:family_detail", pk=record.family_id)


# --- panels on the KUBE and family pages --------------------------------------------------------------------


def group_iks_panel(request: HttpRequest, group: Any) -> str:
    if not can(request.user, "registry.view"):
        return ""
    context = {"group": group, "summary": iks_group_status(group=group), "window": iks_window()}
    return render_to_string("enterprise/_iks_panel.html", context, request=request)


def group_welfare_panel(request: HttpRequest, group: Any) -> str:
    if not can(request.user, "registry.view"):
        return ""
    welfare = group_welfare_change(group=group)
    if not welfare.members:
        return ""
    return render_to_string("enterprise/_welfare_group.html", {"group": group, "welfare": welfare}, request=request)


def family_welfare_panel(request: HttpRequest, family: Any) -> str:
    if not can(request.user, "registry.view"):
        return ""
    welfare = family_welfare(family=family)
    if not welfare.records and not welfare.was_member:
        return ""  # welfare is followed up for KUBE members only
    may_add = can(request.user, "welfare.change") and welfare.was_member
    form = WelfareForm(initial=_first_kind(welfare)) if may_add else None
    context = {"family": family, "welfare": welfare, "form": form}
    context["can_delete"] = can(request.user, "welfare.change")
    return render_to_string("enterprise/_welfare_family.html", context, request=request)


urlpatterns: list[URLPattern] = [
    path("iks/", iks_status_view, name="iks_status"),
    path("groups/<int:pk>/iks/", iks_ledger_view, name="iks_ledger"),
    path("groups/<int:pk>/iks/contribute/", iks_contribute, name="iks_contribute"),
    path("groups/<int:pk>/iks/use/", iks_use, name="iks_use"),
    path("iks/<int:pk>/delete/", iks_delete, name="iks_delete"),
    path("families/<int:pk>/welfare/new/", welfare_add, name="welfare_add"),
    path("welfare/<int:pk>/delete/", welfare_delete, name="welfare_delete"),
]


def register_panels() -> None:
    """Sections this module adds to other apps' pages (core.panels); called once from EnterpriseConfig.ready()."""
    panels.register("group_detail", order=30, name="iks", panel=group_iks_panel)
    panels.register("group_detail", order=35, name="welfare", panel=group_welfare_panel)
    panels.register("family_detail", order=10, name="welfare", panel=family_welfare_panel)
