"""The companion model's recruitment step: its part of the URL-enumerating scope tests.

Which rows fill the keys of its pages and API paths (KEYS), valid bodies for its API writes (BODIES), the rows
each bundle carries (add_rows, through BUNDLE_HOOKS into bundle.extra), its models in the unchanged-database
check (TRACKED). The recruitment models have no admin pages.

A call belongs to the province: an officer sees every call with a quota in their regency, whatever else it
recruits for. So each bundle has calls of its own with only its regency's quota, and the calls carry no tag
(their titles are public on the open-calls page); the applicants do: `entry` in the open `call`, and
`application` in `screening_call`, which is in screening so that it can be decided.

The public application form of an open call is everyone's by design (UNSCOPED_BY_DESIGN): A1 only checks there
that nothing changes. For test_url_deny_default.py (it reads no module of this step yet; asked of the lead):
LISTS, A2's paged API list counted by regency, and ADMIN_WRITES, A4's writes that are the admins'
(recruitment.manage), whose control runs as the admin. Both are checked here meanwhile."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from pendamping.companions.models import Application, ApplicationScore, Call, CallQuota, Criterion
from pendamping.companions.services.recruitment import application_enter, call_create, call_set_status
from pendamping.core.tests.test_url_scoping import (
    BODIES,
    BUNDLE_HOOKS,
    KEYS,
    ROLES,
    TRACKED,
    UNSCOPED_BY_DESIGN,
    Bundle,
    World,
    client_for_door,
    send,
    snapshot,
    world,
)
from pendamping.core.tests.test_url_scoping import ROUTES as ALL_ROUTES
from pendamping.registry.tests.factories import nik_for

__all__ = ["ADMIN_WRITES", "LISTS", "world"]
pytestmark = pytest.mark.django_db

_CALL, _APPLICATION = {"pk": "call"}, {"pk": "application"}
_CALL_VIEWS = ("call_detail", "call_edit", "call_status", "criterion_edit", "application_list")
KEYS.update(
    {
        **{f"companions:{view}": _CALL for view in (*_CALL_VIEWS, "application_create", "applications_rank")},
        "companions:public_apply": _CALL,
        "companions:criterion_delete": {"pk": "call", "cid": "criterion"},
        **{f"companions:{view}": _APPLICATION for view in ("application_detail", "application_score")},
        "companions:application_decide": _APPLICATION,
        **{f"/api/calls/{{call_id}}{sub}": {"call_id": "call"} for sub in ("", "/status", "/applications", "/rank")},
        **{f"/api/applications/{{application_id}}{sub}": {"application_id": "application"} for sub in ("", "/scores")},
        "/api/applications/{application_id}/decision": {"application_id": "application"},
    }
)
UNSCOPED_BY_DESIGN["companions:public_apply"] = (ROLES, "the public application form of an open call is everyone's")


def _today(days: int = 0) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


BODIES.update(
    {
        ("POST", "/api/calls"): lambda b: {
            "title": "Rekrutmen baru",
            "opens_on": _today(),
            "closes_on": _today(30),
            "quotas": {b.group.regency_id: 2},
        },
        ("PATCH", "/api/calls/{call_id}"): lambda b: {"version": b.call.version, "title": "Judul baru"},
        ("POST", "/api/calls/{call_id}/status"): lambda b: {"status": "screening", "version": b.call.version},
        ("POST", "/api/calls/{call_id}/applications"): lambda b: {
            "regency_code": b.group.regency_id,
            "nik": nik_for(b.family.desa, 9985),
            "name": "Pelamar Baru",
            "phone": "081234560000",
            "education": "s1",
            "home_desa_code": b.family.desa_id,
            "experience_years": 3,
            "motivation": "Ingin mendampingi kelompok usaha di desa sendiri.",
        },
        ("POST", "/api/calls/{call_id}/rank"): lambda b: {"regency_code": b.group.regency_id},
        ("POST", "/api/applications/{application_id}/scores"): lambda b: {
            "criterion_id": b.application.call.criteria.get(kind="interview").pk,
            "value": 80,
        },
        ("POST", "/api/applications/{application_id}/decision"): lambda b: {
            "decision": "accepted",
            "reason": "Memenuhi syarat",
            "version": b.application.version,
        },
    }
)

TRACKED.extend([Call, CallQuota, Criterion, Application, ApplicationScore])

# For test_url_deny_default.py: A2's paged list (model, lookup of the row's regency) and A4's admin-only writes.
LISTS = {"/api/calls": (Call, "quotas__regency_id")}
ADMIN_WRITES = {
    ("POST", "/api/calls"),
    ("PATCH", "/api/calls/{call_id}"),
    ("POST", "/api/calls/{call_id}/status"),
    ("POST", "/api/applications/{application_id}/decision"),
}


def _call(bundle: Bundle, title: str) -> Call:
    today = timezone.localdate()
    call = call_create(
        actor=None,
        title=title,
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=20),
        quotas={bundle.group.regency_id: 2},
    )
    return call_set_status(actor=None, call=call, status="open")


def _applicant(bundle: Bundle, call: Call, n: int, name: str) -> Application:
    return application_enter(
        actor=None,
        call=call,
        regency_code=bundle.group.regency_id,
        nik=nik_for(bundle.family.desa, n),
        name=name,
        phone="081298760000",
        education="sma",
        home_desa_code=bundle.family.desa_id,
        motivation=f"{bundle.tag}: ingin membantu kelompok usaha bersama.",
    )


def add_rows(bundle: Bundle) -> None:
    """An open call with an applicant, and a call in screening with an applicant to decide (their names and
    motivations carry the tag); `criterion` is the open call's written test."""
    call = _call(bundle, "Rekrutmen pendamping terbuka")
    entry = _applicant(bundle, call, 9980, f"{bundle.tag} Pendaftar")
    screening_call = _call(bundle, "Rekrutmen pendamping seleksi")
    application = _applicant(bundle, screening_call, 9981, f"{bundle.tag} Pelamar")
    screening_call = call_set_status(actor=None, call=screening_call, status="screening")
    call.refresh_from_db()
    application.refresh_from_db()
    bundle.extra.update(
        call=call,
        entry=entry,
        criterion=call.criteria.get(kind="written"),
        screening_call=screening_call,
        application=application,
    )


BUNDLE_HOOKS.append(add_rows)


# --- A2 and A4 of this step, until test_url_deny_default.py reads LISTS and ADMIN_WRITES -------------------


def test_the_maps_name_existing_routes() -> None:
    names = {route.name for route in ALL_ROUTES}
    assert set(LISTS) <= names and {path for _method, path in ADMIN_WRITES} <= names


@pytest.mark.parametrize("role", ["surabaya_officer", "auditor"])
def test_the_call_list_counts_exactly_the_in_scope_calls(role: str, world: World, request: Any) -> None:
    mine = set(Call.objects.filter(quotas__regency_id="35.78").values_list("pk", flat=True))
    assert len(mine) == 2
    client = client_for_door(request.getfixturevalue(role), "api")
    away = world.away
    for params in ({}, {"regency": "35.07", "q": away.tag[1:]}, {"q": "Rekrutmen pendamping"}, {"page_size": "100000"}):
        response = client.get("/api/calls", params)
        if response.status_code == 400:
            continue  # refused outright: nothing returned
        body = response.json()
        rows = {row["id"] for row in body["items"]}
        assert body["count"] == len(rows), params
        # A Malang filter applies (nothing) or is ignored (the whole scope); it never reaches past the scope.
        assert rows in ([set(), mine] if params else [mine]), params


@pytest.mark.parametrize(("method", "path"), sorted(ADMIN_WRITES))
def test_admin_writes_refuse_extra_fields(method: str, path: str, world: World, admin: Any) -> None:
    from pendamping.core.tests.test_url_deny_default import EXTRAS

    route = next(route for route in ALL_ROUTES if route.name == path)
    home = world.home
    base = BODIES[(method, path)](home)
    url = route.url(**{key: getattr(home, attr).pk for key, attr in KEYS.get(path, {}).items()})
    client, before = client_for_door(admin, "api"), snapshot()
    for field, value in EXTRAS.items():
        if field not in base:
            response = send(client, route, method, url, {**base, field: value})
            assert response.status_code == 400 and field in response.json()["error"]["fields"], field
    if "version" in base:
        assert send(client, route, method, url, {**base, "version": base["version"] + 41}).status_code == 409
    assert snapshot() == before
    assert send(client, route, method, url, base).status_code in (200, 201)
