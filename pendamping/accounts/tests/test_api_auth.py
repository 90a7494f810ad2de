"""Getting into the API: tokens from a password (throttled by django-axes), bearer and session auth, CSRF on
session writes, rate limits, and the "who am I" endpoint."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pendamping.accounts.models import User
from pendamping.accounts.services import token_authenticate, token_create, token_revoke
from pendamping.accounts.tests.factories import PASSWORD, UserFactory
from pendamping.registry.models import Family
from pendamping.registry.tests.factories import SURABAYA_VILLAGE, FamilyFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"
TOKEN = "/api/auth/token"
NEW_FAMILY = {
    "nik": "3578014101900007",
    "kk_number": "3578010000000001",
    "head_name": "Siti Aminah",
    "desa_code": SURABAYA_VILLAGE,
}


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    cache.clear()  # the rate-limit counters


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body["error"]) == {"code", "message", "fields"} and body["error"]["code"] == code
    return body["error"]


def obtain(username: str, password: str = PASSWORD, client: Client | None = None, **extra: Any) -> Any:
    body = {"username": username, "password": password, **extra}
    return (client or Client()).post(TOKEN, body, content_type=JSON)


def test_a_password_buys_a_token_that_opens_the_api(surabaya_officer: User) -> None:
    response = obtain("officer_surabaya", name="laptop")
    assert response.status_code == 201
    token = response.json()
    assert token["token"].startswith("pdp_") and (token["token_type"], token["name"]) == ("bearer", "laptop")
    me = bearer(token["token"]).get("/api/me").json()
    assert (me["username"], me["role"], me["regencies"]) == ("officer_surabaya", "officer", ["35.78"])
    assert "family.change" in me["permissions"] and "users.manage" not in me["permissions"]


@pytest.mark.parametrize(("username", "password"), [("officer_surabaya", "wrong-password"), ("nobody", PASSWORD)])
def test_wrong_credentials_get_a_401(surabaya_officer: User, username: str, password: str) -> None:
    error(obtain(username, password), 401, "unauthorized")


def test_an_inactive_user_gets_no_token_and_their_old_token_stops_working(surabaya_officer: User) -> None:
    _token, raw = token_create(user=surabaya_officer, name="old")
    surabaya_officer.is_active = False
    surabaya_officer.save()
    error(obtain("officer_surabaya"), 401, "unauthorized")
    error(bearer(raw).get("/api/families"), 401, "unauthorized")


def test_the_token_endpoint_accepts_no_extra_fields(surabaya_officer: User) -> None:
    assert "role" in error(obtain("officer_surabaya", role="admin"), 400, "validation_error")["fields"]


def test_repeated_wrong_passwords_lock_the_token_endpoint(surabaya_officer: User, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        error(obtain("officer_surabaya", "wrong-password"), 401, "unauthorized")
    locked = obtain("officer_surabaya", "wrong-password")
    error(locked, 429, "throttled")
    assert int(locked["Retry-After"]) > 0
    error(obtain("officer_surabaya"), 429, "throttled")  # even the right password, until the cool-off


@pytest.mark.parametrize(
    "header",
    [None, "Bearer pdp_not-a-token", "Bearer ", "Basic b2ZmaWNlcjpwYXNz", "Token pdp_x", "pdp_x"],
)
def test_requests_without_a_valid_token_get_a_401(surabaya_officer: User, header: str | None) -> None:
    FamilyFactory()
    client = Client(headers={"Authorization": header} if header else {})
    denied = client.get("/api/families")
    error(denied, 401, "unauthorized")
    assert denied["WWW-Authenticate"].startswith("Bearer")
    error(client.post("/api/families", NEW_FAMILY, content_type=JSON), 401, "unauthorized")
    assert Family.objects.count() == 1


def test_a_revoked_token_is_refused(surabaya_officer: User) -> None:
    token, raw = token_create(user=surabaya_officer, name="t")
    assert bearer(raw).get("/api/me").status_code == 200
    token_revoke(user=surabaya_officer, token_id=token.pk)
    error(bearer(raw).get("/api/me"), 401, "unauthorized")


def test_a_bad_token_never_falls_back_to_the_session(client_for: Callable[..., Client], admin: User) -> None:
    client = client_for(admin)
    assert client.get("/api/me").json()["username"] == "admin"
    error(client.get("/api/me", headers={"Authorization": "Bearer pdp_wrong"}), 401, "unauthorized")
    # A proxy's Basic auth in front of the site leaves the session to do its work.
    assert client.get("/api/me", headers={"Authorization": "Basic b2ZmaWNlcjpwYXNz"}).status_code == 200


def test_the_browser_session_reads_the_api(client_for: Callable[..., Client], surabaya_officer: User) -> None:
    FamilyFactory()
    assert client_for(surabaya_officer, csrf=True).get("/api/families").json()["count"] == 1


def test_a_session_write_without_the_csrf_token_is_refused(
    client_for: Callable[..., Client], surabaya_officer: User
) -> None:
    client = client_for(surabaya_officer, csrf=True)
    error(client.post("/api/families", NEW_FAMILY, content_type=JSON), 403, "forbidden")
    family = FamilyFactory()
    error(client.patch(f"/api/families/{family.pk}", {"version": 1, "rt": "9"}, content_type=JSON), 403, "forbidden")
    error(client.delete(f"/api/families/{family.pk}"), 403, "forbidden")
    assert Family.objects.get().rt == "001"
    secret = "a" * 32  # a CSRF cookie and the same value in the header, as the pages' JavaScript sends it
    client.cookies["csrftoken"] = secret
    response = client.post("/api/families", NEW_FAMILY, content_type=JSON, headers={"X-CSRFToken": secret})
    assert response.status_code == 201, response.content


def test_token_clients_need_no_csrf_token(surabaya_officer: User) -> None:
    _token, raw = token_create(user=surabaya_officer, name="t")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    assert client.post("/api/families", NEW_FAMILY, content_type=JSON).status_code == 201


def test_signed_in_users_are_rate_limited(surabaya_officer: User, settings: Any) -> None:
    settings.PENDAMPING = {**settings.PENDAMPING, "API_RATE_USER": "3/min"}
    _token, raw = token_create(user=surabaya_officer, name="t")
    client = bearer(raw)
    for _ in range(3):
        assert client.get("/api/me").status_code == 200
    throttled = client.get("/api/me")
    error(throttled, 429, "throttled")
    assert int(throttled["Retry-After"]) > 0


def test_a_forged_forwarded_for_header_does_not_reset_the_anonymous_limit(
    surabaya_officer: User, settings: Any
) -> None:
    settings.PENDAMPING = {**settings.PENDAMPING, "API_RATE_ANON": "2/min"}
    for n in range(2):
        error(obtain("nobody", client=Client(headers={"X-Forwarded-For": f"10.0.0.{n}"})), 401, "unauthorized")
    error(obtain("officer_surabaya", client=Client(headers={"X-Forwarded-For": "10.9.9.9"})), 429, "throttled")


@pytest.mark.parametrize(
    ("who", "role", "can_change"),
    [("admin", "admin", True), ("auditor", "auditor", False), ("evaluator", "evaluator", False), ("norole", "", False)],
)
def test_me_tells_each_role_its_scope_and_rights(
    request: pytest.FixtureRequest, who: str, role: str, can_change: bool
) -> None:
    user = request.getfixturevalue(who)
    _token, raw = token_create(user=user, name="t")
    me = bearer(raw).get("/api/me").json()
    assert me["role"] == role and ("family.change" in me["permissions"]) is can_change


def test_the_token_its_user_and_their_regencies_are_read_in_one_query(regions: Any) -> None:
    """Every API request starts with the token: one query finds it, its user and the user's regencies, and the
    scope then needs no query of its own."""
    officer = UserFactory(username="two_regencies", regencies=["35.78", "35.07"])
    raw = token_create(user=officer, name="t")[1]
    token_authenticate(raw=raw)  # the first use is stamped; later ones within the minute are not
    with CaptureQueriesContext(connection) as queries:
        user = token_authenticate(raw=raw)
        assert user is not None and sorted(user.regency_codes) == ["35.07", "35.78"]
    assert len(queries.captured_queries) == 1
    nobody = UserFactory(username="no_regency", regencies=[])
    user = token_authenticate(raw=token_create(user=nobody, name="t")[1])
    assert user is not None and user.regency_codes == []
