"""The companion's path through the model on their page, and the officer's deactivation and reactivation."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pendamping.accounts.permissions import can
from pendamping.accounts.web import require
from pendamping.companions.selectors.lifecycle import companion_path
from pendamping.companions.services.lifecycle import companion_deactivate, companion_reactivate
from pendamping.companions.views.people import fetch_companion
from pendamping.core import panels


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    companion = fetch_companion(request, pk)
    require(request.user, "companion.change")
    on = parse_date(request.POST.get("on", "")) or timezone.localdate()
    try:
        companion_deactivate(actor=request.user, companion=companion, on=on, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("%(name)s is now inactive; their assignments ended.") % {"name": companion.name})
    return redirect("companions:companion_detail", pk=companion.pk)


@login_required
@require_POST
def reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    companion = fetch_companion(request, pk)
    require(request.user, "companion.change")
    try:
        companion_reactivate(actor=request.user, companion=companion)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("%(name)s is active again.") % {"name": companion.name})
    return redirect("companions:companion_detail", pk=companion.pk)


def path_panel(request: HttpRequest, companion: Any) -> str:
    """First on the companion page: every status reached, and the officer's lifecycle actions."""
    context = {
        "companion": companion,
        "steps": companion_path(companion=companion),
        "can_change": can(request.user, "companion.change"),
        "today": timezone.localdate(),
    }
    return render_to_string("companions/lifecycle_panel.html", context, request=request)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/deactivate/", deactivate, name="companion_deactivate"),
    path("<int:pk>/reactivate/", reactivate, name="companion_reactivate"),
]


def register_panels() -> None:
    panels.register("companion_detail", order=1, name="lifecycle", panel=path_panel)
