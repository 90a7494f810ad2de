"""A1 (QUALITY.md): every URL with an object key answers 404 to a user for whom the object is out of scope, by
every method, and changes nothing. The URLs come from the resolver (pages, the admin site, the Ninja API under
/api/), so a new view with an object key fails here until KEYS says which object fills it. The objects: the
cast's own bundle in Kota Surabaya, and one in Kabupaten Malang, out of scope for the Surabaya officer, the
Surabaya auditor and a companion assigned to a Surabaya KUBE. A control run as the provincial admin proves the
same URLs and bodies reach the object, so each 404 is the scope's doing. test_url_deny_default.py reuses all
this for A2, A3 and A4 (and A1 of the admin site)."""

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from pendamping.accounts.models import ApiToken, User
from pendamping.accounts.services import token_create
from pendamping.audit.models import AuditEntry
from pendamping.companions.models import Assignment, Companion
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.core.nik import mask_number
from pendamping.evaluation.models import (
    Analysis,
    Arm,
    Aspect,
    GapAssessment,
    GapRating,
    Instrument,
    Item,
    Option,
    Respondent,
    Response,
    Study,
    StudyEvaluator,
    Submission,
    Wave,
)
from pendamping.registry.models import BoardRole, Family, Grant, Group, Membership, Scheme, Tranche
from pendamping.registry.tests.factories import (
    FamilyFactory,
    GrantFactory,
    GroupFactory,
    MembershipFactory,
    TrancheFactory,
    nik_for,
    regency_of,
    village,
)

pytestmark = pytest.mark.django_db
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ROLES = ("surabaya_officer", "companion_user", "auditor")  # everyone with a scope that excludes Malang


# --- the URL map, read from the resolver ------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "registry:family_edit"; API routes and unnamed ones by their path ("/api/families/{family_id}")
    path: str  # "/registry/families/{pk}/edit/"
    door: str  # "page", "admin" or "api"
    keys: tuple[str, ...]  # the path's parameters
    methods: frozenset[str]  # what an API path answers (ninja knows); empty for pages and the admin

    def url(self, **kwargs: Any) -> str:
        return self.path.format(**kwargs)

    def __str__(self) -> str:
        return self.name


def _template(pattern: Any) -> str:
    """'families/<int:pk>/' -> 'families/{pk}/'; a regex '^(?P<app_label>a|b)/$' -> '{app_label}/'."""
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern))
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", str(pattern).lstrip("^").rstrip("$"))


def _api_methods(callback: Any) -> frozenset[str]:
    """Ninja serves all methods of a path from one view, built by a PathView that lists its operations."""
    for cell in getattr(callback, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if operations is not None:
            return frozenset(method for op in operations for method in op.methods)
    return frozenset({"GET"})  # the schema, the docs, the root


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[Route]:
    for p in patterns:
        path = prefix + _template(p.pattern)
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, path, ns + (f"{p.namespace}:" if p.namespace else ""))
            continue
        door = ns.split(":")[0] if ns.startswith(("api:", "admin:")) else "page"
        name = f"/{path}" if door == "api" or not p.name else ns + p.name
        methods = _api_methods(p.callback) if door == "api" else frozenset()
        yield Route(name, f"/{path}", door, tuple(re.findall(r"{(\w+)}", path)), methods)


def all_routes() -> list[Route]:
    unique: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        unique.setdefault(route.path, route)  # ninja adds one pattern per operation of the same path
    return list(unique.values())


ROUTES = all_routes()

# Which object fills each object key: URL name (pages) or path (API) -> {key: Bundle attribute}. A route with a
# key that is not here fails the suite: say which object it takes, and every test here covers it.
_FAMILY, _GROUP, _GRANT, _COMPANION = {"pk": "family"}, {"pk": "group"}, {"pk": "grant"}, {"pk": "companion"}
_MEMBER = {"pk": "group", "mid": "membership"}
_API_MEMBER = {"group_id": "group", "membership_id": "membership"}
KEYS: dict[str, dict[str, str]] = {
    "accounts:token_revoke": {"token_id": "token"},
    **{f"registry:family_{view}": _FAMILY for view in ("detail", "reveal", "edit", "delete")},
    **{f"registry:group_{view}": _GROUP for view in ("detail", "edit", "status", "delete")},
    **{f"registry:{view}": _GROUP for view in ("member_add", "member_options", "grant_create")},
    **{f"registry:member_{view}": _MEMBER for view in ("manage", "end", "role")},
    **{f"registry:{view}": _GRANT for view in ("grant_edit", "tranche_add")},
    **{f"companions:{view}": _COMPANION for view in ("companion_detail", "companion_reveal", "companion_edit")},
    "companions:assignment_create": _COMPANION,
    "companions:companion_deactivate": _COMPANION,
    "companions:companion_reactivate": {"pk": "former"},
    **{f"/api/companions/{{companion_id}}/{sub}": {"companion_id": "companion"} for sub in ("path", "deactivate")},
    "/api/companions/{companion_id}/reactivate": {"companion_id": "former"},
    "companions:assignment_end": {"pk": "assignment"},
    "/api/families/{family_id}": {"family_id": "family"},
    **{f"/api/groups/{{group_id}}{sub}": {"group_id": "group"} for sub in ("", "/status", "/members")},
    "/api/groups/{group_id}/members/{membership_id}/end": _API_MEMBER,
    "/api/groups/{group_id}/members/{membership_id}/role": _API_MEMBER,
    **{f"/api/grants/{{grant_id}}{sub}": {"grant_id": "grant"} for sub in ("", "/tranches")},
    "/api/companions/{companion_id}": {"companion_id": "companion"},
    "/api/assignments/{assignment_id}/end": {"assignment_id": "assignment"},
    **{
        f"evaluation:{view}": {"pk": "study"}
        for view in ("study_detail", "analysis_run", "response_import", "study_assign", "study_status")
    },
    **{f"evaluation:{view}": {"pk": "instrument"} for view in ("instrument_detail", "instrument_new_version")},
    **{f"evaluation:{view}": {"pk": "analysis"} for view in ("analysis_detail", "analysis_file")},
    "evaluation:response_form": {"pk": "study", "rid": "respondent", "wid": "wave"},
}


@dataclass
class Bundle:
    """One regency's records, every name carrying the bundle's tag: an active KUBE of six with its board, grant,
    tranche and companion; a family in no KUBE; a KUBE still forming with no companion; an officer's API token."""

    tag: str
    family: Family
    group: Group
    spare: Group
    membership: Membership
    grant: Grant
    tranche: Tranche
    companion: Companion
    assignment: Assignment
    token: ApiToken
    study: Study | None = None  # an evaluation study with the companion in it, and its rows
    analysis: Analysis | None = None
    respondent: Respondent | None = None
    wave: Wave | None = None
    instrument: Instrument | None = None
    evaluator: User | None = None  # named on the study (test_url_scoping_evaluation.py builds these)
    assessment: GapAssessment | None = None
    candidates: list[Companion] | None = None  # two companions in no study, for the design endpoints
    component: str = "recruitment"  # a gap assessment's component: a key that is not a row
    # Rows of the later apps (enterprise, partnerships, complaints), by the name their KEYS use; each app's
    # module (test_url_scoping_<app>.py) fills them through BUNDLE_HOOKS.
    extra: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        extra = self.__dict__.get("extra") or {}
        if name in extra:
            return extra[name]
        raise AttributeError(name)

    def secrets(self) -> list[str]:
        """What must never reach a user outside this regency: the tag in every name, the NIK, KK and phone."""
        rows = Family.objects.filter(desa_id=self.family.desa_id).values_list("nik", "kk_number")
        numbers = [number for row in rows for number in row] + [self.companion.nik]
        return [self.tag, self.companion.phone, *numbers, *(mask_number(n) for n in numbers)]


# A valid body for every API write, keyed (method, path), for the bundle it is about. A1 sends it so that only
# the scope can refuse the request (the control run below proves it valid); A4 adds forbidden fields to it.
BODIES: dict[tuple[str, str], Callable[[Bundle], dict[str, Any]]] = {
    ("POST", "/api/families"): lambda b: {
        "nik": nik_for(b.family.desa, 9990),
        "kk_number": f"{b.family.desa.nik_prefix}9999999990",
        "head_name": "Keluarga Baru",
        "desa_code": b.family.desa_id,
    },
    ("PATCH", "/api/families/{family_id}"): lambda b: {"version": b.family.version, "head_name": "Nama Baru"},
    ("POST", "/api/groups"): lambda b: {
        "name": "KUBE Baru",
        "desa_code": b.family.desa_id,
        "sector": "trade",
        "founded_on": "2024-01-15",
    },
    ("PATCH", "/api/groups/{group_id}"): lambda b: {"version": b.group.version, "name": "KUBE Nama Baru"},
    ("POST", "/api/groups/{group_id}/status"): lambda b: {"status": "inactive", "reason": "uji"},
    ("POST", "/api/groups/{group_id}/members"): lambda b: {"family_id": b.family.pk, "joined_on": "2024-02-01"},
    ("POST", "/api/groups/{group_id}/members/{membership_id}/end"): lambda b: {"left_on": "2024-06-01", "reason": "x"},
    ("POST", "/api/groups/{group_id}/members/{membership_id}/role"): lambda b: {"role": "ketua"},
    ("POST", "/api/grants"): lambda b: {"group_id": b.group.pk, "amount": 2_000_000, "source": "apbn", "year": 2024},
    ("PATCH", "/api/grants/{grant_id}"): lambda b: {"version": b.grant.version, "note": "catatan baru"},
    ("POST", "/api/grants/{grant_id}/tranches"): lambda b: {"amount": 1000, "disbursed_on": "2024-04-01"},
    ("POST", "/api/companions"): lambda b: {
        "nik": nik_for(b.family.desa, 9991),
        "name": "Pendamping Baru",
        "education": "s1",
        "home_desa_code": b.family.desa_id,
    },
    ("PATCH", "/api/companions/{companion_id}"): lambda b: {"version": b.companion.version, "name": "Nama Baru"},
    ("POST", "/api/assignments"): lambda b: {
        "companion_id": b.companion.pk,
        "group_id": b.spare.pk,
        "started_on": "2024-05-01",
    },
    ("POST", "/api/assignments/{assignment_id}/end"): lambda b: {"ended_on": "2024-06-01"},
    ("POST", "/api/companions/{companion_id}/deactivate"): lambda b: {
        "on": "2026-11-01",
        "reason": "mengundurkan diri",
    },
    ("POST", "/api/companions/{companion_id}/reactivate"): lambda b: {},
    ("POST", "/api/auth/token"): lambda b: {"username": "officer_surabaya", "password": "kube-Test-2024!"},
}


def request_body(route: Route, method: str, bundle: Bundle) -> dict[str, Any] | None:
    if route.door != "api" or method not in route.methods or method in ("GET", "DELETE"):
        return None
    build = BODIES.get((method, route.name))
    if build is None:
        pytest.fail(f"add a scoping case for {method} {route.name}: BODIES needs a valid request body")
    return build(bundle)


def make_bundle(code: str, tag: str, *, officer: User, companion_user: User | None = None) -> Bundle:
    desa = village(code)
    here = {"desa": desa, "regency": regency_of(desa)}  # saves the factories a region query per row
    group = GroupFactory(**here, name=f"KUBE {tag}", status=Group.Status.ACTIVE)
    roles = [BoardRole.KETUA, BoardRole.SEKRETARIS, BoardRole.BENDAHARA, *[BoardRole.ANGGOTA] * 3]
    members = [
        MembershipFactory(
            group=group, role=role, family__head_name=f"{tag} Anggota {i}", family__regency=here["regency"]
        )
        for i, role in enumerate(roles)
    ]
    grant = GrantFactory(group=group)
    companion = CompanionFactory(home_desa=desa, regency=here["regency"], name=f"{tag} Pendamping", user=companion_user)
    bundle = evaluation.add_study(
        Bundle(
            tag=tag,
            family=FamilyFactory(**here, head_name=f"{tag} Keluarga"),
            group=group,
            spare=GroupFactory(**here, name=f"KUBE {tag} Rintisan"),
            membership=members[-1],
            grant=grant,
            tranche=TrancheFactory(grant=grant, number=1),
            companion=companion,
            assignment=AssignmentFactory(group=group, companion=companion),
            token=token_create(user=officer, name=f"token {tag}")[0],
        )
    )
    # A former companion (inactive, who once accompanied the KUBE), for the reactivation routes.
    former = CompanionFactory(home_desa=desa, regency=here["regency"], name=f"{tag} Mantan", status="inactive")
    AssignmentFactory(group=group, companion=former, started_on=dt.date(2022, 1, 1), ended_on=dt.date(2022, 12, 31))
    bundle.extra["former"] = former
    for hook in BUNDLE_HOOKS:
        before = dict(bundle.extra)
        hook(bundle)
        # A hook reusing another's key would hand one app's routes the other's rows (ids that may still exist).
        taken = [key for key, value in before.items() if bundle.extra[key] is not value]
        assert not taken, f"{hook.__module__} overwrote bundle.extra keys {taken}; give its rows their own names"
    return bundle


# Each later app's module adds its rows to every bundle: hook(bundle) fills bundle.extra.
BUNDLE_HOOKS: list[Callable[[Bundle], None]] = []


@dataclass
class World:
    home: Bundle  # Kota Surabaya: the cast's regency; its companion is `companion_user`'s record
    away: Bundle  # Kabupaten Malang: out of scope for everyone in ROLES


@pytest.fixture
def world(request: pytest.FixtureRequest, db: None) -> World:
    """Built once per module (world_once.py); each test's changes are rolled back."""
    from pendamping.core.tests.world_once import WORLDS

    cache.clear()  # the API's rate-limit counters live in the cache
    world: World = WORLDS[request.module][0]
    return world


def object_keys(route: Route) -> dict[str, str]:
    keys = KEYS.get(route.name)
    if keys is None or set(keys) != set(route.keys):
        pytest.fail(f"add a scoping case for {route.name}: KEYS must say which objects fill {route.keys}")
    return keys


ADMIN_MODELS = {"registry/family": "family", "registry/group": "group", "registry/grant": "grant"}
ADMIN_MODELS |= {"companions/companion": "companion", "companions/assignment": "assignment"}


def admin_kwargs(route: Route, bundle: Bundle) -> dict[str, Any]:
    """The admin's keys are its own: object ids of the bundle's row of that model (a family for other models)."""
    obj = getattr(bundle, ADMIN_MODELS.get("/".join(route.path.split("/")[2:4]), "family"))
    values = {"object_id": obj.pk, "content_type_id": ContentType.objects.get_for_model(obj).pk}
    values |= {"app_label": "registry", "url": "tidak-ada/"}
    if unknown := set(route.keys) - set(values):
        pytest.fail(f"add a scoping case for {route.name}: no value for the admin keys {unknown}")
    return {key: values[key] for key in route.keys}


def fill(route: Route, bundle: Bundle) -> str:
    """The route's URL with every key filled from `bundle`."""
    if not route.keys:
        return route.path
    if route.door == "admin":
        return route.url(**admin_kwargs(route, bundle))
    return route.url(**{key: pk_of(getattr(bundle, attr)) for key, attr in object_keys(route).items()})


def pk_of(obj: Any) -> Any:
    return obj if isinstance(obj, str) else obj.pk  # a string key (a gap component) is its own value


# --- requests and what they may change ---------------------------------------------------------------------


def client_for_door(user: User | None, door: str) -> Client:
    """API: a bearer token; pages: a session, with CSRF checks off (the scope must refuse, not the CSRF check)."""
    if user is None:
        return Client()
    if door == "api":
        return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='scoping')[1]}"})
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def send(client: Client, route: Route, method: str, url: str, body: dict[str, Any] | None = None) -> HttpResponse:
    if route.door == "api" and any(hasattr(v, "read") for v in (body or {}).values()):
        return client.post(url, body)  # type: ignore[return-value]  # a file upload: multipart
    if route.door == "api":
        data = "" if body is None else json.dumps(body)
        return client.generic(method, url, data, content_type="application/json")  # type: ignore[return-value]
    if method == "POST":
        return client.post(url, body or {})  # type: ignore[return-value]
    return client.generic(method, url)  # type: ignore[return-value]


TRACKED: list[Any] = [Family, Group, Membership, Grant, Tranche, Scheme, Companion, Assignment, ApiToken, User]
TRACKED += [Instrument, Aspect, Item, Option, Study, StudyEvaluator, Arm, Wave, Respondent, Response, Submission]
TRACKED += [Analysis, GapAssessment, GapRating]  # the later apps' modules add their models
THROUGH = (User.regencies.through, User.groups.through)
VOLATILE = {"last_used_at", "last_login"}  # stamped by signing in, not by the request under test


def snapshot() -> dict[str, Any]:
    tables = {
        model._meta.label: [
            {k: v for k, v in row.items() if k not in VOLATILE} for row in model.objects.order_by("pk").values()
        ]
        for model in (*TRACKED, *THROUGH)
    }
    return {**tables, "audit entries": AuditEntry.objects.count()}


def leaks(response: HttpResponse, secrets: list[str]) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    content = body.decode(errors="replace")
    return [secret for secret in secrets if secret and secret in content]


# --- A1 ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    route: Route
    mixed: bool = False  # the first key from the user's own regency (a KUBE they see), the rest from Malang

    def __str__(self) -> str:
        return f"{self.route}{'[own parent]' if self.mixed else ''}"

    def kwargs(self, world: World) -> dict[str, Any]:
        keys = object_keys(self.route)
        first = self.route.keys[0]
        return {k: pk_of(getattr(world.home if self.mixed and k == first else world.away, a)) for k, a in keys.items()}


CASES = [Case(route) for route in ROUTES if route.keys and route.door != "admin"]
CASES += [Case(case.route, mixed=True) for case in CASES if len(case.route.keys) > 1]

# Real defects this module finds are listed here until fixed: (case, method) -> (roles, what happens). Strict, so
# the fix turns the entry into a failure that asks for its removal. (Two were found and fixed: token revoke
# answering 302 for another user's token, and member pages checking the role before the membership.)
KNOWN_DEFECTS: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {}
# Objects some of ROLES see by design, wherever they are: route name -> (those roles, why). For them A1 checks only
# that nothing changes; the other roles must still get 404.
UNSCOPED_BY_DESIGN: dict[str, tuple[tuple[str, ...], str]] = {}

# The evaluation app's maps, world and exemptions (KEYS, BODIES, UNSCOPED_BY_DESIGN, KNOWN_DEFECTS) live there.
from pendamping.core.tests import test_url_scoping_api_lists as _api_lists  # noqa: E402, F401
from pendamping.core.tests import test_url_scoping_appraisal as _appraisal  # noqa: E402, F401
from pendamping.core.tests import test_url_scoping_briefing as _briefing  # noqa: E402, F401
from pendamping.core.tests import test_url_scoping_classification as _classification  # noqa: E402, F401
from pendamping.core.tests import test_url_scoping_complaints as _complaints  # noqa: E402, F401
from pendamping.core.tests import test_url_scoping_dashboards as _dashboards  # noqa: E402, F401
from pendamping.core.tests import test_url_scoping_duplicates as _duplicates  # noqa: E402, F401
from pendamping.core.tests import test_url_scoping_enterprise as _enterprise  # noqa: E402, F401
from pendamping.core.tests import test_url_scoping_evaluation as evaluation  # noqa: E402
from pendamping.core.tests import test_url_scoping_exchange as _exchange  # noqa: E402, F401
from pendamping.core.tests import test_url_scoping_grant_use as _grant_use  # noqa: E402, F401
from pendamping.core.tests import test_url_scoping_internship as _internship  # noqa: E402, F401
from pendamping.core.tests import test_url_scoping_ledger as _ledger  # noqa: E402, F401
from pendamping.core.tests import test_url_scoping_partnerships as _partnerships  # noqa: E402, F401
from pendamping.core.tests import test_url_scoping_recruitment as _recruitment  # noqa: E402, F401
from pendamping.core.tests import test_url_scoping_visits as _visits  # noqa: E402, F401
from pendamping.core.tests import test_url_scoping_xlsform as _xlsform  # noqa: E402, F401


def _a1_params() -> list[Any]:
    """One test per URL, every method inside it: the two regions' records are built once for the five methods
    (building them is most of the cost of these thousands of tests)."""
    params = []
    for case in CASES:
        defects = {m: KNOWN_DEFECTS[(str(case), m)] for m in METHODS if (str(case), m) in KNOWN_DEFECTS}
        reason = "; ".join(f"{m} ({', '.join(roles)}): {what}" for m, (roles, what) in defects.items())
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if defects else []
        params.append(pytest.param(case, id=str(case), marks=marks))
    return params


@pytest.mark.parametrize("case", _a1_params())
def test_an_object_outside_the_scope_is_not_found_by_any_method(
    case: Case, world: World, request: pytest.FixtureRequest
) -> None:
    route = case.route
    clients = {role: client_for_door(request.getfixturevalue(role), route.door) for role in ROLES}
    url, secrets = route.url(**case.kwargs(world)), world.away.secrets()
    exempt = UNSCOPED_BY_DESIGN.get(route.name, ((), ""))[0]
    for method in METHODS:
        body = request_body(route, method, world.away)
        # 405: the method is not taken at all (ninja knows an API path's methods; for a page, the decorator decides)
        expected = ({404} if method in route.methods else {405}) if route.door == "api" else {404, 405}
        before = snapshot()
        for role, client in clients.items():
            response = send(client, route, method, url, body)
            if role in exempt:
                continue
            assert response.status_code in expected, f"{method} {url} as {role}: {response.status_code}, not {expected}"
            assert not leaks(response, secrets), f"{method} {url} as {role} shows {leaks(response, secrets)}"
        # A route every role may use by design (its key names no record) may write what using it writes (an
        # export's audit entry); the others must leave the database as it was.
        unscoped = set(ROLES) <= set(exempt)
        assert unscoped or snapshot() == before, f"{method} {url} changed the database (as one of {', '.join(ROLES)})"


@pytest.mark.parametrize("case", [case for case in CASES if not case.mixed], ids=str)
def test_the_same_requests_reach_the_object_for_the_provincial_admin(case: Case, world: World, admin: User) -> None:
    """The control: a wrong key in KEYS or an invalid body in BODIES would make A1 pass for the wrong reason."""
    route = case.route
    if route.name == "accounts:token_revoke":
        pytest.skip("tokens belong to their owner: nobody, not even an admin, revokes another user's token")
    client, url = client_for_door(admin, route.door), route.url(**case.kwargs(world))
    if route.door == "page":
        response = send(client, route, "GET", url)
        if response.status_code == 405:
            response = send(client, route, "POST", url)
        assert response.status_code in (200, 302), f"{url}: {response.status_code}"
        return
    for method in sorted(route.methods, key=METHODS.index):
        response = send(client, route, method, url, request_body(route, method, world.away))
        assert response.status_code in (200, 201, 202, 204), (
            f"{method} {url}: {response.status_code} {response.content!r}"
        )


def test_every_entry_of_the_maps_names_a_route() -> None:
    """A renamed view leaves a stale entry behind, and its new name would go unmapped; say so."""
    names = {route.name for route in ROUTES}
    assert set(KEYS) <= names, f"stale KEYS entries: {set(KEYS) - names}"
    paths = {(method, route.name) for route in ROUTES if route.door == "api" for method in route.methods}
    assert set(BODIES) <= paths, f"stale BODIES entries: {set(BODIES) - paths}"
