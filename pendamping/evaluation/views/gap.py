"""The model gap analysis: assessments (province-wide ratings of the model, no personal data, read by every
evaluation role), one chosen with ?assessment=, and the admin's rating form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pendamping.accounts.permissions import can
from pendamping.accounts.web import require
from pendamping.core.web import add_service_errors
from pendamping.evaluation import selectors, services
from pendamping.evaluation.forms import GapAssessmentForm, GapRatingForm


@login_required
@require_GET
def gap_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "evaluation.view")
    assessments = list(selectors.gap_assessment_list(user=request.user))
    wanted = request.GET.get("assessment", "")
    chosen = next((a for a in assessments if str(a.pk) == wanted), assessments[0] if assessments else None)
    context = {
        "assessments": assessments,
        "chosen": chosen,
        "summary": selectors.gap_summary(assessment=chosen) if chosen else None,
        "can_manage": can(request.user, "evaluation.manage"),
        "rating_form": GapRatingForm(initial={"assessment": chosen.pk}) if chosen else None,
        "create_form": GapAssessmentForm(),
    }
    return render(request, "evaluation/gap.html", context)


@login_required
@require_http_methods(["POST"])
def gap_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "evaluation.manage")
    form = GapAssessmentForm(request.POST)
    if form.is_valid():
        try:
            assessment = services.gap_assessment_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(reverse("evaluation:gap") + f"?assessment={assessment.pk}")
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("evaluation:gap")


@login_required
@require_http_methods(["POST"])
def gap_rate(request: HttpRequest) -> HttpResponse:
    require(request.user, "evaluation.manage")
    form = GapRatingForm(request.POST)
    assessment = None
    if form.is_valid():
        assessment = selectors.gap_assessment_list(user=request.user).filter(pk=form.cleaned_data["assessment"]).first()
    if assessment is None:
        messages.error(request, _("Choose a rating from 1 to 5 for each column of an existing assessment."))
        return redirect("evaluation:gap")
    data = {k: v for k, v in form.cleaned_data.items() if k != "assessment"}
    try:
        services.gap_rating_set(actor=request.user, assessment=assessment, **data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The rating was saved."))
    return redirect(reverse("evaluation:gap") + f"?assessment={assessment.pk}")
