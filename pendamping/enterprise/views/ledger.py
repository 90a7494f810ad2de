"""Pages: ledger (filled in by its issue-4 part)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []


def register_panels() -> None:
    """Sections this module adds to other apps' pages (core.panels); called once from EnterpriseConfig.ready()."""
