"""Django's database cache with a cheaper `set`: the API's rate limits write a counter for every call of the API.

Django's own `set` counts the whole cache table (to cull it), then reads the key and updates or inserts it in a
transaction: five statements and a commit. Here a `set` is one UPSERT, and the table is counted only on every
CULL_EVERY-th write of a process, so it may run over MAX_ENTRIES by at most that many rows per process before the
oldest are culled. Reads, `add`, `touch` and `clear` are Django's.

`take` is the API's rate limit in one statement (see there)."""

import base64
import itertools
import pickle  # nosec B403: Django's own cache format; only the application writes the values it reads back
import time
from datetime import UTC, datetime
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now

CULL_EVERY = 100


class DatabaseCache(DjangoDatabaseCache):
    _table: str  # set by Django's __init__; the stubs do not declare it

    def __init__(self, table: str, params: dict[str, Any]) -> None:
        super().__init__(table, params)
        self._writes = itertools.count()  # next() on a count is atomic under the GIL: safe for threads

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, expires = quote(self._table), self._expiry(timeout)
        value_text = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        with connection.cursor() as cursor:
            if next(self._writes) % CULL_EVERY == 0:
                self._cull_when_full(db, cursor, table)
            cursor.execute(
                # Identifiers only (the CACHES setting's table, Django's columns, quoted); every value a parameter.
                f"INSERT INTO {table} ({quote('cache_key')}, {quote('value')}, {quote('expires')}) "  # noqa: S608  # nosec B608
                f"VALUES (%s, %s, %s) ON CONFLICT ({quote('cache_key')}) "
                f"DO UPDATE SET {quote('value')} = EXCLUDED.{quote('value')}, "
                f"{quote('expires')} = EXCLUDED.{quote('expires')}",
                [key, value_text, connection.ops.adapt_datetimefield_value(expires)],
            )

    def _expiry(self, timeout: Any) -> datetime:
        seconds = self.get_backend_timeout(timeout)
        expires = datetime.max.replace(tzinfo=UTC) if seconds is None else datetime.fromtimestamp(seconds, tz=UTC)
        return expires.replace(microsecond=0)

    def _cull_when_full(self, db: str, cursor: Any, table: str) -> None:
        # The table name is the CACHES setting's, quoted.
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608  # nosec B608
        count = cursor.fetchone()[0]
        if count > self._max_entries:
            cull: Any = self._cull  # type: ignore[attr-defined]  # Django's own, undeclared in the stubs
            cull(db, cursor, tz_now().replace(microsecond=0), count)

    def take(self, key: str, *, interval: float, burst: float) -> float:
        """One call against a GCRA rate limit (core.api_support._Throttle), decided and counted by one
        statement, so two workers can never both take the last place. The row holds the time at which the
        client's allowance is full again, as text; the call is let through when that time is at most `burst`
        seconds ahead, and then moves it on by `interval`. Returns 0 when let through, else the seconds to wait."""
        key = self.make_and_validate_key(key)
        connection = connections[router.db_for_write(self.cache_model_class)]
        quote, now = connection.ops.quote_name, time.time()
        table = quote(self._table)
        later = "GREATEST" if connection.vendor == "postgresql" else "MAX"
        number = "double precision" if connection.vendor == "postgresql" else "REAL"
        full_at = f"{later}(CAST({table}.{quote('value')} AS {number}), %s)"
        expires = connection.ops.adapt_datetimefield_value(self._expiry(interval + burst))
        with connection.cursor() as cursor:
            cursor.execute(
                # Identifiers and the vendor's function names only; every value a parameter.
                f"INSERT INTO {table} ({quote('cache_key')}, {quote('value')}, {quote('expires')}) "  # noqa: S608  # nosec B608
                f"VALUES (%s, %s, %s) ON CONFLICT ({quote('cache_key')}) DO UPDATE SET "
                f"{quote('value')} = CAST({full_at} + %s AS TEXT), {quote('expires')} = EXCLUDED.{quote('expires')} "
                f"WHERE {full_at} - %s <= %s RETURNING 1",
                # SQLite keeps 15 digits of the text: a millisecond of slack so rounding never takes a place away.
                [key, repr(now + interval), expires, now, interval, now, now, burst + 0.001],
            )
            if cursor.fetchone():
                return 0.0
            read = f"SELECT {quote('value')} FROM {table} WHERE {quote('cache_key')} = %s"  # noqa: S608  # nosec B608
            cursor.execute(read, [key])
            row = cursor.fetchone()
        return interval if row is None else max(float(row[0]) - now - burst, 0.001)  # (culled in between)
