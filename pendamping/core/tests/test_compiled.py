"""CompiledQuery: an ORM query compiled once, run again with a new value, gives what the ORM gives."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import F, OuterRef
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pendamping.accounts.models import ApiToken, User
from pendamping.accounts.tests.factories import UserFactory
from pendamping.core.compiled import CompiledQuery

pytestmark = pytest.mark.django_db

BY_USERNAME = CompiledQuery(
    lambda name: User.objects.filter(username=name).annotate(
        first_token_used=F("api_tokens__last_used_at"), codes=User.regency_codes_of(OuterRef("pk"))
    )
)


def test_the_rows_are_the_orm_queries_rows_with_its_annotations(regions: Any) -> None:
    officer = UserFactory(username="two_regencies", regencies=["35.78", "35.07"])
    used = timezone.now() - dt.timedelta(days=3)
    ApiToken.objects.create(user=officer, name="t", prefix="x", digest="d" * 64, last_used_at=used)
    UserFactory(username="other", regencies=["35.01"])
    (row,) = BY_USERNAME("two_regencies")
    assert (row.pk, row.username, row.role, row.is_active) == (officer.pk, "two_regencies", officer.role, True)
    assert sorted(row.codes.split(",")) == ["35.07", "35.78"]
    # A time read back is a time in either database (SQLite hands raw queries text; the annotation's converters run).
    assert row.first_token_used == used and row.first_token_used.tzinfo is not None
    assert BY_USERNAME("nobody") == []


def test_it_is_compiled_once_and_each_call_is_one_query(regions: Any) -> None:
    UserFactory(username="a")
    UserFactory(username="b")
    BY_USERNAME("a")
    with CaptureQueriesContext(connection) as queries:
        assert [u.username for u in BY_USERNAME("b")] == ["b"]
        assert [u.username for u in BY_USERNAME("a")] == ["a"]
    assert len(queries.captured_queries) == 2


def test_a_value_that_looks_like_sql_is_only_a_value(regions: Any) -> None:
    UserFactory(username="a")
    assert BY_USERNAME("a' OR '1'='1") == []
    assert BY_USERNAME("%") == []


@pytest.mark.parametrize(
    "build",
    [
        lambda v: User.objects.filter(username=v, first_name=v),  # twice
        lambda v: User.objects.all(),  # not at all
    ],
)
def test_a_query_must_use_its_value_exactly_once(build: Any) -> None:
    with pytest.raises(ValueError, match="exactly once"):
        CompiledQuery(build)("x")
