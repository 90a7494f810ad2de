"""The possible duplicates (exchange app): their part of the URL-enumerating scope tests.

Which rows fill the keys of the pages and API paths (KEYS), valid bodies for the API writes (BODIES), the rows each
bundle carries (add_rows, through BUNDLE_HOOKS into bundle.extra), the model in the unchanged-database check
(TRACKED); no admin pages.

Each bundle carries two open flags in its regency: its family (in no KUBE) and a second registration of it with the
same KK number and a similar name ("duplicate"), and its companion against that family ("companion_duplicate": the
companion does not accompany a KUBE of the family, so resolving it is valid). The bodies dismiss the first, merge
it keeping the bundle's family, and resolve the second: valid for either bundle, so the admin's control run reaches
every write. Reviewing is the admins' and officers' (duplicate.review): an auditor is turned away (403), so the API
list is counted here for the officer only (LISTS; not test_url_deny_default.py's LISTS, which counts for the
auditor too)."""

from typing import Any

import pytest

from pendamping.accounts.models import User
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
from pendamping.exchange.models import PossibleDuplicate
from pendamping.registry.tests.factories import FamilyFactory

__all__ = ["LISTS", "world"]

API = "/api/exchange/duplicates/{duplicate_id}"
_FLAG = {"pk": "duplicate"}
KEYS.update(
    {
        "exchange:duplicate_detail": _FLAG,
        "exchange:duplicate_merge": _FLAG,
        "exchange:duplicate_dismiss": _FLAG,
        "exchange:duplicate_resolve": {"pk": "companion_duplicate"},
        API: {"duplicate_id": "duplicate"},
        f"{API}/dismiss": {"duplicate_id": "duplicate"},
        f"{API}/merge": {"duplicate_id": "duplicate"},
        f"{API}/resolve": {"duplicate_id": "companion_duplicate"},
    }
)

BODIES.update(
    {
        ("POST", f"{API}/dismiss"): lambda b: {"note": "bukan keluarga yang sama"},
        ("POST", f"{API}/merge"): lambda b: {"keep_id": b.family.pk},
        ("POST", f"{API}/resolve"): lambda b: {"note": "penugasan sudah diperbaiki"},
    }
)

TRACKED.extend([PossibleDuplicate])

# The API list, counted against the in-scope fixture below for the officer (an auditor may not review).
LISTS = {"/api/exchange/duplicates": (PossibleDuplicate, "regency_id")}


def add_rows(bundle: Bundle) -> None:
    """A second registration of the bundle's family (same KK, the tag in its name), flagged; and the bundle's
    companion flagged against the family."""
    family = bundle.family
    twin = FamilyFactory(
        desa=family.desa, regency=family.regency, kk_number=family.kk_number, head_name=f"{bundle.tag} Keluarga Dua"
    )
    here = {"regency_id": family.regency_id, "score": 0.9}
    bundle.extra["duplicate"] = PossibleDuplicate.objects.create(
        reason="kk_name", first_id=min(family.pk, twin.pk), second_id=max(family.pk, twin.pk), **here
    )
    bundle.extra["companion_duplicate"] = PossibleDuplicate.objects.create(
        reason="companion_member", first_id=bundle.companion.pk, second_id=family.pk, **here
    )


BUNDLE_HOOKS.append(add_rows)


def test_the_lists_name_existing_routes() -> None:
    assert set(LISTS) <= {route.name for route in ROUTES}


@pytest.mark.parametrize("path", LISTS)
def test_duplicate_lists_count_exactly_the_in_scope_fixture(path: str, world: World, surabaya_officer: User) -> None:
    model, regency = LISTS[path]
    mine = set(model.objects.filter(**{regency: "35.78"}).values_list("pk", flat=True))
    assert len(mine) == 2, f"the fixture has not its two flags for {path}"
    client = client_for_door(surabaya_officer, "api")
    forgeries = {
        "no filter": {},
        "every status": {"status": "all"},
        "Malang filters": {"regency": "35.07", "q": world.away.tag[1:], "status": "all"},
        "one reason": {"reason": "kk_name", "regency": "35.07"},
    }
    for forgery, params in forgeries.items():
        body = client.get(path, params).json()
        rows = {row["id"] for row in body["items"]}
        assert body["count"] == len(rows), forgery
        expected = {world.home.duplicate.pk} if forgery == "one reason" else mine
        assert rows == expected, forgery


@pytest.mark.parametrize("role", ["auditor", "companion_user"])
def test_roles_that_do_not_review_get_no_duplicate_list(role: str, world: World, request: Any) -> None:
    client = client_for_door(request.getfixturevalue(role), "api")

    assert client.get("/api/exchange/duplicates").status_code == 403
