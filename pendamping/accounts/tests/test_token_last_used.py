"""A token's "last used" is kept to the minute: one write per minute of use, not one per request."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from pendamping.accounts.models import ApiToken, User
from pendamping.accounts.services import LAST_USED_PRECISION, token_authenticate, token_create

pytestmark = pytest.mark.django_db


def test_the_first_use_is_stamped_and_a_use_within_the_minute_writes_nothing(
    surabaya_officer: User, django_assert_num_queries: Any
) -> None:
    token, raw = token_create(user=surabaya_officer, name="ponsel")
    assert token_authenticate(raw=raw) == surabaya_officer
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # the lookup only
        assert token_authenticate(raw=raw) == surabaya_officer
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first


def test_a_use_after_the_minute_moves_last_used_on(surabaya_officer: User) -> None:
    token, raw = token_create(user=surabaya_officer, name="ponsel")
    earlier = timezone.now() - LAST_USED_PRECISION - dt.timedelta(seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    token_authenticate(raw=raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > earlier
