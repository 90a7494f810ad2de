"""Recording the audit trail. Every service that writes calls `audit_record` inside its transaction,
so an action and its audit entry are stored together or not at all."""

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

from pendamping.audit.models import AuditEntry
from pendamping.audit.selectors import audit_of
from pendamping.core.context import current_door

_reveal_listeners: list[Callable[[Any], object]] = []


def on_reveal(listener: Callable[[Any], object]) -> None:
    """Call `listener(user)` after each reveal is recorded (the privacy app's mass-viewing alert). The audit sits
    below every app, so an app above it listens here instead of every door that reveals calling it."""
    if listener not in _reveal_listeners:
        _reveal_listeners.append(listener)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The concrete field values of a row, as JSON-ready plain values (foreign keys as their ids)."""
    return {f.attname: _plain(getattr(obj, f.attname)) for f in obj._meta.concrete_fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = before.keys() | after.keys()
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry.objects.create(
        actor=user,
        actor_name=getattr(user, "username", "") if user else "system",
        door=current_door(),
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=diff(before or {}, after or {}),
    )
    if action == AuditEntry.Action.REVEAL and user is not None:
        for listener in _reveal_listeners:
            listener(user)
    return entry


@transaction.atomic
def audit_redact(*, rows: Iterable[models.Model], fields: Iterable[str], marker: str) -> int:
    """Blank the values of `fields` in every entry of `rows`, and describe each entry by its row as it is now:
    what the retention purge does once it has anonymised a record, so the trail keeps what happened, when,
    by whom and through which door, but no longer who the person was. The one change of an entry the database
    allows (migration 0003): it lets through entries listed in audit_redaction_in_progress, which is filled and
    emptied here, in one transaction, and only their `changes` and `object_repr`. Returns the entries changed."""
    rows, blank = list(rows), set(fields)
    now_as = {(ContentType.objects.get_for_model(r, for_concrete_model=True).pk, str(r.pk)): str(r)[:200] for r in rows}
    changed = []
    for entry in audit_of(rows):
        changes = {k: ([marker, marker] if k in blank else v) for k, v in entry.changes.items()}
        described = now_as.get((entry.content_type_id, entry.object_id), entry.object_repr)
        if changes != entry.changes or described != entry.object_repr:
            entry.changes, entry.object_repr = changes, described
            changed.append(entry)
    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO audit_redaction_in_progress (entry_id) VALUES (%s)", [[e.pk] for e in changed])
        AuditEntry.objects.bulk_update(changed, ["changes", "object_repr"], batch_size=500)
        cursor.execute("DELETE FROM audit_redaction_in_progress")
    return len(changed)
