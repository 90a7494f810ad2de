"""The partnerships app: its part of the URL-enumerating scope tests.

Which rows fill the keys of its pages and API paths (KEYS), valid bodies for its API writes (BODIES), the rows
each bundle carries (add_rows, through BUNDLE_HOOKS into bundle.extra), its models in the unchanged-database
check (TRACKED) and its admin pages (ADMIN_MODELS).

Each bundle gets a partner of its own regency, an agreement covering its active KUBE and an activity, all named
with the bundle's tag. Province-wide partners (no regency) are seen by every officer and auditor by design, so
none carries a tag here; their visibility has tests of its own (pendamping/partnerships/tests/test_selectors.py).
A2's API lists of this app are checked below against the in-scope fixture (LISTS), as test_url_deny_default.py
does for the registry's."""

import datetime as dt

import pytest
from django.utils import timezone

from pendamping.accounts.models import User
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
from pendamping.partnerships.models import Activity, Agreement, Partner
from pendamping.partnerships.tests.factories import ActivityFactory, AgreementFactory, PartnerFactory

__all__ = ["world"]

_PARTNER, _AGREEMENT, _ACTIVITY = {"pk": "partner"}, {"pk": "agreement"}, {"pk": "activity"}
KEYS.update(
    {
        **{f"partnerships:{view}": _PARTNER for view in ("partner_detail", "partner_edit")},
        **{f"partnerships:{view}": _AGREEMENT for view in ("agreement_detail", "agreement_edit", "activity_add")},
        "partnerships:activity_delete": _ACTIVITY,
        "/api/partners/{partner_id}": {"partner_id": "partner"},
        "/api/agreements/{agreement_id}": {"agreement_id": "agreement"},
        "/api/agreements/{agreement_id}/activities": {"agreement_id": "agreement"},
        "/api/activities/{activity_id}": {"activity_id": "activity"},
    }
)

BODIES.update(
    {
        ("POST", "/api/partners"): lambda b: {
            "name": "Mitra Baru",
            "type": "private",
            "regency_code": b.group.regency_id,
        },
        ("PATCH", "/api/partners/{partner_id}"): lambda b: {"version": b.partner.version, "sector": "kuliner"},
        ("POST", "/api/agreements"): lambda b: {
            "partner_id": b.partner.pk,
            "regency_code": b.group.regency_id,
            "title": "Perjanjian baru",
            "group_ids": [b.group.pk],
            "scopes": ["training"],
            "start_on": "2024-01-01",
            "end_on": "2025-12-31",
        },
        ("PATCH", "/api/agreements/{agreement_id}"): lambda b: {"version": b.agreement.version, "title": "Judul baru"},
        ("POST", "/api/agreements/{agreement_id}/activities"): lambda b: {
            "on": "2024-06-01",
            "description": "Kegiatan baru",
            "value": "1.000.000",
            "group_id": b.group.pk,
        },
    }
)

TRACKED.extend([Partner, Agreement, Agreement.groups.through, Activity])
ADMIN_MODELS.update(
    {
        "partnerships/partner": "partner",
        "partnerships/agreement": "agreement",
        "partnerships/activity": "activity",
    }
)


def add_rows(bundle: Bundle) -> None:
    """A partner of the bundle's regency, an agreement with it covering the bundle's active KUBE and running
    today, and an activity for that KUBE; each carrying bundle.tag in its names."""
    regency = bundle.group.regency
    partner = PartnerFactory(name=f"Mitra {bundle.tag}", regency=regency, contact_name=f"{bundle.tag} Kontak")
    agreement = AgreementFactory(
        partner=partner,
        regency=regency,
        title=f"Perjanjian {bundle.tag}",
        document_ref=f"PKS/{bundle.tag}",
        start_on=dt.date(2024, 1, 1),
        end_on=timezone.localdate() + dt.timedelta(days=365),
        groups=[bundle.group],
    )
    activity = ActivityFactory(
        agreement=agreement, group=bundle.group, on=dt.date(2024, 5, 1), description=f"Kegiatan {bundle.tag}"
    )
    bundle.extra.update(partner=partner, agreement=agreement, activity=activity)


BUNDLE_HOOKS.append(add_rows)

# API list -> (model, lookup of the row's regency), for test_url_deny_default.LISTS (A2: the lists count exactly
# the in-scope fixture). The bundles hold no province-wide partner, so the regency lookup is the whole scope.
LISTS = {"/api/partners": (Partner, "regency_id"), "/api/agreements": (Agreement, "regency_id")}


def test_the_lists_name_existing_routes() -> None:
    assert set(LISTS) <= {route.name for route in ROUTES}


@pytest.mark.parametrize("role", ["surabaya_officer", "auditor"])
@pytest.mark.parametrize("path", LISTS)
def test_partnership_lists_count_exactly_the_in_scope_fixture(
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
        "Malang partner": {"partner_id": away.partner.pk},
    }
    for forgery, params in forgeries.items():
        body = client.get(path, params).json()
        rows = {row["id"] for row in body["items"]}
        assert body["count"] == len(rows), forgery
        assert rows in ([set(), mine] if forgery != "no filter" else [mine]), forgery


def test_a_companion_lists_the_partnership_of_their_kube_only(world: World, companion_user: User) -> None:
    client = client_for_door(companion_user, "api")
    home = world.home

    assert {row["id"] for row in client.get("/api/partners").json()["items"]} == {home.partner.pk}
    assert {row["id"] for row in client.get("/api/agreements").json()["items"]} == {home.agreement.pk}
    activities = client.get(f"/api/agreements/{home.agreement.pk}/activities").json()
    assert [row["id"] for row in activities] == [home.activity.pk]
