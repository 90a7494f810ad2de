"""The dashboards: the province (admins; officers and auditors see their regencies' part), a regency, a
kecamatan; each for a period chosen on the page (month, quarter or year)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from pendamping.accounts.web import require
from pendamping.dashboards.area import Area, area_get, province, regencies_in_scope
from pendamping.dashboards.charts_board import board_charts
from pendamping.dashboards.period import Period, parse_period, period_choices
from pendamping.dashboards.snapshots import board_snapshot


def _render(request: HttpRequest, area: Area, period: Period) -> HttpResponse:
    board, counted_at = board_snapshot(user=request.user, area=area, period=period)
    context = {
        "board": board,
        "counted_at": counted_at,
        "charts": board_charts(board),
        "periods": period_choices(),
        "previous": period.shifted(-1),
        "next": period.shifted(1),
    }
    return render(request, "dashboards/board.html", context)


@login_required
@require_GET
def province_board(request: HttpRequest) -> HttpResponse:
    require(request.user, "dashboard.view")
    period = parse_period(request.GET.get("period"))
    regencies = list(regencies_in_scope(request.user).values_list("code", flat=True)[:2])
    if not getattr(request.user, "is_province_admin", False) and len(regencies) == 1:
        # An officer of one regency has no province to look at: their regency is their dashboard.
        return redirect(reverse("dashboards:area", args=[regencies[0]]) + f"?period={period.key}")
    return _render(request, province(), period)


@login_required
@require_GET
def area_board(request: HttpRequest, code: str) -> HttpResponse:
    try:  # out of scope is a 404 for every role, before the role is asked (A1: no hint that it exists)
        area = area_get(user=request.user, code=code)
    except ObjectDoesNotExist:
        raise Http404 from None
    require(request.user, "dashboard.view")
    return _render(request, area, parse_period(request.GET.get("period")))


@login_required
@require_POST
def board_recount(request: HttpRequest) -> HttpResponse:
    """Count a board anew now, instead of showing its kept snapshot."""
    code, period = str(request.POST.get("area", ""))[:13], parse_period(request.POST.get("period"))
    try:
        area = area_get(user=request.user, code=code) if code else province()
    except ObjectDoesNotExist:
        raise Http404 from None
    require(request.user, "dashboard.view")
    board_snapshot(user=request.user, area=area, period=period, fresh=True)
    target = reverse("dashboards:area", args=[code]) if code else reverse("dashboards:province")
    return redirect(f"{target}?period={period.key}")
