"""Sections that a higher app adds to a lower app's page (the KUBE page shows the business reports of the
enterprise app, which the registry may not import). An app registers a panel in its AppConfig.ready(); the
page renders whatever is registered for its slot, in order. A panel returns "" when it has nothing to show."""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[HttpRequest, Any], str]
_PANELS: dict[str, list[tuple[int, str, Panel]]] = defaultdict(list)


def register(slot: str, *, order: int, name: str, panel: Panel) -> None:
    """Idempotent by name: a reloaded app config does not add the same panel twice."""
    entries = [entry for entry in _PANELS[slot] if entry[1] != name]
    _PANELS[slot] = sorted([*entries, (order, name, panel)], key=lambda entry: (entry[0], entry[1]))


def render(slot: str, request: HttpRequest, obj: Any) -> list[SafeString]:
    """The panels' HTML; each panel renders a template (autoescaped), so marking the result safe is sound."""
    rendered = (panel(request, obj) for _order, _name, panel in _PANELS[slot])
    return [mark_safe(html) for html in rendered if html]  # noqa: S308  # nosec B308 B703
