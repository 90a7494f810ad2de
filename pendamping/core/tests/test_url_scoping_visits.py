"""The companion model's visits step: its part of the URL-enumerating scope tests.

Which rows fill the keys of its pages and API paths (KEYS), valid bodies for its API writes (BODIES), the rows
each bundle carries (add_rows, through BUNDLE_HOOKS into bundle.extra), its models in the unchanged-database
check (TRACKED) and its admin pages (ADMIN_MODELS: none, visits have no admin page).

Each bundle's companion has visited the bundle's active KUBE on 10 May 2024 (its problems name the bundle) and
set a follow-up due at the end of June. The bodies record a visit on 1 June 2024 and close the follow-up that
day: valid for either bundle, so the admin's control run reaches every write. Recording a visit is the
companions' and the admins' (visit.record): A4's control for it runs as the admin (ADMIN_WRITES). The API lists
of this step are counted against the in-scope fixture below (LISTS), as test_url_deny_default.py does for the
registry's."""

import datetime as dt

import pytest

from pendamping.accounts.models import User
from pendamping.companions.models import Companion, FollowUp, Visit
from pendamping.companions.services.visits import visit_record
from pendamping.core.tests.test_url_scoping import (
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
from pendamping.registry.models import Group

__all__ = ["ADMIN_WRITES", "LISTS", "world"]

_VISIT, _FOLLOW_UP = {"pk": "visit"}, {"pk": "follow_up"}
KEYS.update(
    {
        "companions:visit_detail": _VISIT,
        "companions:visit_delete": _VISIT,
        "companions:followup_done": _FOLLOW_UP,
        "/api/visits/{visit_id}": {"visit_id": "visit"},
        "/api/follow-ups/{follow_up_id}/done": {"follow_up_id": "follow_up"},
        "/api/companions/{companion_id}/suggested-groups": {"companion_id": "companion"},
    }
)

BODIES.update(
    {
        ("POST", "/api/visits"): lambda b: {
            "group_id": b.group.pk,
            "companion_id": b.companion.pk,
            "on": "2024-06-01",
            "roles": ["motivator", "facilitator"],
            "topics": ["bookkeeping"],
            "members_present": 5,
            "problems": "uji",
            "follow_ups": [{"action": "Cek buku kas", "due_on": "2024-06-15"}],
        },
        ("POST", "/api/follow-ups/{follow_up_id}/done"): lambda b: {"done_on": "2024-06-01", "note": "selesai"},
    }
)

TRACKED.extend([Visit, FollowUp])

# For test_url_deny_default.py (asked of the lead): A4's write whose control runs as the admin, and A2's lists.
ADMIN_WRITES = {("POST", "/api/visits")}
LISTS = {
    "/api/visits": (Visit, "regency_id"),
    "/api/follow-ups": (FollowUp, "visit__regency_id"),  # the bundles' follow-ups are all open
    "/api/visits/frequency": (Companion, "regency_id"),  # every companion in scope, whatever their status
    "/api/visits/frequency/groups": (Group, "regency_id"),
}


def add_rows(bundle: Bundle) -> None:
    """A visit by the bundle's companion to its active KUBE, with an open follow-up, both naming the bundle."""
    visit = visit_record(
        actor=None,
        companion=bundle.companion,
        group=bundle.group,
        on=dt.date(2024, 5, 10),
        roles=["resource"],
        topics=["marketing"],
        topic_other=f"Pemasaran {bundle.tag}",
        members_present=4,
        problems=f"{bundle.tag} kesulitan pemasaran",
        follow_ups=[(f"Tindak lanjut {bundle.tag}", dt.date(2024, 6, 30))],
    )
    bundle.extra.update(visit=visit, follow_up=visit.follow_ups.get())


BUNDLE_HOOKS.append(add_rows)


def test_the_lists_name_existing_routes() -> None:
    assert set(LISTS) <= {route.name for route in ROUTES}
    assert {path for _, path in ADMIN_WRITES} <= {route.name for route in ROUTES}


@pytest.mark.parametrize("role", ["surabaya_officer", "auditor"])
@pytest.mark.parametrize("path", LISTS)
def test_visit_lists_count_exactly_the_in_scope_fixture(
    path: str, role: str, world: World, request: pytest.FixtureRequest
) -> None:
    model, regency = LISTS[path]
    mine = set(model.objects.filter(**{regency: "35.78"}).values_list("pk", flat=True))
    assert mine, f"the fixture has nothing for {path}"
    client = client_for_door(request.getfixturevalue(role), "api")
    away = world.away
    forgeries = {
        "no filter": {},
        "Malang filters": {"regency": "35.07", "q": away.tag[1:], "group_id": away.group.pk},
        "Malang companion": {"regency": "35.07", "companion_id": away.companion.pk},
    }
    for forgery, params in forgeries.items():
        body = client.get(path, params).json()
        rows = {row["id"] for row in body["items"]}
        assert body["count"] == len(rows), forgery
        assert rows in ([set(), mine] if forgery != "no filter" else [mine]), forgery


def test_a_companion_lists_their_own_visits_and_follow_ups_only(world: World, companion_user: User) -> None:
    client = client_for_door(companion_user, "api")
    home = world.home

    assert [row["id"] for row in client.get("/api/visits").json()["items"]] == [home.visit.pk]
    assert [row["id"] for row in client.get("/api/follow-ups").json()["items"]] == [home.follow_up.pk]
    assert client.get(f"/api/visits/{world.away.visit.pk}").status_code == 404
