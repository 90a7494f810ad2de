"""Pages: the monthly UEP reports — the list, a month's timeliness (on time, late, missing), entering and
editing a report on a phone, one report, locking a regency's month, and the reports panel of the KUBE page."""

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pendamping.accounts.permissions import can
from pendamping.accounts.web import history_for, require
from pendamping.core import panels
from pendamping.core.pagination import paginate
from pendamping.core.web import add_service_errors, found, querystring, wants_partial
from pendamping.enterprise.forms.reports import (
    MONEY_FIELDS,
    PeriodLockForm,
    ReportFilterForm,
    ReportForm,
    TimelinessForm,
)
from pendamping.enterprise.selectors.reports import (
    ReportFilters,
    add_months,
    group_reports,
    is_late,
    parse_month,
    period_is_locked,
    report_for,
    report_list,
    report_of_month,
    report_settings,
    report_timeliness,
    this_month,
)
from pendamping.enterprise.services.reports import period_lock, period_unlock, report_submit, report_update
from pendamping.registry.selectors import group_get


def _month_or(value: Any, default: dt.date) -> dt.date:
    try:
        return parse_month(value) if value else default
    except ValidationError:
        return default


def _month_name(month: dt.date) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def _fetch_report(request: HttpRequest, pk: int) -> Any:
    """The report if the user may see it; out of scope is indistinguishable from absent (404)."""
    return found(report_for, user=request.user, pk=pk)


@login_required
@require_GET
def report_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "registry.view")
    form = ReportFilterForm(request.GET, user=request.user)
    qs = report_list(user=request.user, filters=ReportFilters.from_params(request.GET))
    page = paginate(qs, page=request.GET.get("page"))
    config = report_settings()
    context = {
        "form": form,
        "page": page,
        "rows": [(report, is_late(report, config)) for report in page.items],
        "querystring": querystring(request),
    }
    template = "enterprise/report_list.html#results" if wants_partial(request) else "enterprise/report_list.html"
    return render(request, template, context)


def _timeliness_form(request: HttpRequest) -> TimelinessForm:
    """Last month (the one whose reports are coming due) and its missing KUBE, unless the user asks otherwise."""
    data = request.GET.copy()
    data.setdefault("period", f"{add_months(this_month(), -1):%Y-%m}")
    data.setdefault("status", "missing")
    return TimelinessForm(data, user=request.user)


@login_required
@require_GET
def report_timeliness_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "registry.view")
    form = _timeliness_form(request)
    chosen = form.cleaned_data if form.is_valid() else {}
    period = _month_or(chosen.get("period"), add_months(this_month(), -1))
    regency, status = chosen.get("regency") or None, chosen.get("status", "missing")
    timeliness = report_timeliness(user=request.user, period=period, regency=regency, status=status)
    context = {
        "form": form,
        "t": timeliness,
        "page": paginate(timeliness.rows, page=request.GET.get("page")),
        "querystring": querystring(request),
        "can_lock": can(request.user, "report.lock"),
        "can_submit": can(request.user, "report.submit"),
    }
    partial = wants_partial(request)
    return render(request, f"enterprise/report_timeliness.html{'#results' if partial else ''}", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest, pk: int) -> HttpResponse:
    group = found(group_get, user=request.user, pk=pk)
    require(request.user, "report.submit")
    month = _month_or(request.GET.get("period"), this_month())
    form = ReportForm(request.POST or None, initial={"period": f"{month:%Y-%m}"})
    if form.is_valid():
        try:
            report = report_submit(actor=request.user, group=group, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The report for %(month)s was saved.") % {"month": _month_name(report.period)})
            return redirect("enterprise:report_detail", pk=report.pk)
    shown = _month_or(form.data.get("period"), month) if form.is_bound else month
    context = {"form": form, "group": group, "report": None, "existing": report_of_month(group=group, period=shown)}
    return render(request, "enterprise/report_form.html", context)


def _initial(report: Any) -> dict[str, Any]:
    """The stored figures as people type them: 1.250.000."""
    initial = {k: getattr(report, k) for k in ("members_active", "meetings_held", "problems", "version")}
    return initial | {k: f"{getattr(report, k):,}".replace(",", ".") for k in MONEY_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _fetch_report(request, pk)
    require(request.user, "report.submit")
    form = ReportForm(request.POST or None, initial=_initial(report), editing=True)
    if form.is_valid():
        data = form.service_data()
        try:
            report_update(actor=request.user, report=report, version=data.pop("version"), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)  # a stale version too: the user's figures stay in the form
        else:
            messages.success(request, _("The report for %(month)s was saved.") % {"month": _month_name(report.period)})
            return redirect("enterprise:report_detail", pk=report.pk)
    locked = period_is_locked(regency_code=report.group.regency_id, period=report.period)
    context = {"form": form, "group": report.group, "report": report, "locked": locked}
    return render(request, "enterprise/report_form.html", context)


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _fetch_report(request, pk)
    require(request.user, "registry.view")
    config = report_settings()
    entry = getattr(report, "iks_entry", None)  # the report's IKS ledger line, if any was collected
    context = {
        "report": report,
        "group": report.group,
        "late": is_late(report, config),
        "due": config.due_date(report.period),
        "locked": period_is_locked(regency_code=report.group.regency_id, period=report.period),
        "can_submit": can(request.user, "report.submit"),
        "history": history_for(request.user, report, related=[entry] if entry else []),
    }
    return render(request, "enterprise/report_detail.html", context)


def _lock_action(request: HttpRequest, *, lock: bool) -> HttpResponse:
    require(request.user, "report.lock")
    form = PeriodLockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a regency and a month."))
        return redirect("enterprise:report_timeliness")
    code, period = form.cleaned_data["regency"], form.cleaned_data["period"]
    try:
        (period_lock if lock else period_unlock)(actor=request.user, regency_code=code, period=period)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        done = _("%(month)s is locked.") if lock else _("%(month)s is unlocked.")
        messages.success(request, done % {"month": _month_name(parse_month(period))})
    back = urlencode({"period": period, "regency": code, "status": request.POST.get("status", "missing")})
    return redirect(f"{reverse('enterprise:report_timeliness')}?{back}")


@login_required
@require_POST
def period_lock_view(request: HttpRequest) -> HttpResponse:
    return _lock_action(request, lock=True)


@login_required
@require_POST
def period_unlock_view(request: HttpRequest) -> HttpResponse:
    return _lock_action(request, lock=False)


def reports_panel(request: HttpRequest, group: Any) -> str:
    """The KUBE page's last 12 months: figures, late and missing months, and the way to enter this month's."""
    user = request.user
    if not can(user, "registry.view"):
        return ""
    rows = group_reports(group=group, months=12)
    context = {
        "group": group,
        "rows": rows,
        "can_submit": can(user, "report.submit"),
        "this_month": this_month(),
        "has_this_month": bool(rows) and rows[0].period == this_month() and rows[0].report is not None,
    }
    return render_to_string("enterprise/_report_panel.html", context, request=request)


urlpatterns: list[URLPattern] = [
    path("reports/", report_list_view, name="report_list"),
    path("reports/timeliness/", report_timeliness_view, name="report_timeliness"),
    path("groups/<int:pk>/reports/new/", report_new, name="report_new"),
    path("reports/<int:pk>/", report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", report_edit, name="report_edit"),
    path("reports/locks/", period_lock_view, name="period_lock"),
    path("reports/locks/unlock/", period_unlock_view, name="period_unlock"),
]


def register_panels() -> None:
    """Sections this module adds to other apps' pages (core.panels); called once from EnterpriseConfig.ready()."""
    panels.register("group_detail", order=10, name="reports", panel=reports_panel)
