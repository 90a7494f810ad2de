"""Grant use (RAB, realisation) and tranche approval: its part of the URL-enumerating scope tests.

Which rows fill the keys of its pages and API paths (KEYS), valid bodies for its API writes (BODIES), the rows
each bundle carries (add_rows, through BUNDLE_HOOKS into bundle.extra), its models in the unchanged-database
check (TRACKED) and its admin pages (ADMIN_MODELS: none, the grant use rows have no admin pages).

The bundle's tranche (TrancheFactory) awaits approval and was entered by nobody (the system), so the admin's
control run and the Surabaya officer's control in A4 may approve it (or withdraw it) once."""

from pendamping.core.tests.test_url_scoping import BODIES, BUNDLE_HOOKS, KEYS, TRACKED, Bundle
from pendamping.enterprise.models import PlanItem, Realisation
from pendamping.enterprise.tests.factories import PlanItemFactory, RealisationFactory

__all__: list[str] = []

_GRANT, _TRANCHE = {"pk": "grant"}, {"pk": "tranche"}
KEYS.update(
    {
        "registry:tranche_approve": _TRANCHE,
        "registry:tranche_delete": _TRANCHE,
        **{f"enterprise:{view}": _GRANT for view in ("grant_use", "plan_item_add", "realisation_add")},
        "enterprise:plan_item_delete": {"pk": "plan_item"},
        "enterprise:realisation_delete": {"pk": "realisation"},
        "/api/tranches/{tranche_id}": {"tranche_id": "tranche"},
        "/api/tranches/{tranche_id}/approve": {"tranche_id": "tranche"},
        **{f"/api/grants/{{grant_id}}/{sub}": {"grant_id": "grant"} for sub in ("plan", "realisations", "use")},
        "/api/plan-items/{item_id}": {"item_id": "plan_item"},
        "/api/realisations/{realisation_id}": {"realisation_id": "realisation"},
    }
)

BODIES.update(
    {
        ("POST", "/api/tranches/{tranche_id}/approve"): lambda b: {},
        ("POST", "/api/grants/{grant_id}/plan"): lambda b: {
            "description": "Pakan ternak",
            "unit": "karung",
            "quantity": 2,
            "unit_price": "150.000",
        },
        ("PATCH", "/api/plan-items/{item_id}"): lambda b: {"description": "Kambing betina"},
        ("POST", "/api/grants/{grant_id}/realisations"): lambda b: {
            "spent_on": "2024-04-01",
            "amount": "250.000",
            "description": "Pakan",
            "receipt_ref": "NOTA-9",
            "plan_item_id": b.plan_item.pk,
        },
    }
)

TRACKED.extend([PlanItem, Realisation])


def add_rows(bundle: Bundle) -> None:
    """A RAB line and a purchase outside it (so the line, with nothing spent on it, may be deleted)."""
    bundle.extra["plan_item"] = PlanItemFactory(grant=bundle.grant, description=f"{bundle.tag} Kambing bibit")
    bundle.extra["realisation"] = RealisationFactory(grant=bundle.grant, description=f"{bundle.tag} Kandang")


BUNDLE_HOOKS.append(add_rows)
