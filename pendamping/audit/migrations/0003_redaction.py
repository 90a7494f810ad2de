"""One narrow exception to the append-only trail (migration 0002): the retention purge may blank a person's
personal values in the earlier entries of their records (QUALITY E5 with E2). Otherwise a record anonymised after
its retention period would still be readable, name and NIK, in its own create entry.

An UPDATE of an entry passes only when the entry's id is listed in `audit_redaction_in_progress`, which
`audit.services.audit_redact` fills and empties within its own transaction, and only when nothing but `changes`
and `object_repr` differs: when, who, which door, what was done and to which row stay as they were."""

import importlib
from typing import Any

from django.db import migrations

append_only: Any = importlib.import_module("pendamping.audit.migrations.0002_append_only")

REFUSED = append_only.REFUSED

PG_INSTALL = [
    "CREATE TABLE IF NOT EXISTS audit_redaction_in_progress (entry_id bigint PRIMARY KEY)",
    f"""
    CREATE OR REPLACE FUNCTION audit_auditentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
           AND to_jsonb(NEW) - 'actor_id' = to_jsonb(OLD) - 'actor_id' THEN
            RETURN NEW;
        END IF;
        IF TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM audit_redaction_in_progress WHERE entry_id = OLD.id)
           AND to_jsonb(NEW) - 'changes' - 'object_repr' = to_jsonb(OLD) - 'changes' - 'object_repr' THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{REFUSED}' USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
]
PG_REMOVE = [*append_only.PG_INSTALL[:1], "DROP TABLE IF EXISTS audit_redaction_in_progress"]

_KEPT = " AND ".join(
    f"NEW.{column} IS OLD.{column}"
    for column in ("id", "at", "actor_id", "actor_name", "door", "action", "content_type_id", "object_id")
)
SQLITE_INSTALL = [
    "CREATE TABLE IF NOT EXISTS audit_redaction_in_progress (entry_id INTEGER PRIMARY KEY)",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
    f"""
    CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
    WHEN NOT (OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL AND {append_only._UNCHANGED})
     AND NOT (EXISTS (SELECT 1 FROM audit_redaction_in_progress WHERE entry_id = OLD.id) AND {_KEPT})
    BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
    append_only.SQLITE_INSTALL[1],
    "DROP TABLE IF EXISTS audit_redaction_in_progress",
]


def _run(schema_editor: Any, statements_by_vendor: dict[str, list[str]]) -> None:
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def forwards(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"postgresql": PG_INSTALL, "sqlite": SQLITE_INSTALL})


def backwards(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, {"postgresql": PG_REMOVE, "sqlite": SQLITE_REMOVE})


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
