"""Entering answers: the phone form of one respondent in one wave, and importing a responses file."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pendamping.accounts.web import require
from pendamping.core.web import add_service_errors
from pendamping.evaluation import selectors, services
from pendamping.evaluation.engine.io import parse_responses
from pendamping.evaluation.forms import AnswerForm, ImportForm
from pendamping.evaluation.views._common import fetch_study


def _respondent_and_wave(request: HttpRequest, study: Any, rid: int, wid: int) -> tuple[Any, Any]:
    try:
        respondent = selectors.respondent_get(user=request.user, study=study, pk=rid)
    except ObjectDoesNotExist:
        raise Http404 from None
    wave = next((w for w in selectors.study_waves(study=study) if w.pk == wid), None)
    if wave is None:
        raise Http404
    return respondent, wave


@login_required
@require_http_methods(["GET", "POST"])
def response_form(request: HttpRequest, pk: int, rid: int, wid: int) -> HttpResponse:
    study = fetch_study(request, pk)
    respondent, wave = _respondent_and_wave(request, study, rid, wid)
    require(request.user, "evaluation.respond")
    aspects = selectors.instrument_aspects(instrument=study.instrument)
    stored = selectors.respondent_answers(respondent=respondent, wave=wave)
    initial = {f"item_{i.pk}": stored.get(i.code) for a in aspects for i in a.items.all()}
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        aspects=aspects,
        initial={**initial, "submission_key": uuid.uuid4().hex},
    )
    if form.is_valid():
        try:
            key = form.cleaned_data["submission_key"]
            services.responses_record(
                actor=request.user, respondent=respondent, wave=wave, answers=form.answers(), submission_key=key
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The answers were saved."))
            return redirect("evaluation:study_detail", pk=study.pk)
    context = {"study": study, "respondent": respondent, "wave": wave, "form": form}
    return render(request, "evaluation/response_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def response_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a file: a preview of its problems (nothing written); confirm: the import, all or nothing."""
    study = fetch_study(request, pk)
    require(request.user, "evaluation.manage")
    form = ImportForm(request.POST or None, request.FILES or None)
    preview, content = None, ""
    if form.is_valid():
        content = form.cleaned_data["content"]
        preview = services.import_preview(actor=request.user, study=study, content=content)
        if preview.ok and request.POST.get("confirm"):
            parsed = parse_responses(content, name="responses.csv")
            try:
                done = services.responses_import(
                    actor=request.user, study=study, answers=parsed.answers, rows=parsed.rows
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(n)d answers were imported.") % {"n": done.created})
                return redirect("evaluation:study_detail", pk=study.pk)
    context = {"study": study, "form": form, "preview": preview, "content": content}
    return render(request, "evaluation/response_import.html", context)
