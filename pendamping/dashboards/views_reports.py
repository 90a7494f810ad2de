"""Report pages: ask for one (it is made by a task; the page polls its progress), the list of one's reports,
and the download."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pendamping.accounts.web import require
from pendamping.core.web import wants_partial
from pendamping.dashboards.forms import ReportForm
from pendamping.dashboards.period import QUARTER, YEAR, parse_period, period_of
from pendamping.dashboards.selectors import PROVINCE_QUARTER, REGENCY_MONTH, report_get, reports_of
from pendamping.dashboards.services import report_request


def _initial(request: HttpRequest) -> dict[str, str]:
    """From a dashboard's link: its area and period, turned into what a report of that area takes."""
    period = parse_period(request.GET.get("period"))
    code = request.GET.get("area", "")[:13]
    if len(code) == 5:
        return {"kind": REGENCY_MONTH, "area": code, "period": f"{period.report_month():%Y-%m}"}
    quarter = period_of(QUARTER, period.start if period.kind != YEAR else period.last_day)
    return {"kind": PROVINCE_QUARTER, "period": quarter.key}


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "report.make")
    form = ReportForm(request.POST or None, user=request.user, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = report_request(
                actor=request.user,
                kind=data["kind"],
                area_code=data["area"],
                period=data["period"].strip(),
                fmt=data["format"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The report is being made; this page shows its progress."))
            return redirect("dashboards:report_detail", pk=report.pk)
    reports = reports_of(user=request.user)
    return render(request, "dashboards/report_new.html", {"form": form, "reports": reports})


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _fetch(request, pk)
    require(request.user, "report.make")
    context = {"report": report, "running": report.is_running}
    template = "dashboards/report_detail.html"
    if not (wants_partial(request) and request.GET.get("poll")):
        return render(request, template, context)
    response = render(request, f"{template}#status", context)
    if not report.is_running:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    report = _fetch(request, pk, with_content=True)
    require(request.user, "report.make")
    if not report.is_done:
        raise Http404
    response = HttpResponse(bytes(report.content), content_type=report.content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.file_name}"'
    return response


def _fetch(request: HttpRequest, pk: int, *, with_content: bool = False) -> Any:
    try:
        return report_get(user=request.user, pk=pk, with_content=with_content)
    except ObjectDoesNotExist:
        raise Http404 from None
