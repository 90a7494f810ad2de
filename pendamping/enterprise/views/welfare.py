"""The welfare change list: member families with their income and welfare decile at joining and now."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from pendamping.accounts.web import require
from pendamping.core.pagination import paginate
from pendamping.core.web import querystring, wants_partial
from pendamping.enterprise.forms.welfare import WelfareChangeFilterForm
from pendamping.enterprise.selectors.welfare import WelfareFilters, welfare_change_list


@login_required
@require_GET
def welfare_list_view(request: HttpRequest) -> HttpResponse:
    # The rows behind the dashboards' family figures: for those who read the dashboards, in their regencies.
    require(request.user, "dashboard.view")
    qs = welfare_change_list(user=request.user, filters=WelfareFilters.from_params(request.GET))
    context = {
        "form": WelfareChangeFilterForm(request.GET, user=request.user),
        "page": paginate(qs, page=request.GET.get("page"), page_size=request.GET.get("page_size")),
        "querystring": querystring(request),
    }
    template = "enterprise/welfare_list.html"
    return render(request, f"{template}#results" if wants_partial(request) else template, context)


urlpatterns: list[URLPattern] = [path("welfare/", welfare_list_view, name="welfare_list")]
