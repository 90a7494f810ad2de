"""Export pages: a list page's rows as CSV or XLSX (the link on each list carries the page's filters), and the
pseudonymised research export of a study. The file is the response; a refusal is a short page saying why."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pendamping.exchange.exports import list_export, research_export, retry_after, spec_for


def _refused(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "exchange/exports/refused.html", {"message": message}, status=status)


def _throttled(request: HttpRequest) -> HttpResponse | None:
    """Exports share one allowance per user with the API's (setting API_RATE_EXPORT)."""
    wait = retry_after(request)
    if wait is None:
        return None
    message = _("Too many exports in a short time. Wait %(seconds)d seconds, then try again.") % {"seconds": wait}
    response = _refused(request, message, status=429)
    response["Retry-After"] = str(wait)
    return response


@login_required
@require_GET
def export_list(request: HttpRequest, name: str) -> HttpResponseBase:
    spec_for(name)  # a list without export is a 404 before anything is counted
    if throttled := _throttled(request):
        return throttled
    try:
        return list_export(user=request.user, name=name, params=request.GET)
    except ValidationError as exc:  # an unknown ?format=
        return _refused(request, " ".join(exc.messages), status=400)


@login_required
@require_GET
def export_research(request: HttpRequest, study_id: int) -> HttpResponseBase:
    if throttled := _throttled(request):
        return throttled
    try:
        return research_export(user=request.user, study_id=study_id, params=request.GET)
    except ValidationError as exc:
        return _refused(request, " ".join(exc.messages), status=400)
