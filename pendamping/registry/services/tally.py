"""Upkeep of the family tally (models.FamilyTally) on PostgreSQL, where every write statement appends rows."""

from django.db import connection, transaction

COMPACT_LOCK = 0x70647467  # "pdtg": one compaction at a time; the others go on reading the rows as they are


def family_tally_compact() -> bool:
    """Add the tally's rows up into one per regency and status, in one statement; False when another process is
    doing it already or the database keeps one row per key anyway (SQLite). Rows that writers append meanwhile
    are not in this statement's snapshot and stay as they are, so nothing is counted twice or lost."""
    if connection.vendor != "postgresql":
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [COMPACT_LOCK])
        if not cursor.fetchone()[0]:
            return False
        cursor.execute(
            "WITH gone AS (DELETE FROM registry_familytally RETURNING regency_code, status, families) "
            "INSERT INTO registry_familytally (regency_code, status, families) "
            "SELECT regency_code, status, SUM(families) FROM gone GROUP BY regency_code, status "
            "HAVING SUM(families) <> 0"
        )
    return True
