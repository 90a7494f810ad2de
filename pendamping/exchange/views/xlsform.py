"""Pages: the offline forms (XLSForm) a user may download for ODK Collect or KoboCollect, and their downloads."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pendamping.accounts.web import require
from pendamping.core.web import found
from pendamping.exchange.xlsform import FormFile, FormUnavailable, form_catalogue, form_download, instrument_download
from pendamping.regions.forms import regency_choices

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE = "exchange/xlsform/list.html"


def attachment(file: FormFile) -> HttpResponse:
    response = HttpResponse(file.content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file.file_name}"'
    response["X-Form-Version"] = file.version
    return response


def _page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    context: dict[str, Any] = {
        "catalogue": form_catalogue(user=request.user),
        "regencies": regency_choices(request.user),
        "regency": request.GET.get("regency", ""),
        "error": error,
    }
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_GET
def form_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "xlsform.download")
    return _page(request)


@login_required
@require_GET
def form_file(request: HttpRequest, form: str) -> HttpResponse:
    """The visits or reports form; `?regency=` narrows the KUBE listed (for an admin's province-wide list)."""
    require(request.user, "xlsform.download")
    try:
        return attachment(form_download(user=request.user, form=form, regency=request.GET.get("regency", "")))
    except FormUnavailable as exc:
        return _page(request, error=str(exc), status=404)


@login_required
@require_GET
def instrument_file(request: HttpRequest, version_id: int) -> HttpResponse:
    """A survey instrument version's form; `?study=` makes it for one study (its waves only)."""
    study = request.GET.get("study")
    try:
        return attachment(found(instrument_download, user=request.user, version_id=version_id, study_id=study))
    except FormUnavailable as exc:
        return _page(request, error=str(exc), status=404)
