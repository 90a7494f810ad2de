"""The companion's path through the model: every status they held, from the audit trail."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType

from pendamping.audit.models import AuditEntry
from pendamping.companions.models import Companion


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    at: dt.datetime
    by: str


def companion_path(*, companion: Companion) -> list[Step]:
    """The statuses in the order they were reached: the status the record was created with, then each change.
    Read from the audit trail, which every lifecycle step writes (one query)."""
    labels = dict(Companion.Status.choices)
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Companion), object_id=str(companion.pk)
    ).order_by("at", "id")
    steps: list[Step] = []
    for entry in entries:
        status = _status_after(entry)
        if status and (not steps or steps[-1].status != status):
            steps.append(Step(status, str(labels.get(status, status)), entry.at, entry.actor_name))
    return steps


def _status_after(entry: Any) -> str | None:
    if entry.action == AuditEntry.Action.CREATE:
        return str(entry.changes.get("status", [None, None])[1] or "") or None
    change = entry.changes.get("status")
    return str(change[1]) if change else None
