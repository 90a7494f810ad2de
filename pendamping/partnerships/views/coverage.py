"""The partnership indicators page, and the partnerships panel on the KUBE page."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from pendamping.accounts.permissions import can
from pendamping.accounts.web import require
from pendamping.core import panels
from pendamping.partnerships.forms import CoverageForm
from pendamping.partnerships.selectors import group_partnerships, partnership_coverage


@login_required
@require_GET
def coverage_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "partnership.view")
    form = CoverageForm(request.GET)
    on = form.cleaned_data.get("on") if form.is_valid() else None
    context = {"form": form, "coverage": partnership_coverage(user=request.user, on=on)}
    return render(request, "partnerships/coverage.html", context)


def group_panel(request: HttpRequest, group: Any) -> str:
    """The KUBE's agreements and recent activities. The page fetched the KUBE in the user's scope, and every
    agreement covering it is of its regency, so whoever sees the KUBE may see them (with partnership.view)."""
    if not can(request.user, "partnership.view"):
        return ""
    context = {
        "group": group,
        "partnerships": group_partnerships(group=group),
        "can_change": can(request.user, "partnership.change"),
    }
    return render_to_string("partnerships/group_panel.html", context, request=request)


def register_panels() -> None:
    """Sections this app adds to other apps' pages; called once from PartnershipsConfig.ready()."""
    panels.register("group_detail", order=40, name="partnerships", panel=group_panel)
