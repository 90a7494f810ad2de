"""The companion model's appraisal step: its part of the URL-enumerating scope tests.

Which rows fill the keys of its pages and API paths (KEYS), valid bodies for its API writes (BODIES), the rows
each bundle carries (add_rows, through BUNDLE_HOOKS into bundle.extra), its models in the unchanged-database
check (TRACKED) and its admin pages (ADMIN_MODELS).

Each bundle's companion (active) has a draft appraisal for 2024 Q2 under the default rubric, every rated indicator
rated 3. Its details hold rubric labels and numbers only: nothing personal. The bodies start 2024 Q3, rate and
finalise the draft: valid for either bundle, so the admin's control run reaches every write.

The list, headline and coaching pages and GET /api/appraisals, /headline and /coaching take no key: A2
(test_url_deny_default.py) crawls them with forged filters. /api/appraisals is a paged list: test_url_deny_default.py
counts it against the in-scope fixture (LISTS below); the test below counts it with the appraisal filters too."""

import datetime as dt

import pytest

from pendamping.accounts.models import User
from pendamping.companions.models import Appraisal, AppraisalIndicator, AppraisalRubric, Companion, Rating
from pendamping.companions.services.appraisal import appraisal_rate, appraisal_start, rubric_ensure_default
from pendamping.core.tests.test_url_scoping import (
    ADMIN_MODELS,
    BODIES,
    BUNDLE_HOOKS,
    KEYS,
    ROUTES,
    TRACKED,
    Bundle,
    World,
    client_for_door,
    world,
)

__all__ = ["LISTS", "world"]  # the fixture, shared with test_url_scoping.py

_APPRAISAL = {"pk": "appraisal"}
_API = {"appraisal_id": "appraisal"}
KEYS.update(
    {
        "companions:appraisal_detail": _APPRAISAL,
        "companions:appraisal_rate": _APPRAISAL,
        "companions:appraisal_finalise": _APPRAISAL,
        "/api/appraisals/{appraisal_id}": _API,
        "/api/appraisals/{appraisal_id}/ratings": _API,
        "/api/appraisals/{appraisal_id}/finalise": _API,
    }
)


def _rated(b: Bundle) -> dict[str, int]:
    return {str(pk): 4 for pk in b.appraisal_rubric.indicators.exclude(role="data").values_list("pk", flat=True)}


BODIES.update(
    {
        ("POST", "/api/appraisals"): lambda b: {"companion_id": b.companion.pk, "period": "2024Q3"},
        ("POST", "/api/appraisals/{appraisal_id}/ratings"): lambda b: {
            "version": b.appraisal.version,
            "ratings": _rated(b),
        },
        ("POST", "/api/appraisals/{appraisal_id}/finalise"): lambda b: {"version": b.appraisal.version},
    }
)
TRACKED.extend([Appraisal, Rating, AppraisalRubric, AppraisalIndicator])
ADMIN_MODELS.update({"companions/appraisalrubric": "appraisal_rubric"})

# API list -> (model, lookup of the row's regency), for test_url_deny_default.LISTS (A2).
LISTS = {"/api/appraisals": (Appraisal, "regency_id")}


def add_rows(bundle: Bundle) -> None:
    """A draft 2024 Q2 appraisal of the bundle's (active) companion, every rated indicator rated 3."""
    rubric = rubric_ensure_default()
    Companion.objects.filter(pk=bundle.companion.pk).update(status=Companion.Status.ACTIVE)
    bundle.companion.refresh_from_db()
    appraisal = appraisal_start(actor=None, companion=bundle.companion, period=dt.date(2024, 4, 1))
    rated = rubric.indicators.exclude(role="data").values_list("pk", flat=True)
    appraisal = appraisal_rate(
        actor=None, appraisal=appraisal, ratings={pk: 3 for pk in rated}, version=appraisal.version
    )
    bundle.extra.update(appraisal=appraisal, appraisal_rubric=rubric)


BUNDLE_HOOKS.append(add_rows)


def test_the_lists_name_existing_routes() -> None:
    assert set(LISTS) <= {route.name for route in ROUTES}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["surabaya_officer", "auditor"])
def test_the_appraisal_list_counts_exactly_the_in_scope_fixture(
    role: str, world: World, request: pytest.FixtureRequest
) -> None:
    mine = set(Appraisal.objects.filter(regency_id="35.78").values_list("pk", flat=True))
    assert mine
    client = client_for_door(request.getfixturevalue(role), "api")
    away = world.away
    forgeries = {
        "no filter": {},
        "Malang filters": {"regency": "35.07", "q": away.tag[1:], "companion_id": away.companion.pk},
        "Malang quarter and status": {"regency": "35.07", "period": "2024Q2", "status": "draft"},
    }
    for forgery, params in forgeries.items():
        body = client.get("/api/appraisals", params).json()
        rows = {row["id"] for row in body["items"]}
        assert body["count"] == len(rows), forgery
        assert rows in ([set(), mine] if forgery != "no filter" else [mine]), forgery


@pytest.mark.django_db
def test_a_companion_may_not_read_appraisals_even_their_own(world: World, companion_user: User) -> None:
    """appraisal.view is the office's (admins, officers, auditors): a companion is told no, not shown a list."""
    client = client_for_door(companion_user, "api")
    for path in ("/api/appraisals", f"/api/appraisals/{world.home.appraisal.pk}", "/api/appraisals/headline"):
        assert client.get(path).status_code == 403, path
