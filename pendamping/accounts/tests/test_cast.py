"""The named cast and test settings from the root conftest.py behave as the scoping tests assume."""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.test import Client

from pendamping.accounts.models import Role, User
from pendamping.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_cast_has_one_user_per_role_with_the_expected_regencies(
    admin: User,
    surabaya_officer: User,
    malang_officer: User,
    companion_user: User,
    evaluator: User,
    auditor: User,
    norole: User,
    officer_without_region: User,
) -> None:
    cast = [admin, surabaya_officer, malang_officer, companion_user, evaluator, auditor, norole, officer_without_region]
    assert [(u.role, u.regency_codes) for u in cast] == [
        (Role.ADMIN, []),
        (Role.OFFICER, ["35.78"]),
        (Role.OFFICER, ["35.07"]),
        (Role.COMPANION, []),
        (Role.EVALUATOR, []),
        (Role.AUDITOR, ["35.78"]),
        ("", []),
        (Role.OFFICER, []),
    ]
    assert admin.is_province_admin and not surabaya_officer.is_province_admin


def test_tests_hash_passwords_fast() -> None:
    assert get_hasher().algorithm == "md5"


@pytest.mark.real_password_hashers
def test_production_hashes_passwords_with_argon2_first() -> None:
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert UserFactory().password.startswith("argon2$")


def test_tasks_run_immediately_in_tests() -> None:
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks.backends.immediate.ImmediateBackend"


def test_client_for_signs_the_user_in(client_for: Callable[..., Client], surabaya_officer: User) -> None:
    client = client_for(surabaya_officer)
    assert int(client.session["_auth_user_id"]) == surabaya_officer.pk


def test_factory_users_can_sign_in_with_the_shared_password(malang_officer: User) -> None:
    assert malang_officer.check_password(PASSWORD)
