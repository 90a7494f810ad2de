"""Pages of a grant's use: the plan (RAB) against what was spent, per item, with the unspent balance; forms to add
plan items (officers) and spending with its receipt (the KUBE's companion too); and a panel on the KUBE page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pendamping.accounts.permissions import can
from pendamping.accounts.web import history_for, require
from pendamping.core import panels
from pendamping.core.web import add_service_errors, found
from pendamping.enterprise.forms.grant_use import PlanItemForm, RealisationForm
from pendamping.enterprise.selectors.grant_use import (
    grant_use_by_grant,
    grant_use_summary,
    plan_item_get,
    plan_items_by_grant,
    realisation_get,
)
from pendamping.enterprise.services import grant_use as services
from pendamping.registry.selectors import grant_get

TEMPLATE = "enterprise/grant_use.html"


def _page(request: HttpRequest, grant: Any, *, status: int = 200, **forms: Any) -> HttpResponse:
    """The grant use page; `forms` holds a refused form (with its errors) in place of a blank one."""
    user = request.user
    use = grant_use_summary(grant=grant)
    items = [row.item for row in use.items]
    can_plan, can_realise = can(user, "grant.plan"), can(user, "grant.realise")
    context = {
        "grant": grant,
        "group": grant.group,
        "use": use,
        "can_plan": can_plan,
        "can_realise": can_realise,
        "plan_form": forms.get("plan_form") or (PlanItemForm() if can_plan else None),
        "spent_form": forms.get("spent_form") or (RealisationForm(plan_items=items) if can_realise else None),
        "history": history_for(user, grant, related=[*items, *use.realisations]),
    }
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_GET
def grant_use(request: HttpRequest, pk: int) -> HttpResponse:
    grant = found(grant_get, user=request.user, pk=pk)
    require(request.user, "registry.view")
    return _page(request, grant)


@login_required
@require_POST
def plan_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    grant = found(grant_get, user=request.user, pk=pk)
    require(request.user, "grant.plan")
    form = PlanItemForm(request.POST)
    if form.is_valid():
        try:
            services.plan_item_add(actor=request.user, grant=grant, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The plan item was added."))
            return redirect("enterprise:grant_use", pk=grant.pk)
    return _page(request, grant, plan_form=form)


@login_required
@require_POST
def plan_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = found(plan_item_get, user=request.user, pk=pk)
    require(request.user, "grant.plan")
    try:
        services.plan_item_delete(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The plan item %(item)s was deleted.") % {"item": item.description})
    return redirect("enterprise:grant_use", pk=item.grant_id)


@login_required
@require_POST
def realisation_add(request: HttpRequest, pk: int) -> HttpResponse:
    grant = found(grant_get, user=request.user, pk=pk)
    require(request.user, "grant.realise")
    items = [row.item for row in grant_use_summary(grant=grant).items]
    form = RealisationForm(request.POST, plan_items=items)
    if form.is_valid():
        try:
            services.realisation_add(actor=request.user, grant=grant, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The spending was recorded."))
            return redirect("enterprise:grant_use", pk=grant.pk)
    return _page(request, grant, spent_form=form)


@login_required
@require_POST
def realisation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    realisation = found(realisation_get, user=request.user, pk=pk)
    require(request.user, "grant.realise")
    try:
        services.realisation_delete(actor=request.user, realisation=realisation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The spending was deleted."))
    return redirect("enterprise:grant_use", pk=realisation.grant_id)


urlpatterns: list[URLPattern] = [
    path("grants/<int:pk>/use/", grant_use, name="grant_use"),
    path("grants/<int:pk>/use/plan/", plan_item_add, name="plan_item_add"),
    path("grants/<int:pk>/use/spending/", realisation_add, name="realisation_add"),
    path("plan-items/<int:pk>/delete/", plan_item_delete, name="plan_item_delete"),
    path("realisations/<int:pk>/delete/", realisation_delete, name="realisation_delete"),
]


def grant_use_panel(request: HttpRequest, group: Any) -> str:
    """On the KUBE page: per grant, planned against spent and the unspent balance, linking to the grant use page."""
    if not can(request.user, "registry.view"):
        return ""
    grants = list(grant_use_by_grant(group=group))
    if not grants:
        return ""
    items = plan_items_by_grant(group=group)
    for grant in grants:
        grant.plan_rows = items.get(grant.pk, [])
    context = {"group": group, "grants": grants, "can_realise": can(request.user, "grant.realise")}
    return render_to_string("enterprise/_grant_use_panel.html", context, request=request)


def register_panels() -> None:
    """Sections this module adds to other apps' pages (core.panels); called once from EnterpriseConfig.ready()."""
    panels.register("group_detail", order=20, name="grant_use", panel=grant_use_panel)
