"""Signing in and out, the lockout page, the language switch and the API tokens of the account page."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pendamping.accounts.models import ApiToken
from pendamping.accounts.services import LAST_USED_RESOLUTION, token_authenticate, token_create
from pendamping.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
ACCOUNT = reverse("accounts:account")
FAMILIES = reverse("registry:family_list")


@pytest.fixture(autouse=True)
def _plain_static(settings: Any) -> None:
    # Pages link static files; without `collectstatic` the manifest storage of production settings has no entries.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_the_login_page_has_labelled_fields(client: Client) -> None:
    body = client.get(LOGIN).content.decode()
    assert '<label for="id_username">' in body
    assert '<label for="id_password">' in body


def test_a_user_signs_in_and_lands_on_the_home_page(client: Client, surabaya_officer: Any) -> None:
    response = sign_in(client, "officer_surabaya")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_signing_in_goes_back_to_the_page_asked_for(client: Client, surabaya_officer: Any) -> None:
    assert client.get(FAMILIES)["Location"] == f"{LOGIN}?next={FAMILIES}"
    response = sign_in(client, "officer_surabaya", next=FAMILIES)
    assert response["Location"] == FAMILIES


def test_a_wrong_password_says_so_and_signs_nobody_in(client: Client, surabaya_officer: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    response = sign_in(client, "officer_surabaya", "wrong-password")
    assert response.status_code == 200
    assert "Wrong username or password." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_takes_a_post_only(client_for: Callable[..., Client], surabaya_officer: Any) -> None:
    client = client_for(surabaya_officer)
    assert client.get(LOGOUT).status_code == 405
    assert client.get(FAMILIES).status_code == 200
    response = client.post(LOGOUT)
    assert response["Location"] == LOGIN
    assert client.get(FAMILIES).status_code == 302


def test_every_page_offers_a_post_logout_form(client_for: Callable[..., Client], surabaya_officer: Any) -> None:
    body = client_for(surabaya_officer).get(FAMILIES).content.decode()
    assert f'<form method="post" action="{LOGOUT}"' in body


def test_repeated_wrong_passwords_lock_the_login(client: Client, surabaya_officer: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer_surabaya", "wrong-password")
    locked = sign_in(client, "officer_surabaya")  # even the right password, until the cool-off
    assert locked.status_code == 429
    assert "temporarily locked" in locked.content.decode()


def test_the_language_switch_changes_the_page_language(
    client_for: Callable[..., Client], admin: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "id"  # the product's default (the suite itself runs in English)
    client = client_for(admin)
    before = client.get(FAMILIES).content.decode()
    assert '<html lang="id"' in before
    assert "Lewati ke isi utama" in before  # the skip link, in Indonesian by default
    response = client.post(reverse("set_language"), {"language": "en", "next": FAMILIES})
    assert response["Location"] == FAMILIES
    assert response.cookies["django_language"].value == "en"
    body = client.get(FAMILIES).content.decode()
    assert '<html lang="en"' in body
    assert "Skip to main content" in body
    assert 'value="id"' in body  # the switch now offers Bahasa Indonesia


def test_the_admin_link_is_shown_to_provincial_admins_only(
    client_for: Callable[..., Client], admin: Any, surabaya_officer: Any
) -> None:
    assert 'href="/admin/"' in client_for(admin).get(FAMILIES).content.decode()
    assert 'href="/admin/"' not in client_for(surabaya_officer).get(FAMILIES).content.decode()


def test_a_token_is_shown_once_and_works_until_revoked(
    client_for: Callable[..., Client], surabaya_officer: Any
) -> None:
    client = client_for(surabaya_officer)
    created = client.post(reverse("accounts:token_new"), {"name": "spreadsheet import"})
    raw = created.context["raw_token"]
    assert raw in created.content.decode()
    assert token_authenticate(raw=raw) == surabaya_officer
    assert raw not in client.get(ACCOUNT).content.decode()
    token = ApiToken.objects.get(user=surabaya_officer)
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert token_authenticate(raw=raw) is None


def test_a_tokens_last_use_is_kept_to_the_minute(surabaya_officer: Any) -> None:
    token, raw = token_create(user=surabaya_officer, name="t")
    token_authenticate(raw=raw)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    token_authenticate(raw=raw)  # within the minute: not written again
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - LAST_USED_RESOLUTION)
    token_authenticate(raw=raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_nobody_can_revoke_another_users_token(
    client_for: Callable[..., Client], surabaya_officer: Any, malang_officer: Any
) -> None:
    client_for(surabaya_officer).post(reverse("accounts:token_new"), {"name": "mine"})
    token = ApiToken.objects.get(user=surabaya_officer)
    client_for(malang_officer).post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is None
