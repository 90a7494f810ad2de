"""The pages of the core app: the user guide, reached from the help menu."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pendamping.core.guide import PAGES, guide_page, guide_slug


@login_required
@require_GET
def guide(request: HttpRequest) -> HttpResponse:
    """?halaman=<page> picks a page; without it, the page for the user's role."""
    slug = guide_slug(asked=request.GET.get("halaman", ""), role=getattr(request.user, "role", ""))
    context = {"page": guide_page(slug), "pages": PAGES, "slug": slug}
    return render(request, "core/guide.html", context, status=200 if context["page"] else 404)
