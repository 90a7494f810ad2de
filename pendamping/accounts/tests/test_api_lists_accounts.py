"""Accounts over the API: one's own tokens (never anyone else's, never the secret), and for provincial admins the
users and the audit trail (the regional roles are turned away)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create, token_revoke
from pendamping.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _api(user: User, name: str = "t") -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name=name)[1]}"})


def _rows(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    return list(response.json()["items"])


def test_my_tokens_are_mine_only_and_never_show_the_secret(surabaya_officer: User, malang_officer: User) -> None:
    old, old_raw = token_create(user=surabaya_officer, name="lama")
    token_revoke(user=surabaya_officer, token_id=old.pk)
    token_create(user=malang_officer, name="milik orang lain")
    client = _api(surabaya_officer, name="skrip")
    response = client.get("/api/me/tokens")
    assert [row["name"] for row in _rows(response)] == ["skrip"]
    assert old_raw[4:] not in response.content.decode() and "digest" not in response.content.decode()
    with_revoked = _rows(client.get("/api/me/tokens", {"revoked": "true", "ordering": "name"}))
    assert [(row["name"], row["revoked_at"] is not None) for row in with_revoked] == [("lama", True), ("skrip", False)]
    assert with_revoked[0]["prefix"] == old_raw[4:12]


def test_the_admin_lists_and_opens_users_with_their_regencies(
    admin: User, surabaya_officer: User, malang_officer: User, auditor: User
) -> None:
    client = _api(admin)
    officers = _rows(client.get("/api/users", {"role": "officer", "ordering": "-username"}))
    assert [row["username"] for row in officers] == ["officer_surabaya", "officer_malang"]
    assert [row["username"] for row in _rows(client.get("/api/users", {"regency": "35.78"}))] == [
        "auditor_surabaya",
        "officer_surabaya",
    ]
    detail = client.get(f"/api/users/{malang_officer.pk}").json()
    assert (detail["role"], detail["regencies"], detail["is_active"]) == ("officer", ["35.07"], True)
    assert "password" not in detail


def test_regional_roles_get_no_user_list_and_no_user(surabaya_officer: User, auditor: User) -> None:
    for user in (surabaya_officer, auditor):
        client = _api(user)
        assert client.get("/api/users").status_code == 403
        assert client.get(f"/api/users/{user.pk}").status_code == 404  # GET /me is one's own record


def test_the_audit_trail_is_the_provincial_admins_filtered_by_model_and_action(
    admin: User, surabaya_officer: User, auditor: User
) -> None:
    audit_record(actor=surabaya_officer, action="update", obj=surabaya_officer, before={"nik": "3578011234567890"})
    client = _api(admin)
    rows = _rows(client.get("/api/audit-entries", {"model": "accounts.user", "action": "update"}))
    assert [(row["actor"], row["object_id"], row["model"]) for row in rows] == [
        ("officer_surabaya", str(surabaya_officer.pk), "accounts.user")
    ]
    assert rows[0]["changes"] == {"nik": ["3578011234567890", None]}
    tokens = _rows(client.get("/api/audit-entries", {"model": "accounts.apitoken", "ordering": "at"}))
    assert {row["action"] for row in tokens} == {"create"} and len(tokens) == 1
    for user in (surabaya_officer, auditor):
        assert _api(user).get("/api/audit-entries").status_code == 403


def test_the_account_page_shows_a_new_token_once_lists_it_and_revokes_it(
    surabaya_officer: User, client_for: Callable[..., Client]
) -> None:
    page = client_for(surabaya_officer)
    created = page.post(reverse("accounts:token_new"), {"name": "laporan bulanan"})
    raw = created.context["raw_token"]
    assert raw.startswith("pdp_") and raw in created.content.decode()
    again = page.get(reverse("accounts:account")).content.decode()
    assert raw not in again and "laporan bulanan" in again and f"pdp_{raw[4:12]}" in again
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    token = _rows(api.get("/api/me/tokens"))[0]
    assert (token["name"], token["prefix"]) == ("laporan bulanan", raw[4:12])
    page.post(reverse("accounts:token_revoke", args=[token["id"]]))
    assert api.get("/api/me/tokens").status_code == 401  # the revoked token opens nothing any more
    assert "laporan bulanan" not in page.get(reverse("accounts:account")).content.decode()
