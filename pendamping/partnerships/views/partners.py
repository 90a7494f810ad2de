"""Partner pages: list, detail (with the partner's agreements the user sees), create, edit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pendamping.accounts.permissions import can
from pendamping.accounts.web import history_for, require
from pendamping.core.pagination import paginate
from pendamping.core.web import add_service_errors, querystring, wants_partial
from pendamping.partnerships import services
from pendamping.partnerships.forms import PartnerFilterForm, PartnerForm, partner_initial
from pendamping.partnerships.selectors import AgreementFilters, PartnerFilters, agreement_list, partner_list
from pendamping.partnerships.views._common import fetch_partner, may_change_partner

ALIASES = {"regency_code": "regency"}


@login_required
@require_GET
def partner_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "partnership.view")
    form = PartnerFilterForm(request.GET, user=request.user)
    qs = partner_list(user=request.user, filters=PartnerFilters.from_params(request.GET))
    context = {
        "form": form,
        "page": paginate(qs, page=request.GET.get("page"), page_size=request.GET.get("page_size")),
        "querystring": querystring(request),
        "can_change": can(request.user, "partnership.change"),
    }
    template = "partnerships/partner_list.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


@login_required
@require_GET
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = fetch_partner(request, pk)
    require(request.user, "partnership.view")
    agreements = agreement_list(user=request.user, filters=AgreementFilters(partner_id=partner.pk))
    context = {
        "partner": partner,
        "agreements": list(agreements),
        "history": history_for(request.user, partner),
        "can_change": may_change_partner(request.user, partner),
        "can_agree": can(request.user, "partnership.change"),
        "today": timezone.localdate(),
    }
    return render(request, "partnerships/partner_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def partner_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "partnership.change")
    form = PartnerForm(request.POST or None, user=request.user, creating=True)
    if form.is_valid():
        try:
            partner = services.partner_create(actor=request.user, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc, aliases=ALIASES)
        else:
            messages.success(request, _("Partner %(name)s was registered.") % {"name": partner.name})
            return redirect("partnerships:partner_detail", pk=partner.pk)
    return render(request, "partnerships/partner_form.html", {"form": form, "partner": None})


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partner = fetch_partner(request, pk)
    require(request.user, "partnership.change")
    form = PartnerForm(request.POST or None, initial=partner_initial(partner), user=request.user, creating=False)
    if form.is_valid():
        try:
            services.partner_update(actor=request.user, partner=partner, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc, aliases=ALIASES)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("partnerships:partner_detail", pk=partner.pk)
    return render(request, "partnerships/partner_form.html", {"form": form, "partner": partner})
