"""D5 (QUALITY.md): the security headers themselves, beyond `check --deploy` (test_security_settings.py).

HSTS under the production settings (config/settings.py loaded afresh with PENDAMPING_SECURE=1, not values copied
here); the Content-Security-Policy parsed into its directives; a scan of every template for inline script and
event-handler attributes (the policy has no nonce and no 'unsafe-inline', so any would simply not run); and
`Cache-Control: no-store` on every page, export and API response with personal data, crawled from the resolver
with the scope tests' `world`."""

import importlib.util
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client

from pendamping.accounts.models import User
from pendamping.core.tests.test_url_scoping import ROUTES, Route, World, client_for_door, fill, send, world
from pendamping.exchange.exports.catalogue import SPECS

__all__ = ["world"]  # the fixture, shared with test_url_scoping.py
pytestmark = pytest.mark.django_db

PACKAGE = Path(__file__).resolve().parents[2]  # pendamping/
SETTINGS_FILE = PACKAGE.parent / "config" / "settings.py"


# --- HSTS under production settings --------------------------------------------------------------------------


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Any) -> ModuleType:
    """config/settings.py as production runs it (PENDAMPING_SECURE=1), its HTTPS settings applied to this test
    (the root conftest turns them off for the suite)."""
    monkeypatch.setenv("PENDAMPING_SECURE", "1")
    monkeypatch.setenv("PENDAMPING_DEBUG", "0")
    monkeypatch.setenv("PENDAMPING_DATA", str(tmp_path))
    monkeypatch.setenv("PENDAMPING_SECRET_KEY", "x" * 64)
    spec = importlib.util.spec_from_file_location("pendamping_production_settings", SETTINGS_FILE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in dir(module):
        if name.startswith(("SECURE_", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")):
            setattr(settings, name, getattr(module, name))
    return module


def test_hsts_is_sent_on_https_under_production_settings(production: ModuleType) -> None:
    assert production.SECURE_HSTS_SECONDS >= 365 * 24 * 3600  # a year: what browsers' preload lists ask for
    expected = f"max-age={production.SECURE_HSTS_SECONDS}; includeSubDomains; preload"
    client = Client()  # after the settings: SecurityMiddleware reads them when the client builds its handler
    response = client.get("/accounts/login/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == expected
    # Behind the reverse proxy, HTTPS is what X-Forwarded-Proto says (SECURE_PROXY_SSL_HEADER).
    proxied = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert proxied["Strict-Transport-Security"] == expected
    # Plain HTTP is sent to HTTPS (HSTS on plain HTTP would mean nothing: browsers ignore it there).
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    assert "Strict-Transport-Security" not in plain


def test_hsts_covers_the_api_and_signed_in_pages(production: ModuleType, admin: User) -> None:
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    for url in ("/registry/families/", "/api/me", "/companions/"):
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert response["Strict-Transport-Security"].startswith(f"max-age={production.SECURE_HSTS_SECONDS}"), url


# --- CSP, parsed -------------------------------------------------------------------------------------------


def parse_csp(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        assert name.lower() not in directives, f"directive {name} twice (browsers take the first)"
        directives[name.lower()] = values
    return directives


def assert_strict_csp(header: str, where: str) -> None:
    csp = parse_csp(header)
    script = csp.get("script-src", csp.get("default-src"))
    assert script is not None, f"{where}: no script-src and no default-src"
    # No inline or eval'd code, no wildcard, no data: or plain-scheme sources.
    forbidden = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:", "blob:"}
    assert not forbidden & set(script), f"{where}: script-src {script}"
    assert all(v == "'self'" or v.startswith(("'nonce-", "'sha")) for v in script), f"{where}: script-src {script}"
    assert csp.get("frame-ancestors") == ["'none'"], f"{where}: frame-ancestors {csp.get('frame-ancestors')}"
    assert csp.get("object-src", csp.get("default-src")) in (["'none'"], ["'self'"]), f"{where}: object-src"
    assert csp.get("default-src") == ["'self'"], f"{where}: default-src {csp.get('default-src')}"
    assert csp.get("base-uri") in (["'self'"], ["'none'"]), f"{where}: base-uri {csp.get('base-uri')}"


def test_the_csp_parser_sees_a_weakened_policy() -> None:
    """The control: a policy that a substring check would pass is refused once it is parsed."""
    from pendamping.core.middleware import CSP

    assert_strict_csp(CSP, "the middleware's policy")
    for weaker in (
        CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
        CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'"),
        CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'"),
        CSP.replace("script-src 'self'", "script-src 'self' https:"),
        CSP.replace("default-src 'self'; ", ""),
    ):
        with pytest.raises(AssertionError):
            assert_strict_csp(weaker, "weakened")


def test_every_door_sends_the_strict_csp(admin: User) -> None:
    pages, api = client_for_door(admin, "page"), client_for_door(admin, "api")
    responses = {
        "login page": Client().get("/accounts/login/"),
        "a list": pages.get("/registry/families/"),
        "the admin site": pages.get("/admin/"),
        "a 404": pages.get("/registry/families/999999999/"),
        "the API": api.get("/api/families"),
        "the API docs": pages.get("/api/docs"),
        "the public complaint form": Client().get("/complaints/public/"),
    }
    for where, response in responses.items():
        assert_strict_csp(response["Content-Security-Policy"], where)


# --- templates: no inline script, no event handlers ------------------------------------------------------------

TEMPLATE_DIRS = [PACKAGE / "templates", *sorted(PACKAGE.glob("*/templates"))]
DATA_BLOCK = r"(?![^>]*\btype\s*=\s*[\"']application/(?:ld\+)?json)"  # <script type="application/json">: data, not code
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)" + DATA_BLOCK + r"[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*?\s(on[a-z]+|hx-on[:\-][\w:\-]*)\s*=", re.I)  # onclick=, hx-on:click= (eval'd)
JS_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)


def _offences(text: str) -> list[str]:
    found = [m.group(0) for m in INLINE_SCRIPT.finditer(text)]
    found += [m.group(1) for m in HANDLER.finditer(text)]
    return found + [m.group(0) for m in JS_URL.finditer(text)]


def test_the_template_scan_finds_what_it_looks_for() -> None:
    for bad in (
        "<script>alert(1)</script>",
        '<script type="text/javascript">x()</script>',
        '<button type="button" onclick="go()">',
        "<body onload='x()'>",
        '<form hx-on:submit="x()">',
        '<a href="javascript:void(0)">',
    ):
        assert _offences(bad), bad
    for good in ('<script src="/static/app.js" defer></script>', '<script type="application/json" id="d">'):
        assert not _offences(good), good
    assert not _offences('<button type="submit" class="online-button" data-once="1">')


def test_no_template_has_inline_script_or_event_handlers() -> None:
    """The CSP has no nonce: an inline script or handler would be blocked in the browser, so none may exist
    (scripts belong in static files)."""
    templates = [path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html")]
    assert len(templates) > 100, TEMPLATE_DIRS
    offences = {str(p.relative_to(PACKAGE)): o for p in templates if (o := _offences(p.read_text(encoding="utf-8")))}
    assert not offences, f"inline script or handlers (move them to a static .js file): {offences}"


# --- no-store on everything with personal data ----------------------------------------------------------------

# Pages and API reads with personal data that the crawl below must have seen answer 200 (so it is not vacuous).
PERSONAL = {
    "registry:family_list",
    "registry:family_detail",
    "registry:group_list",
    "registry:group_detail",
    "registry:grant_list",
    "companions:companion_list",
    "companions:companion_detail",
    "exchange:export_list",
    "/api/families",
    "/api/families/{family_id}",
    "/api/groups",
    "/api/groups/{group_id}",
    "/api/companions",
    "/api/companions/{companion_id}",
    "/api/exchange/export/{name}",
}
READS = [route for route in ROUTES if route.door == "page" or route.door == "api" and "GET" in route.methods]


def _no_store(response: Any) -> bool:
    return "no-store" in [v.strip().lower() for v in response.get("Cache-Control", "").split(",")]


def _get(client: Client, route: Route, url: str) -> HttpResponse:
    cache.clear()  # the rate limits (exports above all) would turn the crawl's later reads into 429s
    response = send(client, route, "GET", url)
    if response.streaming:
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response


def test_every_read_with_personal_data_is_no_store(world: World, admin: User) -> None:
    clients = {door: client_for_door(admin, door) for door in ("page", "api")}
    answered, missing = set(), []
    for route in READS:
        urls = [fill(route, world.home)] if "name" not in route.keys else [route.url(name=n) for n in SPECS]
        for url in urls:
            response = _get(clients[route.door], route, url)
            if response.status_code != 200:
                continue
            answered.add(route.name)
            if not _no_store(response):
                missing.append(f"{url}: Cache-Control {response.get('Cache-Control')!r}")
    assert not missing, f"responses without no-store: {missing}"
    assert answered >= PERSONAL, f"not checked (no 200 for the admin): {PERSONAL - answered}"


def test_the_api_by_session_and_the_exports_by_format_are_no_store(world: World, admin: User) -> None:
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    family = world.home.family
    for url in (f"/api/families/{family.pk}", "/api/families", "/api/me"):
        response = client.get(url)
        assert response.status_code == 200 and _no_store(response), url
    for name in ("families", "companions"):
        for fmt in ("csv", "xlsx"):
            cache.clear()
            response = client.get(f"/exchange/export/{name}/", {"format": fmt})
            assert response.status_code == 200 and _no_store(response), (name, fmt, response.get("Cache-Control"))
    assert django_settings.X_FRAME_OPTIONS == "DENY"
