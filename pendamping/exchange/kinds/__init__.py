"""The import kinds, by name (`pendamping import_data KIND FILE`)."""

from importlib import import_module

from pendamping.exchange.kinds.base import ImportKind

# name -> module holding `KIND`; imported on first use so a kind's app is loaded only when needed.
MODULES = {
    "families": "families",
    "groups": "groups",
    "grants": "grants",
    "companions": "companions",
    "reports": "reports",
    "responses": "responses",
    "visits": "visits",
}


def get_kind(name: str) -> ImportKind:
    if name not in MODULES:
        raise KeyError(name)
    return import_module(f"pendamping.exchange.kinds.{MODULES[name]}").KIND


def kind_names() -> list[str]:
    return list(MODULES)
