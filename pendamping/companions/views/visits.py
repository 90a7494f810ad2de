"""Pages: visits to KUBE — the phone form a companion fills in under a minute, "my visits" with the open
follow-ups first, one visit, closing a follow-up, the visit frequency for officers, and the visits panels of the
KUBE and companion pages."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pendamping.accounts.permissions import can
from pendamping.accounts.web import history_for, require
from pendamping.companions.forms.visits import FollowUpDoneForm, FrequencyFilterForm, VisitFilterForm, VisitForm
from pendamping.companions.selectors.people import group_current_companion
from pendamping.companions.selectors.visits import (
    GROUP_DAYS,
    CompanionFrequencyFilters,
    GroupFrequencyFilters,
    VisitFilters,
    companion_frequency,
    companion_months,
    followup_closable,
    followup_get,
    followups_open,
    frequency_window,
    group_frequency,
    regency_frequency,
    visit_deletable,
    visit_get,
    visit_groups,
    visit_list,
    visit_topic_labels,
)
from pendamping.companions.services.visits import followup_done, visit_delete, visit_record
from pendamping.core import panels
from pendamping.core.pagination import paginate
from pendamping.core.web import add_service_errors, found, querystring, wants_partial

OPEN_SHOWN = 50  # open follow-ups listed above the visits; a companion with more has bigger problems


def _groups(request: HttpRequest) -> Any:
    """The KUBE the form offers: a companion's own now. An admin records from a KUBE's page (?group=), for the
    companion accompanying it; a select of every KUBE in the province would help no one."""
    groups = visit_groups(user=request.user)
    chosen = request.GET.get("group", "")
    if request.user.is_province_admin:  # type: ignore[union-attr]
        return groups.filter(pk=int(chosen)) if chosen.isdigit() and len(chosen) < 19 else groups.none()
    return groups


def _initial(request: HttpRequest, groups: Any) -> dict[str, Any]:
    chosen = request.GET.get("group", "")
    ids = [g.pk for g in groups[:2]]
    if chosen.isdigit() and int(chosen) in set(groups.values_list("pk", flat=True)):
        return {"group": int(chosen)}
    return {"group": ids[0]} if len(ids) == 1 else {}


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "visit.record")
    groups = _groups(request)
    form = VisitForm(request.POST or None, groups=groups, initial=_initial(request, groups))
    if form.is_valid():
        data = form.service_data()
        if request.user.is_province_admin:  # type: ignore[union-attr]
            data["companion"] = group_current_companion(group=data["group"])
        try:
            visit = visit_record(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"follow_ups": "__all__", "client_key": "__all__"})
        else:
            messages.success(request, _("The visit to %(g)s was recorded.") % {"g": visit.group})
            return redirect("companions:visit_detail", pk=visit.pk)
    return render(request, "companions/visit_form.html", {"form": form, "groups": groups})


@login_required
@require_GET
def visit_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "visit.view")
    filters = VisitFilters.from_params(request.GET)
    page = paginate(visit_list(user=request.user, filters=filters), page=request.GET.get("page"))
    context = {
        "form": VisitFilterForm(request.GET, user=request.user),
        "page": page,
        "querystring": querystring(request),
        "open": followups_open(user=request.user, companion_id=filters.companion, group_id=filters.group)[:OPEN_SHOWN],
        "can_close": followup_closable(user=request.user),
        "can_record": can(request.user, "visit.record"),
        "done_form": FollowUpDoneForm(),
    }
    template = "companions/visit_list.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


@login_required
@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = found(visit_get, user=request.user, pk=pk)
    require(request.user, "visit.view")
    follow_ups = list(visit.follow_ups.all())
    context = {
        "visit": visit,
        "follow_ups": follow_ups,
        "topic_labels": visit_topic_labels(visit),
        "today": timezone.localdate(),
        "can_close": followup_closable(user=request.user),
        "can_delete": visit_deletable(user=request.user, visit=visit),
        "done_form": FollowUpDoneForm(),
        "history": history_for(request.user, visit, related=follow_ups),
    }
    return render(request, "companions/visit_detail.html", context)


@login_required
@require_POST
def visit_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    visit = found(visit_get, user=request.user, pk=pk)
    require(request.user, "visit.record")
    try:
        visit_delete(actor=request.user, visit=visit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("companions:visit_detail", pk=pk)
    messages.success(request, _("The visit was deleted."))
    return redirect("companions:visit_list")


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    return redirect(target if target.startswith("/") and safe else default)


@login_required
@require_POST
def followup_done_view(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = found(followup_get, user=request.user, pk=pk)
    require(request.user, "visit.view")
    form = FollowUpDoneForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        followup_done(actor=request.user, follow_up=follow_up, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Follow-up done: %(a)s") % {"a": follow_up.action})
    return _back(request, reverse("companions:visit_detail", args=[follow_up.visit_id]))


def _frequency_rows(request: HttpRequest, params: Any, window: Any) -> tuple[str, Any]:
    if params.get("by") == "group":
        return "group", group_frequency(user=request.user, filters=GroupFrequencyFilters.from_params(params))
    filters = CompanionFrequencyFilters.from_params(params)
    return "companion", companion_frequency(user=request.user, window=window, filters=filters)


@login_required
@require_GET
def visit_frequency(request: HttpRequest) -> HttpResponse:
    require(request.user, "visit.view")
    params = request.GET.copy()
    params.setdefault("status", "active")  # the page's default: the companions who should be visiting
    form = FrequencyFilterForm(params, user=request.user)
    months = form.cleaned_data.get("months") if form.is_valid() else None
    window = frequency_window(months=months or 3)
    by, rows = _frequency_rows(request, params, window)
    context = {
        "form": form,
        "window": window,
        "by": by,
        "group_days": GROUP_DAYS,
        "regencies": regency_frequency(user=request.user, window=window),
        "page": paginate(rows, page=request.GET.get("page")),
        "querystring": querystring(request),
    }
    template = "companions/visit_frequency.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


# --- panels on the KUBE and companion pages -------------------------------------------------------------------


def group_panel(request: HttpRequest, group: Any) -> str:
    """The KUBE's last visits and open follow-ups (in the user's scope: a companion sees their own visits)."""
    user = request.user
    if not can(user, "visit.view"):
        return ""
    context = {
        "group": group,
        "visits": list(visit_list(user=user, filters=VisitFilters(group=group.pk))[:5]),
        "open": list(followups_open(user=user, group_id=group.pk)[:10]),
        "can_record": can(user, "visit.record") and visit_groups(user=user).filter(pk=group.pk).exists(),
        "can_close": followup_closable(user=user),
        "done_form": FollowUpDoneForm(),
    }
    return render_to_string("companions/visit_group_panel.html", context, request=request)


def companion_panel(request: HttpRequest, companion: Any) -> str:
    """Visits per month over the last six months and the companion's open follow-ups."""
    user = request.user
    if not can(user, "visit.view"):
        return ""
    months = companion_months(companion=companion, months=6)
    context = {
        "companion": companion,
        "months": months,
        "most": max((m.visits for m in months), default=0),
        "open": list(followups_open(user=user, companion_id=companion.pk)[:10]),
        "can_close": followup_closable(user=user),
        "done_form": FollowUpDoneForm(),
    }
    return render_to_string("companions/visit_companion_panel.html", context, request=request)


urlpatterns: list[URLPattern] = [
    path("visits/", visit_list_view, name="visit_list"),
    path("visits/new/", visit_new, name="visit_new"),
    path("visits/frequency/", visit_frequency, name="visit_frequency"),
    path("visits/<int:pk>/", visit_detail, name="visit_detail"),
    path("visits/<int:pk>/delete/", visit_delete_view, name="visit_delete"),
    path("follow-ups/<int:pk>/done/", followup_done_view, name="followup_done"),
]


def register_panels() -> None:
    """Sections this module adds to other pages (core.panels); called once from CompanionsConfig.ready()."""
    panels.register("group_detail", order=15, name="visits", panel=group_panel)
    panels.register("companion_detail", order=40, name="visits", panel=companion_panel)
