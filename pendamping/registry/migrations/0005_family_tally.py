"""The family tally (models.FamilyTally): its table, the triggers that keep it, and its first counts."""

from typing import Any

from django.db import migrations, models

# PostgreSQL: one trigger per statement, with the statement's rows as transition tables, so a COPY of a million
# families adds a few rows (one per regency and status), not a million. Every statement appends its own rows:
# no two transactions ever wait for the same tally row.
POSTGRES = [
    """
    CREATE FUNCTION registry_family_tally() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO registry_familytally (regency_code, status, families)
            SELECT regency_id, status, COUNT(*) FROM new_rows GROUP BY regency_id, status;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO registry_familytally (regency_code, status, families)
            SELECT regency_id, status, -COUNT(*) FROM old_rows GROUP BY regency_id, status;
        ELSE
            INSERT INTO registry_familytally (regency_code, status, families)
            SELECT regency_id, status, SUM(n) FROM (
                SELECT regency_id, status, 1 AS n FROM new_rows
                UNION ALL SELECT regency_id, status, -1 FROM old_rows
            ) AS moved GROUP BY regency_id, status HAVING SUM(n) <> 0;
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION registry_family_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM registry_familytally;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER registry_family_tally_insert AFTER INSERT ON registry_family "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_family_tally()",
    "CREATE TRIGGER registry_family_tally_update AFTER UPDATE ON registry_family "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_family_tally()",
    "CREATE TRIGGER registry_family_tally_delete AFTER DELETE ON registry_family "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_family_tally()",
    "CREATE TRIGGER registry_family_tally_truncate AFTER TRUNCATE ON registry_family "
    "FOR EACH STATEMENT EXECUTE FUNCTION registry_family_tally_truncate()",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS registry_family_tally_insert ON registry_family",
    "DROP TRIGGER IF EXISTS registry_family_tally_update ON registry_family",
    "DROP TRIGGER IF EXISTS registry_family_tally_delete ON registry_family",
    "DROP TRIGGER IF EXISTS registry_family_tally_truncate ON registry_family",
    "DROP FUNCTION IF EXISTS registry_family_tally()",
    "DROP FUNCTION IF EXISTS registry_family_tally_truncate()",
]


def _add(row: str, change: int) -> str:
    return (
        "INSERT INTO registry_familytally (regency_code, status, families) "
        f"VALUES ({row}.regency_id, {row}.status, {change}) "
        f"ON CONFLICT (regency_code, status) DO UPDATE SET families = families + ({change});"
    )


# SQLite has row triggers only, and one writer at a time: each row's change goes into the key's one row.
SQLITE = [
    "CREATE UNIQUE INDEX family_tally_one_row ON registry_familytally (regency_code, status)",
    f"CREATE TRIGGER registry_family_tally_insert AFTER INSERT ON registry_family BEGIN {_add('NEW', 1)} END",
    # A flush (audit's `flush` command marks it) empties the tally itself: the rows it deletes must not count.
    "CREATE TRIGGER registry_family_tally_delete AFTER DELETE ON registry_family "
    f"WHEN NOT EXISTS (SELECT 1 FROM audit_flush_in_progress) BEGIN {_add('OLD', -1)} END",
    "CREATE TRIGGER registry_family_tally_update AFTER UPDATE OF regency_id, status ON registry_family "
    "WHEN OLD.regency_id IS NOT NEW.regency_id OR OLD.status IS NOT NEW.status "
    f"BEGIN {_add('OLD', -1)} {_add('NEW', 1)} END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS registry_family_tally_insert",
    "DROP TRIGGER IF EXISTS registry_family_tally_delete",
    "DROP TRIGGER IF EXISTS registry_family_tally_update",
    "DROP INDEX IF EXISTS family_tally_one_row",
]

FIRST_COUNTS = (
    "INSERT INTO registry_familytally (regency_code, status, families) "
    "SELECT regency_id, status, COUNT(*) FROM registry_family GROUP BY regency_id, status"
)


def _run(schema_editor: Any, statements: list[str]) -> None:
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(apps: Any, schema_editor: Any) -> None:
    postgres = schema_editor.connection.vendor == "postgresql"
    _run(schema_editor, [FIRST_COUNTS, *(POSTGRES if postgres else SQLITE)])


def uninstall(apps: Any, schema_editor: Any) -> None:
    postgres = schema_editor.connection.vendor == "postgresql"
    _run(schema_editor, POSTGRES_REVERSE if postgres else SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_family_fewer_indexes"),
        ("audit", "0002_append_only"),  # its flush marker, read by the SQLite delete trigger
    ]

    operations = [
        migrations.CreateModel(
            name="FamilyTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("regency_code", models.CharField(max_length=13)),
                ("status", models.CharField(max_length=10)),
                ("families", models.BigIntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["regency_code", "status"], name="family_tally_key")],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
