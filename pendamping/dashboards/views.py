from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pendamping.accounts.web import require
from pendamping.dashboards.choropleth import choropleth
from pendamping.dashboards.regency_map import INDICATORS, regency_board_href, regency_href, regency_values
from pendamping.dashboards.selectors import home_summary


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role's landing page: what is in their scope, and where to go next."""
    return render(request, "dashboards/home.html", {"summary": home_summary(user=request.user)})


@login_required
@require_GET
def regency_map(request: HttpRequest) -> HttpResponse:
    """The 38 kabupaten/kota coloured by an indicator; a click opens the list behind a regency's number."""
    require(request.user, "dashboard.view")
    indicator = INDICATORS.get(request.GET.get("indicator", ""), INDICATORS["families"])
    values = regency_values(user=request.user, indicator=indicator)
    # A click on a regency drills down to its dashboard; the table's numbers open the list behind them.
    drawn = choropleth(title=str(indicator.title), values=values, href=regency_board_href)
    lists = regency_href(indicator)
    rows = [(area, lists(area.code)) for area in drawn.areas]
    context = {"map": drawn, "rows": rows, "indicators": INDICATORS.values(), "chosen": indicator}
    return render(request, "dashboards/regency_map.html", context)
