"""A3, A2 and A4 (QUALITY.md) over every URL the resolver knows, with the bundles of test_url_scoping.py.

A3: every URL is either public (PUBLIC) or answers an anonymous visitor with the login (pages) or 401 (API); a
signed-in user with no role, an officer nobody gave a regency and the evaluator get 403/404/405, a redirect to
a login, or a page with none of the seeded people on it. The admin site turns the regional roles away. A2: every
page and API read, with forged filters, shows a regional role nothing of Kabupaten Malang, and the API lists
count exactly the in-scope fixture. A4: extra fields (role, regency, is_staff, …) in API bodies and page forms
are refused or ignored, and change nothing."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pendamping.accounts.models import User
from pendamping.companions.forms import companion_initial
from pendamping.companions.models import Assignment, Companion
from pendamping.complaints.models import Complaint
from pendamping.core.tests import test_url_scoping_api_lists as api_lists
from pendamping.core.tests import test_url_scoping_appraisal as appraisal
from pendamping.core.tests import test_url_scoping_briefing as briefing
from pendamping.core.tests import test_url_scoping_classification as classification
from pendamping.core.tests import test_url_scoping_duplicates as duplicates
from pendamping.core.tests import test_url_scoping_evaluation as evaluation
from pendamping.core.tests import test_url_scoping_exchange as exchange
from pendamping.core.tests import test_url_scoping_internship as internship
from pendamping.core.tests import test_url_scoping_partnerships as partnerships
from pendamping.core.tests import test_url_scoping_recruitment as recruitment
from pendamping.core.tests import test_url_scoping_visits as visits
from pendamping.core.tests.test_url_scoping import (
    BODIES,
    ROLES,
    ROUTES,
    Bundle,
    Route,
    World,
    client_for_door,
    fill,
    leaks,
    send,
    snapshot,
    world,
)
from pendamping.enterprise.models import MonthlyReport
from pendamping.registry.forms.families import family_initial
from pendamping.registry.models import Family, Grant, Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, nik_for

__all__ = ["world"]  # the fixture, shared with test_url_scoping.py
pytestmark = pytest.mark.django_db

# --- A3: deny by default -----------------------------------------------------------------------------------

# Open to anyone. Static files are served by WhiteNoise, outside the resolver.
PUBLIC = {"accounts:login", "accounts:logout", "set_language", "admin:login", "admin:logout"}
PUBLIC |= {"/api/", "/api/auth/token", "/api/openapi.json", "/api/docs"}
PUBLIC |= {"complaints:public_new", "complaints:public_status"}  # complaints from the public, behind core.antispam
PUBLIC |= {"companions:public_calls", "companions:public_apply"}  # recruitment, behind core.antispam
LOGINS = ("/accounts/login/", "/admin/login/")


def _is_login(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGINS)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_url_is_public_or_gives_a_user_without_scope_nothing(
    route: Route, world: World, norole: User, officer_without_region: User, evaluator: User
) -> None:
    url, secrets = fill(route, world.home), world.home.secrets() + world.away.secrets()
    anonymous = send(Client(), route, "GET", url)
    if route.name in PUBLIC:
        assert anonymous.status_code in (200, 302, 404, 405) and not leaks(anonymous, secrets), f"public {url}"
    else:
        if anonymous.status_code == 405:  # a POST-only view must turn an anonymous POST away too
            anonymous = send(Client(), route, "POST", url)
        turned_away = anonymous.status_code in (401, 405) if route.door == "api" else _is_login(anonymous)
        assert turned_away, (
            f"{url} answers anonymous visitors {anonymous.status_code}: require sign-in or add to PUBLIC"
        )
    for user in (norole, officer_without_region, evaluator):  # the evaluator sees pseudonymised data only
        response = send(client_for_door(user, route.door), route, "GET", url)
        status = response.status_code
        assert status in (200, 302, 403, 404, 405), f"GET {url} as {user.username}: {status}"
        assert status != 302 or _is_login(response) or route.name in PUBLIC, f"GET {url} as {user.username}: {status}"
        assert not leaks(response, secrets), f"GET {url} as {user.username} shows {leaks(response, secrets)}"


def test_every_public_url_exists() -> None:
    assert {route.name for route in ROUTES} >= PUBLIC


ADMIN_ROUTES = [route for route in ROUTES if route.door == "admin" and route.keys]


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=str)
def test_the_admin_site_turns_away_every_scoped_role(
    route: Route, world: World, request: pytest.FixtureRequest
) -> None:
    """A1 for the admin site, the provincial admins' door only: to the regional roles every object URL of it,
    for a Malang row, is the admin's login, whatever the method."""
    clients = {role: client_for_door(request.getfixturevalue(role), "admin") for role in ROLES}
    url, before = fill(route, world.away), snapshot()
    for role, client in clients.items():
        for method in ("GET", "POST"):
            response = send(client, route, method, url)
            assert response.status_code == 302, f"{method} {url} as {role}: {response.status_code}"
            assert response["Location"].startswith("/admin/login/"), f"{method} {url} as {role}"
    assert snapshot() == before


# --- A2: lists, searches and option lists with forged filters ---------------------------------------------

READS = [route for route in ROUTES if route.door == "page" or "GET" in route.methods and route.door == "api"]
# Every filter at once points at Malang, so a filter that escapes the scope shows Malang rows.
FORGED: dict[str, Callable[[Bundle], dict[str, Any]]] = {
    "no filter": lambda away: {},
    "huge page": lambda away: {"page_size": "100000", "page": "1"},
    "Malang filters": lambda away: {
        **{"regency": "35.07", "kecamatan": "35.07.01", "desa": MALANG_VILLAGE, "parent": "35.07", "blank": "all"},
        # `q` is echoed in the search box: search for the tag's tail, which every Malang name holds too.
        **{"q": away.tag[1:], "group_id": away.group.pk, "companion_id": away.companion.pk, "year": 2024},
    },
    "Malang NIK": lambda away: {"q": away.family.nik[:10]},
}
# API list -> (model, lookup of the row's regency): the in-scope fixture is counted independently of visible_to.
LISTS: dict[str, tuple[Any, str]] = {
    "/api/families": (Family, "regency_id"),
    "/api/groups": (Group, "regency_id"),
    "/api/grants": (Grant, "group__regency_id"),
    "/api/companions": (Companion, "regency_id"),
    "/api/assignments": (Assignment, "group__regency_id"),
    "/api/reports": (MonthlyReport, "group__regency_id"),
    "/api/complaints": (Complaint, "regency_id"),
    **partnerships.LISTS,
    **classification.LISTS,
    **recruitment.LISTS,
    **briefing.LISTS,
    **internship.LISTS,
    **visits.LISTS,
    **appraisal.LISTS,
    **api_lists.LISTS,
}
# Lists counted elsewhere: the evaluation's (by study), the exchange's own (by maker), the duplicates' (for officers
# only) and the reference tables every role reads (regions, schemes, rubrics).
OTHER_LISTS = {*evaluation.LISTS, *exchange.OWN_LISTS, *duplicates.LISTS, *api_lists.UNSCOPED_LISTS}
# The writes only an admin (or, for visits, a companion) may make: A4's control sends them as the admin.
ADMIN_WRITES = classification.ADMIN_WRITES | recruitment.ADMIN_WRITES | briefing.ADMIN_WRITES
ADMIN_WRITES |= internship.ADMIN_WRITES | visits.ADMIN_WRITES


@pytest.mark.parametrize("route", READS, ids=str)
def test_no_read_shows_a_regional_role_anything_out_of_scope(
    route: Route, world: World, request: pytest.FixtureRequest
) -> None:
    url, secrets = fill(route, world.home), world.away.secrets()
    for role in ROLES:
        client = client_for_door(request.getfixturevalue(role), route.door)
        for forgery, params in FORGED.items():
            response = client.get(url, params(world.away))
            where = f"GET {url} {forgery} as {role}"
            assert response.status_code < 500 and not leaks(response, secrets), f"{where}: {leaks(response, secrets)}"
            is_json = response.get("Content-Type", "").startswith("application/json")
            is_list = is_json and response.status_code == 200 and "items" in response.json()
            assert not is_list or route.name in OTHER_LISTS | set(LISTS), f"add a list case for {route.name} to LISTS"


@pytest.mark.parametrize("role", ["surabaya_officer", "auditor"])
@pytest.mark.parametrize("path", LISTS)
def test_api_lists_count_exactly_the_in_scope_fixture(
    path: str, role: str, world: World, request: pytest.FixtureRequest
) -> None:
    model, regency = LISTS[path]
    mine = set(model.objects.filter(**{regency: "35.78"}).values_list("pk", flat=True))
    assert mine, f"the fixture has nothing for {path}"
    client = client_for_door(request.getfixturevalue(role), "api")
    for forgery, params in FORGED.items():
        response = client.get(path, params(world.away))
        if forgery == "huge page" and response.status_code == 400:
            continue  # refused outright: nothing returned
        body = response.json()
        rows = {row["id"] for row in body["items"]}
        assert body["count"] == len(rows), forgery
        # A Malang filter applies (nothing) or is ignored (the whole scope); it never reaches past the scope.
        assert rows in ([set(), mine] if forgery.startswith("Malang") else [mine]), forgery


@pytest.mark.parametrize(
    ("url", "row"),
    [
        ("/registry/families/", "Xsurabaya Keluarga"),
        ("/registry/groups/", "KUBE Xsurabaya"),
        ("/registry/grants/", "KUBE Xsurabaya"),
        ("/companions/", "Xsurabaya Pendamping"),
    ],
)
def test_list_pages_show_the_in_scope_rows_they_are_checked_on(
    url: str, row: str, world: World, surabaya_officer: User
) -> None:
    """The control of the crawl above: the lists do render rows, so an absent Malang name means something."""
    client = client_for_door(surabaya_officer, "page")
    assert row in client.get(url, {"page_size": "100000"}).content.decode()


# --- A4: mass assignment -----------------------------------------------------------------------------------

EXTRAS: dict[str, Any] = {
    "role": "admin",
    "regency": "35.07",
    "regency_id": "35.07",
    "is_staff": True,
    "is_superuser": True,
    "groups": [1],
    "version": 99,
    "nik": "3507014101900001",
}
WRITES = [(method, route) for route in ROUTES if route.door == "api" for method in sorted(route.methods - {"GET"})]
WRITES = [(m, route) for m, route in WRITES if m != "DELETE" and (m, route.name) not in evaluation.A4_EXEMPT]


def _errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"]


def _a4_params() -> list[Any]:
    defects = evaluation.A4_DEFECTS
    return [
        pytest.param(
            method, route, id=f"{method} {route}",
            marks=[pytest.mark.xfail(strict=True, reason=defects[(method, route.name)])]
            if (method, route.name) in defects else [],
        )
        for method, route in WRITES
    ]  # fmt: skip


@pytest.mark.parametrize(("method", "route"), _a4_params())
def test_api_writes_refuse_extra_fields(
    method: str, route: Route, world: World, surabaya_officer: User, admin: User
) -> None:
    build = BODIES.get((method, route.name))
    assert build is not None, f"add a scoping case for {method} {route.name}: BODIES needs a valid request body"
    base, url = build(world.home), fill(route, world.home)
    # The evaluation app's writes are the admin's (evaluation.manage): the officer's control would be a 403.
    admin_only = route.name.startswith(evaluation.API) or (method, route.name) in ADMIN_WRITES
    writer = admin if admin_only else surabaya_officer
    client = client_for_door(None if route.name == "/api/auth/token" else writer, "api")
    before = snapshot()
    for field, value in EXTRAS.items():
        if field not in base:  # `version` of a PATCH and `nik` of a new record are the endpoint's own
            assert field in _errors(send(client, route, method, url, {**base, field: value})), field
    if "version" in base:
        response = send(client, route, method, url, {**base, "version": base["version"] + 41})
        assert response.status_code == 409, response.content
    assert snapshot() == before
    response = send(client, route, method, url, base)  # the control: without the extras, it is accepted
    assert response.status_code in (200, 201, 202), response.content


JSON_VALUES = st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.lists(st.integers(), max_size=3)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_extra_fields_by_any_regional_role_never_pass(data: st.DataObject, world: World, request: Any) -> None:
    method, route = data.draw(st.sampled_from([(m, r) for m, r in WRITES if r.name != "/api/auth/token"]))
    role = data.draw(st.sampled_from(ROLES))
    base = BODIES[(method, route.name)](world.home)
    extra = data.draw(st.dictionaries(st.sampled_from([f for f in EXTRAS if f not in base]), JSON_VALUES, min_size=1))
    client = client_for_door(request.getfixturevalue(role), "api")
    before = snapshot()
    response = send(client, route, method, fill(route, world.home), {**base, **extra})
    # The evaluation app looks up the study before reading some bodies (an instrument's is free-form JSON): a
    # role not named on Surabaya's study is turned away by the scope or the role before the extras are read.
    if route.name.startswith(evaluation.API) and response.status_code in (403, 404):
        assert snapshot() == before
        return
    fields = _errors(response)
    assert set(extra) <= set(fields) and snapshot() == before


def _family_form(b: Bundle) -> dict[str, Any]:
    return {**family_initial(b.family), "head_name": "Nama Baru"}


def _group_form(b: Bundle) -> dict[str, Any]:
    g = b.group
    return {"name": "KUBE Nama Baru", "sector": g.sector, "founded_on": g.founded_on, "version": g.version}


def _grant_form(b: Bundle) -> dict[str, Any]:
    g = b.grant
    return {"amount": g.amount, "source": g.source, "year": g.year, "note": "catatan baru", "version": g.version}


def _companion_form(b: Bundle) -> dict[str, Any]:
    return {**companion_initial(b.companion), "name": "Nama Baru"}


# Edit page -> (the bundle's row, its form's data, whether the extras leave it "saved" or "refused"). The
# companion form has a regency field of its own: a regency outside the officer's is refused, not ignored.
FORMS: dict[str, tuple[str, Callable[[Bundle], dict[str, Any]], str]] = {
    "registry:family_edit": ("family", _family_form, "saved"),
    "registry:group_edit": ("group", _group_form, "saved"),
    "registry:grant_edit": ("grant", _grant_form, "saved"),
    "companions:companion_edit": ("companion", _companion_form, "refused"),
}
FORM_ROUTES = [route for route in ROUTES if route.name in FORMS]


def _form_data(data: dict[str, Any]) -> dict[str, Any]:
    dates = {k: v.isoformat() for k, v in data.items() if isinstance(v, dt.date)}
    return {**{k: "" if v is None else v for k, v in data.items()}, **dates}


def _users() -> list[Any]:
    """The users with their regencies and groups: what a forged role, is_staff or regency would change."""
    tables = snapshot()
    return [tables[label] for label in ("accounts.User", "accounts.User_regencies", "accounts.User_groups")]


@pytest.mark.parametrize("route", FORM_ROUTES, ids=str)
def test_edit_forms_ignore_or_refuse_extra_fields(route: Route, world: World, surabaya_officer: User) -> None:
    attr, form, outcome = FORMS[route.name]
    obj = getattr(world.home, attr)
    client, row = client_for_door(surabaya_officer, "page"), type(obj).objects.filter(pk=obj.pk)
    protected = {"regency_id", "nik", "group_id", "desa_id", "home_desa_id", "user_id", "created_at"}
    before, users = row.values(*[f for f in protected if hasattr(obj, f)]).get(), _users()
    response = client.post(fill(route, world.home), _form_data({**form(world.home), **EXTRAS, "version": obj.version}))
    assert response.status_code == (302 if outcome == "saved" else 200), response.status_code
    assert row.values(*before).get() == before and _users() == users
    assert row.get().version == obj.version + (outcome == "saved")


def _new_family_form(b: Bundle) -> dict[str, Any]:
    return {
        **_family_form(b),
        "nik": nik_for(b.family.desa, 9993),
        "kk_number": f"{b.family.desa.nik_prefix}9999999993",
    }


def _new_group_form(b: Bundle) -> dict[str, Any]:
    desa = b.family.desa
    return {**_group_form(b), "regency": desa.code[:5], "kecamatan": desa.parent_id, "desa": desa.code}


@pytest.mark.parametrize(
    ("url", "model", "form"),
    [("/registry/families/new/", Family, _new_family_form), ("/registry/groups/new/", Group, _new_group_form)],
)
def test_create_forms_place_the_record_by_its_village_whatever_the_extra_fields(
    url: str, model: Any, form: Callable[[Bundle], dict[str, Any]], world: World, surabaya_officer: User
) -> None:
    """A forged `regency` (the region select above the village) or `regency_id` does not move the new record."""
    client, users, last = client_for_door(surabaya_officer, "page"), _users(), model.objects.order_by("pk").last()
    response = client.post(url, _form_data({**EXTRAS, **form(world.home), "regency": "35.07"}))
    created = model.objects.order_by("pk").last()
    assert response.status_code == 302 and created != last, response.status_code
    assert (created.regency_id, created.version, _users()) == ("35.78", 1, users)


def test_the_token_form_ignores_extra_fields(surabaya_officer: User) -> None:
    client, before = client_for_door(surabaya_officer, "page"), _users()
    response = client.post("/accounts/me/tokens/new/", {"name": "skrip", **EXTRAS})
    assert response.status_code == 200 and _users() == before
