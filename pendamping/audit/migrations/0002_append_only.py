"""The audit trail is append-only in the database itself (QUALITY E2): a trigger refuses every UPDATE and DELETE
of an audit row, whatever door, role or raw SQL tries it, so the evidence does not rest on the code being right.

One UPDATE stays allowed: the SET NULL of `actor` when a user is deleted, and only when nothing else changes,
because `actor_name` keeps who it was. TRUNCATE is not a row operation and passes: flush (and so the test suite)
uses it on PostgreSQL. The guard stops the application and mistakes; a role that owns the table can still drop
the trigger or truncate on purpose, which only a separate, non-owner application role would prevent.

SQLite's flush is `DELETE FROM` on every table, which the delete trigger would stop; the audit app's `flush`
command marks the wipe in `audit_flush_in_progress` within the same transaction, and only then do rows go.
SQLite drops a table's triggers when a migration rebuilds the table: a later migration that alters AuditEntry
must run this one's forwards again (test_append_only.py fails until it does)."""

from django.db import migrations

REFUSED = "audit entries are append-only"

PG_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_auditentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
           AND to_jsonb(NEW) - 'actor_id' = to_jsonb(OLD) - 'actor_id' THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{REFUSED}' USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_auditentry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_append_only()
    """,
]
PG_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_auditentry_append_only()",
]

# Every column but actor_id must stay as it was (IS is SQLite's null-safe equality).
_UNCHANGED = " AND ".join(
    f"NEW.{column} IS OLD.{column}"
    for column in ("id", "at", "actor_name", "door", "action", "content_type_id", "object_id", "object_repr", "changes")
)
SQLITE_INSTALL = [
    "CREATE TABLE IF NOT EXISTS audit_flush_in_progress (id INTEGER PRIMARY KEY)",
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
    WHEN NOT (OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL AND {_UNCHANGED})
    BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_delete BEFORE DELETE ON audit_auditentry
    WHEN NOT EXISTS (SELECT 1 FROM audit_flush_in_progress)
    BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_delete",
    "DROP TABLE IF EXISTS audit_flush_in_progress",
]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_INSTALL, "sqlite": SQLITE_INSTALL})


def backwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_REMOVE, "sqlite": SQLITE_REMOVE})


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
