"""The IKS entries of every KUBE the user sees: the list behind the dashboards' IKS collected and used."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from pendamping.accounts.web import require
from pendamping.core.pagination import paginate
from pendamping.core.web import querystring, wants_partial
from pendamping.enterprise.forms.iks_entries import IksEntryFilterForm
from pendamping.enterprise.selectors.iks_entries import IksEntryFilters, iks_entry_list, iks_entry_totals


@login_required
@require_GET
def iks_entry_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "registry.view")  # as the IKS status page and each KUBE's ledger
    entries = iks_entry_list(user=request.user, filters=IksEntryFilters.from_params(request.GET))
    context = {
        "form": IksEntryFilterForm(request.GET, user=request.user),
        "page": paginate(entries, page=request.GET.get("page"), page_size=request.GET.get("page_size")),
        "totals": iks_entry_totals(entries),
        "querystring": querystring(request),
    }
    template = "enterprise/iks_entries.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


urlpatterns: list[URLPattern] = [path("iks/entries/", iks_entry_list_view, name="iks_entries")]
