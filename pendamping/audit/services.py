"""Recording the audit trail. Every service that writes calls `audit_record` inside its transaction,
so an action and its audit entry are stored together or not at all."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from pendamping.audit.models import AuditEntry
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
