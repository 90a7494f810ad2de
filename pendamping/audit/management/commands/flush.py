"""`pendamping flush`: Django's flush, made to pass the append-only audit trail on SQLite.

SQLite empties tables with `DELETE FROM`, which the audit table's delete trigger refuses (migration 0002). A wipe
of the whole database is not an edit of the evidence, so this marks it in `audit_flush_in_progress` and unmarks
it in one transaction: a flush that fails leaves the guard as it was. PostgreSQL flushes with TRUNCATE, which
row triggers never see, so it needs nothing. Test cases that empty the database (transactional tests) call this
command too."""

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

FLUSH_MARK = "audit_flush_in_progress"  # created by audit migration 0002


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite" or FLUSH_MARK not in connection.introspection.table_names():
            super().handle(**options)
            return
        # FLUSH_MARK is a constant table name.
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FLUSH_MARK} (id) VALUES (1)")  # nosec B608
            super().handle(**options)
            cursor.execute(f"DELETE FROM {FLUSH_MARK}")  # nosec B608
