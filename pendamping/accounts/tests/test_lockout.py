"""D1 (QUALITY.md): django-axes' lockout beyond "it locks" (test_login.py, test_api_auth.py): it is released once
the cool-off has passed, it is keyed by username *and* address, and the password of a failed login is kept
nowhere, neither in a log record nor in axes' own tables."""

import datetime as dt
import logging
from typing import Any

import pytest
from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.cache import cache
from django.test import Client

from pendamping.accounts.models import User
from pendamping.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/auth/token"
HERE, THERE = "10.20.30.40", "10.20.30.41"


def sign_in(client: Client, username: str, password: str = PASSWORD, ip: str = HERE) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def obtain(username: str, password: str = PASSWORD, ip: str = HERE) -> Any:
    cache.clear()  # the token endpoint's own rate limit (core.api_throttles) is tested elsewhere; axes is here
    body = {"username": username, "password": password}
    return Client().post(TOKEN, body, content_type="application/json", REMOTE_ADDR=ip)


def fail_until_locked(settings: Any, username: str = "officer_surabaya", ip: str = HERE) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, username, "wrong-password", ip).status_code == 200
    assert sign_in(client, username, "wrong-password", ip).status_code == 429  # the failure that reaches the limit
    assert sign_in(client, username, ip=ip).status_code == 429, "not locked after AXES_FAILURE_LIMIT failures"


def move_the_clock_past_the_cool_off(by: dt.timedelta = dt.timedelta(minutes=1)) -> None:
    """Back-date every attempt (axes keeps the time of the last failure) to just past the cool-off."""
    assert AccessAttempt.objects.exists()
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - get_cool_off() - by)


def test_the_lockout_is_by_username_and_address_together(settings: Any) -> None:
    # Companions share carrier NAT addresses: an address alone must not lock a whole office out.
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_the_lock_is_released_after_the_cool_off(surabaya_officer: User, settings: Any) -> None:
    fail_until_locked(settings)
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - get_cool_off() + dt.timedelta(minutes=1))
    assert sign_in(Client(), "officer_surabaya").status_code == 429, "released a minute before the cool-off ends"
    move_the_clock_past_the_cool_off()
    response = sign_in(Client(), "officer_surabaya")
    assert response.status_code == 302 and response["Location"] == "/", response.status_code
    # AXES_RESET_ON_SUCCESS: the slate is clean again, so one more mistake does not lock at once.
    assert sign_in(Client(), "officer_surabaya", "wrong-password").status_code == 200
    assert sign_in(Client(), "officer_surabaya").status_code == 302


def test_the_token_endpoint_is_released_after_the_cool_off(surabaya_officer: User, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        obtain("officer_surabaya", "wrong-password")
    assert obtain("officer_surabaya").status_code == 429
    move_the_clock_past_the_cool_off()
    assert obtain("officer_surabaya").status_code == 201


def test_the_same_username_from_another_address_is_not_locked(
    surabaya_officer: User, malang_officer: User, settings: Any
) -> None:
    fail_until_locked(settings, ip=HERE)
    assert sign_in(Client(), "officer_surabaya", ip=THERE).status_code == 302  # the user, elsewhere
    assert sign_in(Client(), "officer_malang", ip=HERE).status_code == 302  # someone else, same address
    assert obtain("officer_surabaya", ip=THERE).status_code == 201  # the API: the same lockout
    assert sign_in(Client(), "officer_surabaya", ip=HERE).status_code == 429  # still locked where it failed


def test_the_password_is_in_no_log_record_and_no_axes_row(
    surabaya_officer: User, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True  # off by default: on, it must hold no password either
    settings.AXES_ENABLE_ACCESS_LOG = True
    caplog.set_level(logging.DEBUG)
    for name in ("axes", "django", "pendamping"):
        caplog.set_level(logging.DEBUG, logger=name)
    secret, near = "Rahasia-Sekali-7391", "kube-Test-2024?"  # a wrong one, and one a typo from the right one
    rows: dict[str, list[dict[str, Any]]] = {"AccessAttempt": [], "AccessFailureLog": [], "AccessLog": []}

    def keep_rows() -> None:  # axes deletes attempts on success and after the cool-off: look before it does
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            rows[model.__name__] += list(model.objects.values())

    for password in (secret, near):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(Client(), "officer_surabaya", password)
            obtain("officer_surabaya", password)
            sign_in(Client(), "nobody", password)  # an unknown username is counted too
        sign_in(Client(), "officer_surabaya")  # the right password, while locked
        obtain("officer_surabaya")
        keep_rows()
        move_the_clock_past_the_cool_off()
    sign_in(Client(), "officer_surabaya")  # and once signed in (the access log)
    keep_rows()
    assert all(rows.values()), {name: len(found) for name, found in rows.items()}
    assert any(record.name.startswith("axes") for record in caplog.records), "axes logged nothing to search"
    passwords = (secret, near, PASSWORD)
    for record in caplog.records:
        text = f"{record.getMessage()} {record.args!r} {record.__dict__!r}"
        assert not [p for p in passwords if p in text], f"password in a log record: {record.name} {record.msg}"
    for name, found in rows.items():
        leaked = [row for row in found if any(p in repr(row) for p in passwords)]
        assert not leaked, f"password in axes' {name}: {leaked[0]}"
    # The search above is not vacuous: axes did record the form's fields, with the values masked, and the login.
    posted = [row["post_data"] for row in rows["AccessAttempt"]]
    assert posted and all("password=****" in data for data in posted), posted[:1]
    assert "officer_surabaya" in {row["username"] for row in rows["AccessAttempt"]}
