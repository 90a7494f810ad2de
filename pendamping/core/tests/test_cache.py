"""The database cache's one-statement `set` (core/cache.py) behaves as Django's: values round-trip, a second set
replaces the first, timeouts expire, and the table is culled once it runs over MAX_ENTRIES."""

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pendamping.core import cache as fast_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty() -> None:
    cache.clear()


def test_the_default_cache_is_the_fast_one() -> None:
    assert isinstance(caches["default"], fast_cache.DatabaseCache)


def test_a_set_is_one_statement_and_replaces_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_cache, "CULL_EVERY", 10**9)  # no count on this write
    cache.set("k", [1.5, "dua"], 60)
    with CaptureQueriesContext(connection) as queries:
        cache.set("k", {"tiga": 3}, 60)
    assert len(queries.captured_queries) == 1, [q["sql"] for q in queries.captured_queries]
    assert cache.get("k") == {"tiga": 3}


def test_a_timeout_expires_and_none_keeps_forever(monkeypatch: pytest.MonkeyPatch) -> None:
    cache.set("short", "x", 30)
    cache.set("forever", "y", None)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=31)
    monkeypatch.setattr("django.core.cache.backends.db.tz_now", lambda: later)
    assert cache.get("short") is None and cache.get("forever") == "y"


def test_add_and_touch_still_work() -> None:
    assert cache.add("a", 1, 60) and not cache.add("a", 2, 60)
    assert cache.get("a") == 1 and cache.touch("a", 120)


def test_the_table_is_culled_when_it_runs_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_cache, "CULL_EVERY", 1)
    backend: Any = caches["default"]
    monkeypatch.setattr(backend, "_max_entries", 20)
    monkeypatch.setattr(backend, "_cull_frequency", 2)  # cull half
    for i in range(40):
        cache.set(f"k{i}", i, 60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pendamping_cache")
        count = cursor.fetchone()[0]
    assert count <= 21, count
    assert cache.get("k39") == 39  # the newest write is kept
