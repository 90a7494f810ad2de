from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pendamping.dashboards.selectors import home_summary


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role's landing page: what is in their scope, and where to go next."""
    return render(request, "dashboards/home.html", {"summary": home_summary(user=request.user)})
