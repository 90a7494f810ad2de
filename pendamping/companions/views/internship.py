"""Internship pages: rounds (list, new, detail with the proposed matching, its scores and reasons), choosing
trainees and host KUBE, proposing, swapping and confirming (the province's admins); the trainee's logbook
(phone-first), the assessments and completion. Panels on the companion page and the KUBE page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pendamping.accounts.permissions import can
from pendamping.accounts.web import history_for, require
from pendamping.companions.forms.internship import (
    AssessmentForm,
    HostsForm,
    LogForm,
    MoveForm,
    RoundFilterForm,
    RoundForm,
    SwapForm,
    TraineesForm,
    assessment_initial,
)
from pendamping.companions.selectors.internship import (
    RoundFilters,
    companion_placements,
    eligible_trainees,
    explain,
    feasibility,
    final_score,
    group_hosted,
    host_candidates,
    my_placements,
    placement_assessments,
    placement_get,
    placement_logbook,
    round_companions,
    round_get,
    round_hosts,
    round_list,
    round_placements,
)
from pendamping.companions.services import internship as services
from pendamping.core import panels
from pendamping.core.pagination import paginate
from pendamping.core.web import add_service_errors, found, querystring, wants_partial


def _round(request: HttpRequest, pk: int, perm: str = "internship.view") -> Any:
    """The round if the user sees it (else 404, as if absent), then the role's permission (else 403)."""
    rnd = found(round_get, user=request.user, pk=pk)
    require(request.user, perm)
    return rnd


def _placement(request: HttpRequest, pk: int, perm: str = "internship.view") -> Any:
    placement = found(placement_get, user=request.user, pk=pk)
    require(request.user, perm)
    return placement


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@login_required
@require_GET
def round_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "internship.view")
    filters = RoundFilters.from_params(request.GET)
    context = {
        "form": RoundFilterForm(request.GET, user=request.user),
        "page": paginate(round_list(user=request.user, filters=filters), page=request.GET.get("page")),
        "querystring": querystring(request),
        "mine": list(my_placements(user=request.user)),
        "can_manage": can(request.user, "internship.manage"),
        "by_area": filters.area is not None,
    }
    template = "companions/internship_list.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "internship.manage")
    form = RoundForm(request.POST or None)
    if form.is_valid():
        try:
            rnd = services.round_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The round was created; now add trainees and host KUBE."))
            return redirect("companions:round_detail", pk=rnd.pk)
    return render(request, "companions/internship_round_form.html", {"form": form})


def detail_context(request: HttpRequest, rnd: Any) -> dict[str, Any]:
    placements = list(round_placements(round=rnd, user=request.user))
    return {
        "round": rnd,
        "rows": [(p, explain(p.reasons), final_score(p.assessments.all())) for p in placements],
        "total": sum(p.score or 0 for p in placements if p.host_id),
        "hosts": round_hosts(round=rnd, user=request.user),
        "feasibility": feasibility(round=rnd),
        "can_manage": can(request.user, "internship.manage"),
        "history": history_for(request.user, rnd),
        "pass_mark": services.pass_mark(),
    }


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    return render(request, "companions/internship_round.html", detail_context(request, rnd))


@login_required
@require_http_methods(["GET", "POST"])
def round_trainees(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk, "internship.manage")
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if data else None
    add = TraineesForm(
        data if action == "add" else None, choices=eligible_trainees(round=rnd), initial={"action": "add"}
    )
    remove = TraineesForm(
        data if action == "remove" else None, choices=round_companions(round=rnd), initial={"action": "remove"}
    )
    form = add if action == "add" else remove
    if data and form.is_valid():
        try:
            if action == "add":
                services.round_add_trainees(actor=request.user, round=rnd, companions=form.cleaned_data["companions"])
            else:
                services.round_remove_trainees(
                    actor=request.user, round=rnd, companions=form.cleaned_data["companions"]
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The round's trainees were saved."))
            return redirect("companions:round_detail", pk=rnd.pk)
    return render(request, "companions/internship_trainees.html", {"round": rnd, "add": add, "remove": remove})


def _save_hosts(actor: Any, rnd: Any, form: HostsForm) -> None:
    """Tick to host, untick to stop hosting, a new capacity to change it; all or nothing."""
    wanted = form.wanted()
    groups = {g.pk: g for g, _h in form.candidates}
    hosting = {g.pk for g, h in form.candidates if h is not None}
    with transaction.atomic():
        if dropped := [groups[pk] for pk in hosting - set(wanted)]:
            services.round_remove_hosts(actor=actor, round=rnd, groups=dropped)
        for pk, capacity in wanted.items():
            services.round_add_hosts(actor=actor, round=rnd, groups=[groups[pk]], capacity=capacity)


@login_required
@require_http_methods(["GET", "POST"])
def round_hosts_view(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk, "internship.manage")
    candidates = host_candidates(round=rnd)
    data = request.POST if request.method == "POST" else None  # all unticked is an empty, yet real, answer
    form = HostsForm(data, candidates=candidates, default=rnd.default_capacity)
    if form.is_valid():
        try:
            _save_hosts(request.user, rnd, form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The round's host KUBE were saved."))
            return redirect("companions:round_detail", pk=rnd.pk)
    return render(request, "companions/internship_hosts.html", {"round": rnd, "form": form})


@login_required
@require_POST
def round_propose(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk, "internship.manage")
    try:
        result = services.round_propose(actor=request.user, round=rnd, partial=request.POST.get("partial") == "1")
    except ValidationError as exc:
        _refused(request, exc)
    else:
        text = _("Matching proposed: %(placed)d of %(n)d trainees placed, total suitability %(total)s.")
        messages.success(request, text % {"placed": len(result.pairs), "n": result.trainees, "total": result.total})
    return redirect("companions:round_detail", pk=rnd.pk)


@login_required
@require_http_methods(["GET", "POST"])
def placement_swap(request: HttpRequest, pk: int) -> HttpResponse:
    """Swap the hosts of two trainees, or move one to a host with a free slot (`action` swap or move)."""
    rnd = _round(request, pk, "internship.manage")
    placements = round_placements(round=rnd, user=request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    swap = SwapForm(request.POST if action == "swap" else None, placements=placements)
    move = MoveForm(
        request.POST if action == "move" else None, placements=placements, hosts=rnd.hosts.select_related("group")
    )
    try:
        if action == "swap" and swap.is_valid():
            services.placement_swap(actor=request.user, a=swap.cleaned_data["a"], b=swap.cleaned_data["b"])
        elif action == "move" and move.is_valid():
            services.placement_move(actor=request.user, **move.cleaned_data)
        elif request.method == "POST":
            _refused(request, ValidationError(_("Choose the trainees first.")))
            return redirect("companions:placement_swap", pk=rnd.pk)
    except ValidationError as exc:
        add_service_errors(swap if action == "swap" else move, exc, aliases={"with_id": "b"})
    else:
        if action in ("swap", "move"):
            messages.success(request, _("The placements were changed."))
            return redirect("companions:round_detail", pk=rnd.pk)
    context = {"round": rnd, "swap": swap, "move": move, "rows": [(p, explain(p.reasons)) for p in placements]}
    return render(request, "companions/internship_swap.html", context)


@login_required
@require_POST
def round_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk, "internship.manage")
    version = request.POST.get("version")
    try:
        services.round_confirm(
            actor=request.user, round=rnd, version=int(version) if version and version.isdigit() else None
        )
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The round is confirmed; its trainees are interns now."))
    return redirect("companions:round_detail", pk=rnd.pk)


@login_required
@require_POST
def round_finish(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk, "internship.manage")
    try:
        services.round_finish(actor=request.user, round=rnd)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The round is finished."))
    return redirect("companions:round_detail", pk=rnd.pk)


@login_required
@require_http_methods(["GET", "POST"])
def logbook(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _placement(request, pk)
    may_write = can(request.user, "internship.log")
    form = LogForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "internship.log")
        if form.is_valid():
            try:
                services.logbook_add(actor=request.user, placement=placement, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The logbook entry was saved."))
                return redirect("companions:logbook", pk=placement.pk)
    context = {
        "placement": placement,
        "form": form,
        "entries": placement_logbook(placement=placement),
        "may_write": may_write,
    }
    return render(request, "companions/internship_logbook.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _placement(request, pk, "internship.assess")
    existing = placement_assessments(placement=placement)
    by = "officer" if request.GET.get("by") == "officer" else "ketua"
    form = AssessmentForm(request.POST or None, initial=assessment_initial(existing.get(by), by))
    if form.is_valid():
        try:
            services.assessment_record(actor=request.user, placement=placement, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The assessment was saved."))
            return redirect("companions:round_detail", pk=placement.round_id)
    context = {"placement": placement, "form": form, "existing": existing, "by": by}
    return render(request, "companions/internship_assessment.html", context)


def _decided(request: HttpRequest, done: Any) -> None:
    values = {"name": done.companion.name, "score": final_score(done.assessments.all()), "mark": services.pass_mark()}
    if done.status == done.Status.COMPLETED:
        messages.success(request, _("%(name)s completed the internship (%(score)s); an active companion now.") % values)
        return
    text = _("%(name)s did not complete the internship: final score %(score)s, below the pass mark %(mark)s.")
    messages.warning(request, f"{text % values} {_('They are a trainee again, to be placed in a later round.')}")


@login_required
@require_POST
def placement_complete(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _placement(request, pk, "internship.manage")
    try:
        done = services.placement_complete(actor=request.user, placement=placement)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        _decided(request, done)
    return redirect("companions:round_detail", pk=placement.round_id)


def companion_panel(request: HttpRequest, companion: Any) -> str:
    """The companion page: every internship round they were in, with host, logbook, assessments and status."""
    if not can(request.user, "internship.view"):
        return ""
    placements = list(companion_placements(companion=companion))
    rows = [(p, final_score(p.assessments.all())) for p in placements]
    return render_to_string("companions/internship_panel.html", {"rows": rows, "companion": companion}, request=request)


def host_panel(request: HttpRequest, group: Any) -> str:
    """The KUBE page: the internship rounds this KUBE hosted."""
    if not can(request.user, "internship.view"):
        return ""
    hosted = group_hosted(group=group, user=request.user)
    if not hosted:
        return ""
    return render_to_string("companions/internship_host_panel.html", {"hosted": hosted}, request=request)


urlpatterns: list[URLPattern] = [
    path("internship/", round_list_view, name="round_list"),
    path("internship/new/", round_create, name="round_create"),
    path("internship/<int:pk>/", round_detail, name="round_detail"),
    path("internship/<int:pk>/trainees/", round_trainees, name="round_trainees"),
    path("internship/<int:pk>/hosts/", round_hosts_view, name="round_hosts"),
    path("internship/<int:pk>/propose/", round_propose, name="round_propose"),
    path("internship/<int:pk>/swap/", placement_swap, name="placement_swap"),
    path("internship/<int:pk>/confirm/", round_confirm, name="round_confirm"),
    path("internship/<int:pk>/finish/", round_finish, name="round_finish"),
    path("internship/placements/<int:pk>/logbook/", logbook, name="logbook"),
    path("internship/placements/<int:pk>/assessment/", assessment, name="assessment"),
    path("internship/placements/<int:pk>/complete/", placement_complete, name="placement_complete"),
]


def register_panels() -> None:
    """Sections this module adds to other pages (core.panels); called once from CompanionsConfig.ready()."""
    panels.register("companion_detail", order=30, name="internship", panel=companion_panel)
    panels.register("group_detail", order=45, name="internship_host", panel=host_panel)
