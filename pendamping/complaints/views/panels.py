"""Sections on other apps' pages: the complaints about a KUBE (its page) and about a companion (theirs)."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from pendamping.accounts.permissions import can
from pendamping.complaints.selectors import complaints_about_companion, complaints_about_group
from pendamping.core import panels


def _render(request: HttpRequest, complaints: list[Any], *, heading_id: str) -> str:
    today = timezone.localdate()
    context = {"rows": [(c, c.is_overdue(today)) for c in complaints], "heading_id": heading_id}
    return render_to_string("complaints/panel.html", context, request=request)


def group_panel(request: HttpRequest, group: Any) -> str:
    """The page fetched the KUBE in the user's scope; the complaints are scoped again (companions see none)."""
    if not can(request.user, "complaint.view"):
        return ""
    return _render(request, complaints_about_group(user=request.user, group=group), heading_id="complaints-group")


def companion_panel(request: HttpRequest, companion: Any) -> str:
    if not can(request.user, "complaint.view"):
        return ""
    rows = complaints_about_companion(user=request.user, companion=companion)
    return _render(request, rows, heading_id="complaints-companion")


def register_panels() -> None:
    """Called once from ComplaintsConfig.ready()."""
    panels.register("group_detail", order=50, name="complaints", panel=group_panel)
    panels.register("companion_detail", order=50, name="complaints", panel=companion_panel)
