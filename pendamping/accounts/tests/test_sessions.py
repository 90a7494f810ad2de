"""Sessions (QUALITY D3): a new key at sign-in, an old cookie useless after sign-out, every session of a user
dropped when their password changes, the cookie flags, and the idle timeout.

There is no self-service password change; an administrator runs `pendamping changepassword`, so that is the
door tested here. Django keeps a hash of the password in each session and ends the session when it no longer
matches, so sessions opened with the old password die on their next request."""

import datetime as dt
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.management.commands import changepassword
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
ACCOUNT = reverse("accounts:account")
COOKIE = django_settings.SESSION_COOKIE_NAME
NEW_PASSWORD = "ganti-Sandi-2026!"


def signed_in(username: str, client: Client | None = None) -> Client:
    # Through the login form, not force_login: the form is what rotates the key and stores the password hash.
    client = client or Client()
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def sent_to_login(client: Client) -> bool:
    response = client.get(ACCOUNT)
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def with_cookie(session_key: str) -> Client:
    client = Client()
    client.cookies[COOKIE] = session_key
    return client


def test_signing_in_gives_a_new_session_key(surabaya_officer: User) -> None:
    planted = SessionStore()  # an attacker's session, its key slipped into the victim's browser
    planted["django_language"] = "en"
    planted.create()
    client = signed_in("officer_surabaya", with_cookie(planted.session_key or ""))
    key = client.cookies[COOKIE].value
    assert key != planted.session_key
    assert not Session.objects.filter(session_key=planted.session_key).exists()
    assert sent_to_login(with_cookie(planted.session_key or ""))
    assert not sent_to_login(client)


def test_an_old_cookie_is_useless_after_signing_out(surabaya_officer: User) -> None:
    client = signed_in("officer_surabaya")
    old_key = client.cookies[COOKIE].value
    assert not sent_to_login(with_cookie(old_key))
    client.post(LOGOUT)
    assert not Session.objects.filter(session_key=old_key).exists()
    assert sent_to_login(with_cookie(old_key))  # a copy of the cookie, replayed


def test_a_password_change_drops_every_session_of_the_user(
    surabaya_officer: User, malang_officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, phone = signed_in("officer_surabaya"), signed_in("officer_surabaya")
    colleague = signed_in("officer_malang")
    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": NEW_PASSWORD)
    call_command("changepassword", "officer_surabaya", stdout=StringIO())
    assert sent_to_login(laptop) and sent_to_login(phone)
    assert not sent_to_login(colleague)
    old = Client().post(LOGIN, {"username": "officer_surabaya", "password": PASSWORD})
    assert old.status_code == 200  # the form again, with its error
    new = Client().post(LOGIN, {"username": "officer_surabaya", "password": NEW_PASSWORD})
    assert new.status_code == 302


def production_cookie_settings(tmp_path: Path) -> dict[str, Any]:
    """The cookie settings config.settings gives a production install (PENDAMPING_SECURE=1): read in a child
    process, as the suite's own settings turn Secure off for plain-HTTP tests."""
    names = ["SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE"]
    names += ["CSRF_COOKIE_SAMESITE", "SESSION_COOKIE_AGE", "SESSION_SAVE_EVERY_REQUEST"]
    env = {
        **os.environ,
        "PENDAMPING_DATA": str(tmp_path),
        "PENDAMPING_SECURE": "1",
        "PENDAMPING_DEBUG": "0",
        "PENDAMPING_SECRET_KEY": "x" * 64,
        "PENDAMPING_ALLOWED_HOSTS": "pendamping.dinsos.example",
    }
    env.pop("DATABASE_URL", None)
    code = f"import json, config.settings as s; print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_the_session_cookie_is_httponly_and_samesite_lax(surabaya_officer: User) -> None:
    client = Client()
    cookie = client.post(LOGIN, {"username": "officer_surabaya", "password": PASSWORD}).cookies[COOKIE]
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
    assert "httponly" in cookie.output().lower() and "samesite=lax" in cookie.output().lower()
    assert not cookie["max-age"] and not cookie["expires"]  # gone when the browser closes


def test_production_settings_make_the_cookies_secure(surabaya_officer: User, settings: Any, tmp_path: Path) -> None:
    production = production_cookie_settings(tmp_path)
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    for name, value in production.items():
        setattr(settings, name, value)
    client = Client(enforce_csrf_checks=True)
    form = client.get(LOGIN, secure=True)
    token = form.cookies[django_settings.CSRF_COOKIE_NAME]
    assert token["secure"] is True and token["samesite"] == "Lax"
    body = {"username": "officer_surabaya", "password": PASSWORD, "csrfmiddlewaretoken": token.value}
    session = client.post(LOGIN, body, secure=True, headers={"Referer": "https://testserver/"}).cookies[COOKIE]
    assert session["secure"] is True and session["httponly"] is True and session["samesite"] == "Lax"


def session_of(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies[COOKIE].value)


def test_a_session_idle_past_the_cookie_age_is_sent_to_the_login(surabaya_officer: User) -> None:
    client = signed_in("officer_surabaya")
    assert not sent_to_login(client)
    Session.objects.filter(pk=session_of(client).pk).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert sent_to_login(client)


def test_each_request_pushes_the_idle_timeout_back(surabaya_officer: User, settings: Any) -> None:
    client = signed_in("officer_surabaya")
    # Eight hours after sign-in, but the user worked a minute ago: the session must still be alive.
    soon = timezone.now() + dt.timedelta(minutes=1)
    Session.objects.filter(pk=session_of(client).pk).update(expire_date=soon)
    assert not sent_to_login(client)
    idle_limit = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs(session_of(client).expire_date - idle_limit) < dt.timedelta(minutes=1)
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
