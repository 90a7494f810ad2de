"""Analysis pages: run one (queued; the page polls its progress), its result, and its downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_GET, require_POST

from pendamping.accounts.web import require
from pendamping.core.web import wants_partial
from pendamping.evaluation import services
from pendamping.evaluation.selectors.pages import DOWNLOADS, analysis_download, analysis_page
from pendamping.evaluation.views._common import fetch_analysis, fetch_study


@login_required
@require_POST
def analysis_run(request: HttpRequest, pk: int) -> HttpResponse:
    study = fetch_study(request, pk)
    require(request.user, "evaluation.analyse")
    try:
        analysis = services.analysis_request(actor=request.user, study=study, lang=translation.get_language())
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("evaluation:study_detail", pk=study.pk)
    return redirect("evaluation:analysis_detail", pk=analysis.pk)


@login_required
@require_GET
def analysis_detail(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = fetch_analysis(request, pk)
    require(request.user, "evaluation.view")
    lang = (translation.get_language() or "id")[:2]
    context = {
        "analysis": analysis,
        "study": analysis.study,
        "page": analysis_page(analysis=analysis, lang=lang),
        "running": analysis.is_running,
        "downloads": list(DOWNLOADS),
    }
    template = "evaluation/analysis_detail.html"
    if not (wants_partial(request) and request.GET.get("poll")):
        return render(request, template, context)
    response = render(request, f"{template}#status", context)
    if not context["running"]:
        response["HX-Refresh"] = "true"  # finished: reload the whole page to show the result
    return response


@login_required
@require_GET
def analysis_file(request: HttpRequest, pk: int) -> HttpResponse:
    """?file= one of DOWNLOADS (results.json when not given), built on request."""
    analysis = fetch_analysis(request, pk)
    name = request.GET.get("file", "results.json")
    require(request.user, "evaluation.view")
    if name not in DOWNLOADS or not analysis.is_done or not analysis.result:
        raise Http404
    response = HttpResponse(analysis_download(analysis=analysis, name=name), content_type=DOWNLOADS[name])
    response["Content-Disposition"] = f'attachment; filename="analysis-{analysis.pk}-{name}"'
    return response
