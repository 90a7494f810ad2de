"""Security basics of issue 2: Argon2 first, CSRF on, secure headers, and a clean `check --deploy`."""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from pendamping.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.real_password_hashers
def test_passwords_are_hashed_with_argon2_first(settings: Any) -> None:
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert make_password("a-Long-pass-2026").startswith("argon2$")


@pytest.mark.real_password_hashers
def test_an_older_hash_is_upgraded_to_argon2_at_login(regions: Any) -> None:
    user = User.objects.create(username="lama", role="officer")
    user.password = make_password("a-Long-pass-2026", hasher="pbkdf2_sha256")
    user.save()
    client = Client()
    response = client.post("/accounts/login/", {"username": "lama", "password": "a-Long-pass-2026"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def test_a_form_post_without_the_csrf_token_is_refused(surabaya_officer: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": surabaya_officer.username, "password": "x"})
    assert response.status_code == 403


def test_pages_carry_the_security_headers(client_for: Any, surabaya_officer: User) -> None:
    response = client_for(surabaya_officer).get("/registry/families/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]  # pages hold personal data


def test_no_page_loads_anything_from_the_internet(client_for: Any, admin: User) -> None:
    for url in ("/", "/registry/families/", "/registry/groups/", "/companions/", "/api/docs"):
        body = client_for(admin).get(url).content.decode()
        for needle in ('src="http', "src='http", 'href="http', "//cdn", "googleapis", "unpkg", "jsdelivr"):
            assert needle not in body, f"{url} references {needle}"


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PENDAMPING_DATA": str(tmp_path),
        "PENDAMPING_SECURE": "1",
        "PENDAMPING_DEBUG": "0",
        "PENDAMPING_SECRET_KEY": secrets.token_urlsafe(64),
        "PENDAMPING_ALLOWED_HOSTS": "pendamping.dinsos.example",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "pendamping.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_indonesian_is_the_default_whatever_the_browser_says(client_for: Any, admin: User, settings: Any) -> None:
    settings.LANGUAGE_CODE = "id"
    client = client_for(admin)
    body = client.get("/registry/families/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="id"' in body
    client.cookies["django_language"] = "en"
    assert '<html lang="en"' in client.get("/registry/families/").content.decode()
