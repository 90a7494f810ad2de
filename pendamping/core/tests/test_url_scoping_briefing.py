"""The companion model's briefing step: its part of the URL-enumerating scope tests.

Which rows fill the keys of its pages and API paths (KEYS), valid bodies for its API writes (BODIES), the rows
each bundle carries (add_rows, through BUNDLE_HOOKS into bundle.extra), its models in the unchanged-database
check (TRACKED) and its admin pages (ADMIN_MODELS)."""

from pendamping.core.tests.test_url_scoping import BUNDLE_HOOKS, Bundle

__all__: list[str] = []


def add_rows(bundle: Bundle) -> None:
    """Rows of this step for one bundle, each carrying bundle.tag in its names (none yet)."""


BUNDLE_HOOKS.append(add_rows)
