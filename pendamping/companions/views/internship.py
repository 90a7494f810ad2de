"""Pages: internship (issue 5)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []


def register_panels() -> None:
    """Sections this module adds to other pages (core.panels); called once from CompanionsConfig.ready()."""
