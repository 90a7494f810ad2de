"""Rate limits: the token endpoint is held to a stricter limit per address and username than the API's general
per-user one, and every limit counts in the shared database cache, so several worker processes enforce one
allowance between them, not one each."""

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
import types
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client, RequestFactory

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.accounts.tests.factories import PASSWORD
from pendamping.core import api_support
from pendamping.core.api_support import UserThrottle
from pendamping.core.api_throttles import LoginThrottle

pytestmark = pytest.mark.django_db
TOKEN = "/api/auth/token"
ROOT = Path(__file__).resolve().parents[3]


def _guess(username: str, address: str = "10.0.0.1") -> int:
    body = json.dumps({"username": username, "password": "salah-sekali"})
    return Client(REMOTE_ADDR=address).post(TOKEN, body, content_type="application/json").status_code


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    cache.clear()


def test_the_token_endpoint_allows_a_few_guesses_per_address_and_username(
    surabaya_officer: User, settings: Any
) -> None:
    settings.PENDAMPING = {**settings.PENDAMPING, "API_RATE_LOGIN": "3/min", "API_RATE_ANON": "60/min"}
    assert [_guess("officer_surabaya") for _ in range(4)] == [401, 401, 401, 429]
    # Another user behind the same carrier NAT address, or the same user from another address, still gets in.
    assert _guess("officer_malang") == 401
    assert _guess("officer_surabaya", address="10.0.0.2") == 401


def test_the_token_endpoint_is_stricter_than_the_signed_in_limit(surabaya_officer: User, settings: Any) -> None:
    """Out of the box 10 requests a minute per address and username against 1200 per user; successful sign-ins
    count too (each one makes a token)."""
    login = LoginThrottle().parse_rate(settings.PENDAMPING.get("API_RATE_LOGIN", LoginThrottle.default))
    user = UserThrottle().parse_rate(settings.PENDAMPING.get("API_RATE_USER", UserThrottle.default))
    assert login[0] / login[1] < user[0] / user[1] / 10
    body = json.dumps({"username": "officer_surabaya", "password": PASSWORD})
    client = Client(REMOTE_ADDR="10.1.0.1")
    codes = [client.post(TOKEN, body, content_type="application/json").status_code for _ in range(login[0] + 1)]
    assert codes == [201] * login[0] + [429]
    _token, raw = token_create(user=surabaya_officer, name="t")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert {api.get("/api/me").status_code for _ in range(login[0] + 5)} == {200}


def test_the_limit_counts_in_the_username_as_typed_in_any_case(surabaya_officer: User, settings: Any) -> None:
    settings.PENDAMPING = {**settings.PENDAMPING, "API_RATE_LOGIN": "2/min"}
    assert [_guess(name) for name in ("Officer_Surabaya", " officer_surabaya ", "OFFICER_SURABAYA")] == [401, 401, 429]


def test_a_body_that_is_not_json_is_still_counted_and_refused_cleanly(settings: Any) -> None:
    settings.PENDAMPING = {**settings.PENDAMPING, "API_RATE_LOGIN": "1/min"}
    client = Client(REMOTE_ADDR="10.0.0.9")
    codes = [client.post(TOKEN, "not json", content_type="application/json").status_code for _ in range(2)]
    assert codes == [400, 429]


def test_after_a_burst_one_more_request_is_let_through_every_interval(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.PENDAMPING = {**settings.PENDAMPING, "API_RATE_USER": "5/min"}  # a burst of 5, then one each 12 s
    clock = [time.time()]  # the cache's expiry reads the same clock: keep it near the real one
    monkeypatch.setattr(api_support.time, "time", lambda: clock[0])
    throttle, request = UserThrottle(), RequestFactory().get("/api/me")
    request.auth = types.SimpleNamespace(pk=7)  # type: ignore[attr-defined]
    assert [throttle.allow_request(request) for _ in range(6)] == [True] * 5 + [False]
    assert throttle.wait() == pytest.approx(12)
    clock[0] += 11.9
    assert not throttle.allow_request(request)
    clock[0] += 0.2
    assert [throttle.allow_request(request) for _ in range(2)] == [True, False]
    clock[0] += 60  # a quiet minute fills the allowance again, and no more than that
    assert [throttle.allow_request(request) for _ in range(6)] == [True] * 5 + [False]
    with connection.cursor() as cursor:  # one number per client, however busy
        cursor.execute("SELECT value FROM pendamping_cache WHERE cache_key LIKE %s", ["%rate_user_7"])
        assert [float(value) for (value,) in cursor.fetchall()] == [pytest.approx(clock[0] + 12)]


def test_another_cache_backend_gets_the_same_rule(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setattr(UserThrottle, "cache", caches["default"])
    settings.PENDAMPING = {**settings.PENDAMPING, "API_RATE_USER": "3/min"}
    throttle, request = UserThrottle(), RequestFactory().get("/api/me")
    request.auth = types.SimpleNamespace(pk=8)  # type: ignore[attr-defined]
    assert [throttle.allow_request(request) for _ in range(4)] == [True] * 3 + [False]
    assert 0 < (throttle.wait() or 0) <= 20


# --- several processes ----------------------------------------------------------------------------------------

# One worker process: count `n` requests against a throttle and print whether each was let through.
WORKER = textwrap.dedent(
    """
    import json, sys, types
    import django
    django.setup()
    from django.conf import settings
    from django.test import RequestFactory
    from pendamping.core.api_support import UserThrottle
    from pendamping.core.api_throttles import LoginThrottle

    kind, n = sys.argv[1], int(sys.argv[2])
    settings.PENDAMPING["API_RATE_LOGIN"] = settings.PENDAMPING["API_RATE_USER"] = "5/min"
    body = json.dumps({"username": "officer_surabaya", "password": "x"})
    throttle = LoginThrottle() if kind == "login" else UserThrottle()
    allowed, post = [], RequestFactory().post
    for _ in range(n):
        request = post("/api/auth/token", body, content_type="application/json", REMOTE_ADDR="10.2.0.1")
        request.auth = None if kind == "login" else types.SimpleNamespace(pk=42)
        allowed.append(throttle.allow_request(request))
    print(json.dumps(allowed))
    """
)


def _worker(data: Path, kind: str, n: int) -> list[bool]:
    """A separate Python process with the project's settings over a database of its own in `data`."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {"PENDAMPING_DATA": str(data), "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", WORKER, kind, str(n)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("kind", ["login", "user"])
def test_two_worker_processes_share_one_allowance(tmp_path: Path, kind: str) -> None:
    """Two processes, one after the other, as two waitress or gunicorn workers would serve them: the second sees
    what the first counted (5 a minute between them), because the counters live in the database cache."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {"PENDAMPING_DATA": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"}
    made = subprocess.run(
        [sys.executable, "-m", "pendamping.cli", "createcachetable"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    assert _worker(tmp_path, kind, 3) == [True, True, True]
    assert _worker(tmp_path, kind, 3) == [True, True, False]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_the_last_places_never_get_more_than_the_limit(settings: Any) -> None:
    """Twelve requests of one user at the same instant, each on its own connection (as twelve workers would send
    them): exactly the five of the allowance pass, because deciding and counting is one statement."""
    settings.PENDAMPING = {**settings.PENDAMPING, "API_RATE_USER": "5/min"}
    start, allowed = threading.Barrier(12), []

    def one() -> None:
        request = RequestFactory().get("/api/me")
        request.auth = types.SimpleNamespace(pk=9)  # type: ignore[attr-defined]
        try:
            start.wait()
            allowed.append(UserThrottle().allow_request(request))
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cache.clear()  # the cache table is not a model's: the flush after this test would leave it as it is
    assert allowed.count(True) == 5, allowed
