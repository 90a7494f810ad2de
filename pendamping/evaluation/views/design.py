"""Designing a study: creating it, putting companions in its arms (by hand, at random stratified by regency,
or matching controls), its baseline balance, and opening or closing it for answers."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pendamping.accounts.web import require
from pendamping.core.web import add_service_errors
from pendamping.evaluation import selectors, services
from pendamping.evaluation.forms import AssignForm, StudyForm
from pendamping.evaluation.views._common import fetch_study


@login_required
@require_http_methods(["GET", "POST"])
def study_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "evaluation.manage")
    form = StudyForm(request.POST or None, instruments=selectors.instrument_list(user=request.user))
    if form.is_valid():
        try:
            study = services.study_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The study was created."))
            return redirect("evaluation:study_assign", pk=study.pk)
    return render(request, "evaluation/study_form.html", {"form": form})


def _assign(actor: Any, study: Any, data: dict[str, Any]) -> int:
    """Apply the chosen design; returns how many respondents were added."""
    people, mode, seed = list(data["companions"]), data["mode"], data["seed"]
    if mode == "randomise":
        return len(services.study_design_randomise(actor=actor, study=study, companions=people, seed=seed).added)
    if mode == "match":
        return len(services.study_design_match(actor=actor, study=study, candidates=people, seed=seed).added)
    return len(services.study_assign_respondents(actor=actor, study=study, arm=mode, companions=people))


@login_required
@require_http_methods(["GET", "POST"])
def study_assign(request: HttpRequest, pk: int) -> HttpResponse:
    study = fetch_study(request, pk)
    require(request.user, "evaluation.manage")
    free = selectors.companion_model().objects.visible_to(request.user).exclude(study_respondents__study=study)
    form = AssignForm(request.POST or None, companions=free.select_related("regency").order_by("regency", "name"))
    if form.is_valid():
        try:
            added = _assign(request.user, study, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"candidates": "companions"})
        else:
            messages.success(request, _("%(n)d respondents were added.") % {"n": added})
            return redirect("evaluation:study_assign", pk=study.pk)
    context = {"study": study, "form": form, "arms": selectors.study_arms(study=study),
               "balance": selectors.study_balance(study=study)}  # fmt: skip
    return render(request, "evaluation/study_assign.html", context)


@login_required
@require_POST
def study_status(request: HttpRequest, pk: int) -> HttpResponse:
    study = fetch_study(request, pk)
    require(request.user, "evaluation.manage")
    try:
        services.study_set_status(actor=request.user, study=study, status=request.POST.get("status", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("evaluation:study_detail", pk=study.pk)
