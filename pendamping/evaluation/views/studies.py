"""Study pages: the list (only the studies the user is named on) and a study's detail."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pendamping.accounts.permissions import can
from pendamping.core.pagination import paginate
from pendamping.core.web import querystring, wants_partial
from pendamping.evaluation import selectors
from pendamping.evaluation.forms import StudyFilterForm
from pendamping.evaluation.views._common import fetch_study, require_any

READ = ("evaluation.view", "evaluation.respond")


@login_required
@require_GET
def study_list(request: HttpRequest) -> HttpResponse:
    require_any(request.user, *READ)
    form = StudyFilterForm(request.GET)
    params = form.cleaned_data if form.is_valid() else {}
    qs = selectors.study_list(user=request.user, status=params.get("status", ""), q=params.get("q", ""))
    context = {
        "form": form,
        "page": paginate(qs, page=request.GET.get("page"), page_size=request.GET.get("page_size")),
        "querystring": querystring(request),
        "can_manage": can(request.user, "evaluation.manage"),
    }
    template = "evaluation/study_list.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


@login_required
@require_GET
def study_detail(request: HttpRequest, pk: int) -> HttpResponse:
    study = fetch_study(request, pk)
    require_any(request.user, *READ)
    user = request.user
    identities = selectors.identities_visible(user)
    completeness = selectors.study_completeness(user=user, study=study)
    names = {r.pk: (r.companion.name if r.companion else r.external_name) for r in
             selectors.study_respondents(user=user, study=study)} if identities else {}  # fmt: skip
    context = {
        "study": study,
        "arms": selectors.study_arms(study=study),
        "waves": selectors.study_waves(study=study),
        "completeness": completeness,
        "rows": [(row, names.get(row.respondent_id, "")) for row in completeness.rows],
        "identities": identities,
        "latest": selectors.analysis_list(user=user, study=study).first(),
        "can_analyse": can(user, "evaluation.analyse"),
        "can_manage": can(user, "evaluation.manage"),
        "can_respond": can(user, "evaluation.respond"),
    }
    return render(request, "evaluation/study_detail.html", context)
