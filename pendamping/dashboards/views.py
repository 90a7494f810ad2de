from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pendamping.accounts.web import require
from pendamping.dashboards.choropleth import choropleth
from pendamping.dashboards.period import parse_period, period_choices
from pendamping.dashboards.regency_map import INDICATORS, regency_values
from pendamping.dashboards.selectors import home_summary


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role's landing page: what is in their scope, and where to go next."""
    return render(request, "dashboards/home.html", {"summary": home_summary(user=request.user)})


@login_required
@require_GET
def regency_map(request: HttpRequest) -> HttpResponse:
    """The 38 kabupaten/kota coloured by an indicator (a share for the chosen period, or a count of today)."""
    require(request.user, "dashboard.view")
    indicator = INDICATORS.get(request.GET.get("indicator", ""), INDICATORS["families"])
    found = regency_values(user=request.user, indicator=indicator, period=parse_period(request.GET.get("period")))
    # A click on a regency drills down to its dashboard; the table's numbers open the list behind them.
    drawn = choropleth(
        title=str(indicator.title),
        values=found.values,
        href=found.board_href,
        decimals=1 if indicator.unit else 0,  # shares are rounded to one decimal, like the dashboard's
        unit=indicator.unit,
    )
    rows = [(area, found.list_href(area.code)) for area in drawn.areas]
    context = {"map": drawn, "rows": rows, "indicators": INDICATORS.values(), "found": found}
    return render(request, "dashboards/regency_map.html", {**context, "periods": period_choices()})
