"""D4 (QUALITY.md): every state-changing URL the resolver knows refuses a signed-in browser session that sends no
CSRF token, and changes nothing; `csrf_exempt` is on a named list only.

The routes come from test_url_scoping.py (pages, the admin site and the Ninja API under /api/), filled with the
Surabaya bundle of its `world`. The session is the provincial admin's, so the scope never refuses first; each 403
must come with the CSRF check's own log record (`django.security.csrf`), so a 403 from a role check would not
pass for a CSRF refusal. Pages are sent POST, PUT, PATCH and DELETE (a page does not say which methods it takes);
API paths the unsafe methods they take, with the valid body A1 sends (BODIES), so only the CSRF check can refuse
them."""

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.backends import ModelBackend
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver

from pendamping.accounts.models import User
from pendamping.core.tests.test_url_scoping import (
    BODIES,
    ROUTES,
    Route,
    World,
    fill,
    request_body,
    send,
    snapshot,
    world,
)
from pendamping.exchange.models import ImportBatch
from pendamping.exchange.tests.helpers import FAMILY_HEADER, csv_bytes, family_row
from pendamping.registry.tests.factories import nik_for

__all__ = ["world"]  # the fixture, shared with test_url_scoping.py
pytestmark = pytest.mark.django_db

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
MODEL_BACKEND = f"{ModelBackend.__module__}.{ModelBackend.__qualname__}"

# Views without Django's CSRF middleware check, by door. Pages and the admin: only the import upload, which sets
# its size-limited upload handler before anything reads the body and then applies csrf_protect itself. The API:
# Ninja marks every view csrf_exempt and checks CSRF in its session auth instead (accounts.api.SessionAuth); the
# tests below prove that check on every API write.
CSRF_EXEMPT_PAGES = {"exchange:import_start"}

# API writes a session needs no CSRF token for, with the reason. The token endpoint takes no session (auth=None):
# it answers a username and password with a token in the JSON body, which a cross-site page cannot read.
NO_SESSION_WRITES = {("POST", "/api/auth/token")}


def session_client(user: User) -> Client:
    """A browser: a session cookie, CSRF checks on, and no token sent."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def csrf_refusals(caplog: pytest.LogCaptureFixture, path: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.security.csrf" and path in r.getMessage()]


def _walk(patterns: list[Any], ns: str = "") -> Iterator[tuple[str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, ns + (f"{p.namespace}:" if p.namespace else ""))
        else:
            yield ns + (p.name or str(p.pattern)), p.callback


def _area(route: Route) -> str:
    """Routes are tested in batches, one per app (a namespace, or the path's first segment under /api/): the
    database snapshot that proves nothing changed costs more than all a batch's requests."""
    parts = route.path.strip("/").split("/")
    if route.door == "api":
        return f"api/{parts[1] if len(parts) > 1 else ''}"
    return route.name.split(":")[0] if ":" in route.name else parts[0] or "home"


PAGES = [route for route in ROUTES if route.door in ("page", "admin")]
API_WRITES = [
    (method, route)
    for route in ROUTES
    if route.door == "api"
    for method in UNSAFE
    if method in route.methods and (method, route.name) not in NO_SESSION_WRITES
]
PAGE_AREAS = {_area(route): [r for r in PAGES if _area(r) == _area(route)] for route in PAGES}
API_AREAS = {_area(route): [(m, r) for m, r in API_WRITES if _area(r) == _area(route)] for _m, route in API_WRITES}


@pytest.fixture
def csrf_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING, logger="django.security.csrf")
    return caplog


@pytest.mark.parametrize("area", PAGE_AREAS)
def test_a_page_write_without_the_csrf_token_is_refused(
    area: str, world: World, admin: User, csrf_log: pytest.LogCaptureFixture
) -> None:
    client, before, wrong = session_client(admin), snapshot(), []
    for route in PAGE_AREAS[area]:
        url = fill(route, world.home)
        for method in UNSAFE:
            csrf_log.clear()
            status = send(client, route, method, url).status_code
            if status not in (403, 405):
                wrong.append(f"{method} {url}: {status}")
            elif status == 403 and not csrf_refusals(csrf_log, url):
                wrong.append(f"{method} {url}: 403, but not by the CSRF check")
    assert not wrong, f"page writes without a CSRF token: {wrong}"
    urls = [route.path for route in PAGE_AREAS[area]]
    assert snapshot() == before, f"a write without a CSRF token to one of {urls} changed the database"


@pytest.mark.parametrize("area", API_AREAS)
def test_an_api_write_by_session_without_the_csrf_token_is_refused(
    area: str, world: World, admin: User, csrf_log: pytest.LogCaptureFixture
) -> None:
    client, before, wrong = session_client(admin), snapshot(), []
    for method, route in API_AREAS[area]:
        url = fill(route, world.home)
        # The valid body A1 sends where there is one: only the CSRF check may refuse. The check runs in the
        # auth, before any body is read, so the writes A1 has no body for (no object key) get an empty one.
        body = request_body(route, method, world.home) if (method, route.name) in BODIES else {}
        csrf_log.clear()
        response = send(client, route, method, url, body)
        if response.status_code != 403:
            wrong.append(f"{method} {url}: {response.status_code}")
        elif "CSRF" not in json.loads(response.content)["error"]["message"] or not csrf_refusals(csrf_log, url):
            wrong.append(f"{method} {url}: 403, but not by the CSRF check")
    assert not wrong, f"API writes by session without a CSRF token: {wrong}"
    writes = [f"{method} {route.path}" for method, route in API_AREAS[area]]
    assert snapshot() == before, f"one of {writes} without a CSRF token changed the database"


def test_the_routes_cover_every_door() -> None:
    """The crawl above is only as good as the route list: it must hold pages, the admin and API writes."""
    doors = {route.door for route in PAGES}
    assert doors == {"page", "admin"} and len(PAGES) > 100 and len(API_WRITES) > 50


def test_csrf_exempt_views_are_a_named_list() -> None:
    exempt = {name for name, view in _walk(get_resolver().url_patterns) if getattr(view, "csrf_exempt", False)}
    pages = {name for name in exempt if not name.startswith("api:")}
    assert pages == CSRF_EXEMPT_PAGES, f"csrf_exempt pages: {sorted(pages)}; add to CSRF_EXEMPT_PAGES with a reason"
    # The API's views are Ninja's own, exempt from the middleware by Ninja: its session auth checks CSRF instead.
    from config.api import api
    from pendamping.accounts.api import SessionAuth

    assert any(isinstance(auth, SessionAuth) and auth.csrf for auth in api.auth)  # type: ignore[union-attr]


def test_the_import_upload_without_the_csrf_token_is_refused(
    world: World, admin: User, csrf_log: pytest.LogCaptureFixture
) -> None:
    """The one csrf_exempt page applies csrf_protect inside: a valid upload without the token is refused; the
    same upload with the token (the control) is taken."""
    url = "/exchange/imports/new/"
    data = {"kind": "families", "mode": "all", "on_existing": "skip", "mapping": ""}
    content = csv_bytes(FAMILY_HEADER, [family_row(nik_for(world.home.family.desa, 9981))])

    def upload() -> SimpleUploadedFile:
        return SimpleUploadedFile("keluarga.csv", content)

    client, batches = session_client(admin), ImportBatch.objects.count()
    response = client.post(url, {**data, "file": upload()})
    assert response.status_code == 403 and csrf_refusals(csrf_log, url)
    assert ImportBatch.objects.count() == batches
    token = client.get(url).cookies["csrftoken"].value
    response = client.post(url, {**data, "file": upload()}, headers={"X-CSRFToken": token})
    assert response.status_code == 302, response.content
    assert ImportBatch.objects.count() == batches + 1
