"""The API's flat lists and the details beside them (issue 6, API completeness): their part of the
URL-enumerating scope tests.

Which rows fill the keys of the new API paths (KEYS); the rows each bundle carries for them (add_rows, through
BUNDLE_HOOKS into bundle.extra: a scheme, the classification rubric in use, the bundle's regency and the officer
who owns the bundle's token); the reference data that is the same in every regency (UNSCOPED_BY_DESIGN: schemes,
rubrics, regions); and the paged lists, counted against the in-scope fixture (LISTS) here, as
test_url_deny_default.py does for the registry's. The lists that are not regional (reference data, one's own
tokens) are named in UNSCOPED_LISTS, for A2's check that every paged list is counted somewhere. The new endpoints
only read: nothing here for BODIES or TRACKED."""

from typing import Any

import pytest

from pendamping.accounts.models import User
from pendamping.companions.models import Participant, Placement
from pendamping.companions.models.recruitment import Application
from pendamping.core.tests.test_url_scoping import (
    BUNDLE_HOOKS,
    KEYS,
    ROLES,
    ROUTES,
    UNSCOPED_BY_DESIGN,
    Bundle,
    World,
    client_for_door,
    world,
)
from pendamping.enterprise.models import IksEntry, PeriodLock, PlanItem, Realisation, WelfareRecord
from pendamping.enterprise.services.classification import rubric_ensure_default
from pendamping.partnerships.models import Activity
from pendamping.registry.models import Membership, Scheme, Tranche

__all__ = ["LISTS", "UNSCOPED_LISTS", "world"]
pytestmark = pytest.mark.django_db

KEYS.update(
    {
        "/api/memberships/{membership_id}": {"membership_id": "membership"},
        "/api/schemes/{scheme_id}": {"scheme_id": "scheme"},
        "/api/assignments/{assignment_id}": {"assignment_id": "assignment"},
        "/api/follow-ups/{follow_up_id}": {"follow_up_id": "follow_up"},
        "/api/participants/{participant_id}": {"participant_id": "briefing_participant"},
        "/api/appraisal-rubrics/{rubric_id}": {"rubric_id": "appraisal_rubric"},
        "/api/classification-rubrics/{rubric_id}": {"rubric_id": "classification_rubric"},
        "/api/regions/{code}": {"code": "region"},
        "/api/users/{user_id}": {"user_id": "officer"},
    }
)

_REFERENCE = (ROLES, "the office's rules and the region table are the same in every regency: not scoped")
UNSCOPED_BY_DESIGN.update(
    {
        "/api/schemes/{scheme_id}": _REFERENCE,
        "/api/appraisal-rubrics/{rubric_id}": _REFERENCE,
        "/api/classification-rubrics/{rubric_id}": _REFERENCE,
        "/api/regions/{code}": _REFERENCE,
    }
)

# API list -> (model, lookup of the row's regency), for test_url_deny_default.LISTS (A2).
LISTS: dict[str, tuple[Any, str]] = {
    "/api/memberships": (Membership, "group__regency_id"),
    "/api/tranches": (Tranche, "grant__group__regency_id"),
    "/api/applications": (Application, "regency_id"),
    "/api/placements": (Placement, "companion__regency_id"),
    "/api/participants": (Participant, "companion__regency_id"),
    "/api/plan-items": (PlanItem, "grant__group__regency_id"),
    "/api/realisations": (Realisation, "grant__group__regency_id"),
    "/api/iks": (IksEntry, "group__regency_id"),
    "/api/welfare": (WelfareRecord, "family__regency_id"),
    "/api/report-locks": (PeriodLock, "regency_id"),
    "/api/activities": (Activity, "agreement__regency_id"),
}
# Paged lists that are not regional: reference data (the same for everyone) and one's own tokens. The admins'
# lists (/api/users, /api/audit-entries) answer every regional role 403.
UNSCOPED_LISTS = {"/api/schemes", "/api/appraisal-rubrics", "/api/classification-rubrics", "/api/regions"}
UNSCOPED_LISTS |= {"/api/me/tokens"}


def add_rows(bundle: Bundle) -> None:
    """Reference rows named without the bundle's tag (every regency sees them), and the token's owner."""
    code = bundle.group.regency_id
    scheme, _created = Scheme.objects.get_or_create(name=f"Skema {code}", defaults={"min_members": 5})
    bundle.extra.update(
        scheme=scheme,
        classification_rubric=rubric_ensure_default(),
        region=bundle.group.regency,
        officer=bundle.token.user,
    )


BUNDLE_HOOKS.append(add_rows)


def test_the_maps_name_existing_routes() -> None:
    names = {route.name for route in ROUTES}
    assert set(LISTS) <= names and names >= UNSCOPED_LISTS
    assert {path for path in UNSCOPED_BY_DESIGN if path.startswith("/api/")} <= names


@pytest.mark.parametrize("role", ["surabaya_officer", "auditor"])
@pytest.mark.parametrize("path", LISTS)
def test_flat_lists_count_exactly_the_in_scope_fixture(
    path: str, role: str, world: World, request: pytest.FixtureRequest
) -> None:
    model, regency = LISTS[path]
    mine = set(model.objects.filter(**{regency: "35.78"}).values_list("pk", flat=True))
    assert mine, f"the fixture has nothing for {path}"
    client, away = client_for_door(request.getfixturevalue(role), "api"), world.away
    forgeries: dict[str, dict[str, Any]] = {
        "no filter": {},
        "Malang regency": {"regency": "35.07"},
        "Malang rows": {"group_id": away.group.pk, "grant_id": away.grant.pk, "companion_id": away.companion.pk},
        "Malang agreement": {"agreement_id": away.agreement.pk, "family_id": away.family.pk},
        "ordered": {"ordering": "-id"},
    }
    for forgery, params in forgeries.items():
        response = client.get(path, {**params, "page_size": 100})
        assert response.status_code == 200, (forgery, response.content)
        body = response.json()
        rows = {row["id"] for row in body["items"]}
        assert body["count"] == len(rows), forgery
        assert rows in ([mine] if forgery in ("no filter", "ordered") else [set(), mine]), forgery


def test_a_companion_sees_only_their_own_rows_in_the_flat_lists(world: World, companion_user: User) -> None:
    client, home = client_for_door(companion_user, "api"), world.home
    memberships = {row["id"] for row in client.get("/api/memberships").json()["items"]}
    assert memberships == set(home.group.memberships.values_list("pk", flat=True))
    assert client.get(f"/api/assignments/{home.assignment.pk}").status_code == 200
    assert client.get(f"/api/assignments/{world.away.assignment.pk}").status_code == 404
    iks = client.get("/api/iks").json()["items"]
    assert {row["group_id"] for row in iks} == {home.group.pk}


def test_the_admins_lists_turn_every_regional_role_away(world: World, request: pytest.FixtureRequest) -> None:
    for role in ROLES:
        client = client_for_door(request.getfixturevalue(role), "api")
        assert client.get("/api/users").status_code == 403, role
        assert client.get("/api/audit-entries").status_code == 403, role
        assert client.get(f"/api/users/{world.home.officer.pk}").status_code == 404, role
