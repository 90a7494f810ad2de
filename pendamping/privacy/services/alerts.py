"""Alerts on one user exporting or viewing more personal data than the office expects (QUALITY E6).

The counts come from the audit trail, which already holds every export with unmasked numbers (with its row
count) and every unmasked view: no second ledger to keep in step. The log line names the user's id and the
counts only, never a NIK or a name (QUALITY E3)."""

import datetime as dt
import logging
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from pendamping.audit.models import AuditEntry
from pendamping.audit.services import audit_record, snapshot
from pendamping.privacy import conf
from pendamping.privacy.models import Alert

logger = logging.getLogger("pendamping.privacy")


def _exported_rows(user: Any, since: dt.datetime) -> int:
    """Rows of the user's exports since `since`: export entries hang on the exporting user (exchange)."""
    entries = AuditEntry.objects.filter(
        actor=user,
        action=AuditEntry.Action.REVEAL,
        content_type=ContentType.objects.get_for_model(user, for_concrete_model=True),
        object_id=str(user.pk),
        at__gte=since,
    ).values_list("changes", flat=True)
    total = 0
    for changes in entries:
        rows = (changes or {}).get("rows")
        if isinstance(rows, list) and rows and isinstance(rows[-1], int):
            total += rows[-1]
    return total


def _raise(*, user: Any, kind: str, since: dt.datetime, detail: dict[str, Any]) -> Alert | None:
    """One open alert per user and kind within a window: a user exporting all afternoon raises one, not fifty."""
    if Alert.objects.filter(user=user, kind=kind, at__gte=since, acknowledged_at__isnull=True).exists():
        return None
    alert = Alert.objects.create(kind=kind, user=user, username=user.username, detail=detail)
    logger.warning("privacy alert %s: user id %s, %s", kind, user.pk, ", ".join(f"{k}={v}" for k, v in detail.items()))
    return alert


@transaction.atomic
def alert_check_export(*, user: Any, rows: int, now: dt.datetime | None = None) -> Alert | None:
    """After an export of `rows` personal rows is recorded: an alert when the user's exports within the window
    (PRIVACY_MASS_HOURS) passed PRIVACY_MASS_ROWS rows."""
    if not getattr(user, "is_authenticated", False):
        return None
    hours, limit = conf.mass_hours(), conf.mass_rows()
    since = (now or timezone.now()) - dt.timedelta(hours=hours)
    total = max(_exported_rows(user, since), rows)  # `rows` counts even if the caller recorded no entry
    if total <= limit:
        return None
    detail = {"rows": total, "limit": limit, "hours": hours}
    return _raise(user=user, kind=Alert.Kind.MASS_EXPORT, since=since, detail=detail)


def alert_check_reveals(user: Any, *, now: dt.datetime | None = None) -> Alert | None:
    """After a reveal is recorded: an alert when the user viewed more than PRIVACY_REVEALS_PER_HOUR records
    unmasked within the last hour."""
    limit = conf.reveals_per_hour()
    since = (now or timezone.now()) - dt.timedelta(hours=1)
    seen = AuditEntry.objects.filter(actor=user, action=AuditEntry.Action.REVEAL, at__gte=since).count()
    if seen <= limit:
        return None
    return _raise(user=user, kind=Alert.Kind.MASS_VIEW, since=since, detail={"reveals": seen, "limit": limit})


@transaction.atomic
def alert_acknowledge(*, actor: Any, alert: Alert) -> Alert:
    if alert.acknowledged_at is None:
        before = snapshot(alert)
        alert.acknowledged_by, alert.acknowledged_at = actor, timezone.now()
        alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
        audit_record(actor=actor, action="update", obj=alert, before=before, after=snapshot(alert))
    return alert
