"""Agreement pages: list, detail (KUBE covered, activities, history), create and edit. The KUBE picker is the
form's own partial: choosing the regency or typing in its search box reloads only the KUBE choices (htmx)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pendamping.accounts.permissions import can
from pendamping.accounts.web import history_for, require
from pendamping.core.pagination import paginate
from pendamping.core.web import add_service_errors, querystring, wants_partial
from pendamping.partnerships import services
from pendamping.partnerships.forms import ActivityForm, AgreementFilterForm, AgreementForm, agreement_initial
from pendamping.partnerships.selectors import (
    AgreementFilters,
    agreement_activities,
    agreement_groups,
    agreement_list,
    groups_offered,
    partner_choices,
    partner_get,
)
from pendamping.partnerships.views._common import fetch_agreement

FORM = "partnerships/agreement_form.html"
ALIASES = {"regency_code": "regency"}


@login_required
@require_GET
def agreement_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "partnership.view")
    form = AgreementFilterForm(request.GET, user=request.user)
    qs = agreement_list(user=request.user, filters=AgreementFilters.from_params(request.GET))
    context = {
        "form": form,
        "page": paginate(qs, page=request.GET.get("page"), page_size=request.GET.get("page_size")),
        "querystring": querystring(request),
        "can_change": can(request.user, "partnership.change"),
        "today": timezone.localdate(),
    }
    template = "partnerships/agreement_list.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


def detail_context(request: HttpRequest, agreement: Any, **extra: Any) -> dict[str, Any]:
    groups = list(agreement_groups(agreement=agreement))
    activities = list(agreement_activities(agreement=agreement))
    may = can(request.user, "partnership.change")
    return {
        "agreement": agreement,
        "groups": groups,
        "activities": activities,
        "activity_total": sum(a.value for a in activities),
        "activity_form": ActivityForm(groups=groups) if may else None,
        "history": history_for(request.user, agreement, related=activities),
        "can_change": may,
        "today": timezone.localdate(),
        **extra,
    }


@login_required
@require_GET
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = fetch_agreement(request, pk)
    require(request.user, "partnership.view")
    return render(request, "partnerships/agreement_detail.html", detail_context(request, agreement))


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values[:500] if v.isdigit() and len(v) < 19]


def _group_q(request: HttpRequest) -> str:
    """The KUBE picker's search box."""
    source = request.POST if request.method == "POST" else request.GET
    return str(source.get("group_q", "")).strip()[:60]


def _offered(request: HttpRequest, regency: str, chosen: list[int]) -> list[Any]:
    if not regency:
        return []
    return groups_offered(user=request.user, regency_code=regency, q=_group_q(request), chosen=chosen)


def _choices_partial(request: HttpRequest, form: AgreementForm, regency: str) -> HttpResponse:
    """Only the KUBE choices, for the picker's htmx requests."""
    return render(request, f"{FORM}#group_choices", {"form": form, "regency": regency})


def _create_initial(request: HttpRequest, data: QueryDict) -> dict[str, Any]:
    """A new agreement's form, prefilled from the links that lead to it (a partner's page, a KUBE's panel)."""
    codes = request.user.regency_codes if not request.user.is_province_admin else []  # type: ignore[union-attr]
    regency = data.get("regency") or (codes[0] if len(codes) == 1 else "")
    return {"partner": data.get("partner", ""), "regency": regency, "groups": _ids(data.getlist("groups"))}


def _partner(request: HttpRequest, pk: Any) -> Any:
    try:
        return partner_get(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise ValidationError({"partner": _("No such partner (or not in your area).")}) from None


def _save_new(request: HttpRequest, form: AgreementForm) -> Any:
    data = form.service_data()
    partner = _partner(request, data.pop("partner"))
    return services.agreement_create(actor=request.user, partner=partner, **data)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "partnership.change")
    initial = _create_initial(request, request.POST if request.method == "POST" else request.GET)
    regency, chosen = str(initial["regency"]), initial["groups"]
    kwargs: dict[str, Any] = {"user": request.user, "partners": partner_choices(user=request.user)}
    kwargs["offered"] = _offered(request, regency, chosen)
    if request.method == "GET" and wants_partial(request):
        return _choices_partial(request, AgreementForm(initial=initial, **kwargs), regency)
    form = AgreementForm(request.POST or None, initial=initial, **kwargs)
    if form.is_valid():
        try:
            agreement = _save_new(request, form)
        except ValidationError as exc:
            add_service_errors(form, exc, aliases=ALIASES)
        else:
            messages.success(request, _("The agreement was recorded."))
            return redirect("partnerships:agreement_detail", pk=agreement.pk)
    context = {"form": form, "agreement": None, "regency": regency, "group_q": _group_q(request)}
    return render(request, FORM, context)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = fetch_agreement(request, pk)
    require(request.user, "partnership.change")
    current = [g.pk for g in agreement_groups(agreement=agreement)]
    initial = agreement_initial(agreement, current)
    source = request.POST if request.method == "POST" else request.GET
    chosen = _ids(source.getlist("groups")) if request.method == "POST" or wants_partial(request) else current
    kwargs: dict[str, Any] = {"user": request.user, "offered": _offered(request, agreement.regency_id, chosen)}
    if request.method == "GET" and wants_partial(request):
        return _choices_partial(request, AgreementForm(initial={**initial, "groups": chosen}, **kwargs), "")
    form = AgreementForm(request.POST or None, initial=initial, **kwargs)
    if form.is_valid():
        try:
            services.agreement_update(actor=request.user, agreement=agreement, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc, aliases=ALIASES)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("partnerships:agreement_detail", pk=agreement.pk)
    context = {"form": form, "agreement": agreement, "regency": agreement.regency_id, "group_q": _group_q(request)}
    return render(request, FORM, context)
