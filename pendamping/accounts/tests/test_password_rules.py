"""D2 (QUALITY.md): a password is at least 8 characters, not a common one and not all digits (the validators
that `createsuperuser`, `changepassword` and Django's password forms apply)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("password", "reason"),
    [("Ab3$xyz", "too short"), ("password123", "too common"), ("12345678901", "entirely numeric")],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert any(reason in message for message in refused.value.messages), refused.value.messages


def test_a_long_uncommon_password_passes() -> None:
    validate_password("kube-jatim-Pendamping-2026")
