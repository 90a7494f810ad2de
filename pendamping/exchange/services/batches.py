"""Import batches: upload, check (a dry run that shows what would happen), run, undo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require
from pendamping.audit.services import audit_record
from pendamping.exchange.kinds import get_kind, kind_names
from pendamping.exchange.models import ImportBatch, Mode, OnExisting
from pendamping.exchange.outcome import Progress, Summary, no_progress
from pendamping.exchange.services import files
from pendamping.exchange.services.duplicates import duplicates_scan
from pendamping.exchange.services.execute import execute
from pendamping.registry.models import Membership

Status = ImportBatch.Status
REPEATABLE = {Status.UPLOADED, Status.CHECKED, Status.REJECTED, Status.FAILED}


def _check_choices(kind: str, mode: str, on_existing: str) -> None:
    errors: dict[str, str] = {}
    if kind not in kind_names():
        errors["kind"] = _("Unknown kind %(kind)s; choose one of: %(kinds)s.") % {
            "kind": kind,
            "kinds": ", ".join(kind_names()),
        }
    if mode not in Mode.values:
        errors["mode"] = _("Mode must be 'all' or 'valid-only'.")
    if on_existing not in OnExisting.values:
        errors["on_existing"] = _("For existing records choose skip, update or reject.")
    if errors:
        raise ValidationError(errors)


def batch_upload(
    *,
    actor: Any,
    kind: str,
    name: str,
    chunks: Iterable[bytes],
    mode: str = Mode.ALL,
    on_existing: str = OnExisting.SKIP,
    mapping: dict[str, str] | None = None,
) -> ImportBatch:
    """Keep an uploaded file as a new batch (nothing is read or written yet)."""
    require(actor, "import.run")
    _check_choices(kind, mode, on_existing)
    if get_kind(kind).permission:
        require(actor, get_kind(kind).permission)
    stored, digest, size = files.store(chunks)
    return ImportBatch.objects.create(
        kind=kind,
        mode=mode,
        on_existing=on_existing,
        file_name=files.display_name(name),
        file_sha256=digest,
        file_size=size,
        stored_as=stored,
        mapping=mapping or {},
        created_by=actor,
    )


def batch_configure(
    *, actor: Any, batch: ImportBatch, mode: str, on_existing: str, mapping: dict[str, str] | None = None
) -> ImportBatch:
    """Change how a batch will run (mode, policy, column mapping) before it has been imported."""
    _may_touch(actor, batch)
    _check_choices(batch.kind, mode, on_existing)
    if batch.status not in REPEATABLE:
        raise ValidationError(_("This import has already run; upload the file again to import it anew."))
    batch.mode, batch.on_existing = mode, on_existing
    if mapping is not None:
        batch.mapping = mapping
    batch.status = Status.UPLOADED
    batch.save(update_fields=["mode", "on_existing", "mapping", "status"])
    return batch


def _may_touch(actor: Any, batch: ImportBatch) -> None:
    require(actor, "import.run")
    if not ImportBatch.objects.visible_to(actor).filter(pk=batch.pk).exists():
        raise ValidationError(_("This import belongs to someone else."))


def batch_check(*, batch: ImportBatch, progress: Progress = no_progress) -> Summary:
    """A dry run: every row validated and written inside a transaction that is then rolled back."""
    if batch.status not in REPEATABLE:
        raise ValidationError(_("This import has already run."))
    return execute(batch, dry_run=True, progress=progress)


def batch_run(*, batch: ImportBatch, progress: Progress = no_progress) -> Summary:
    """The import itself. Re-running a failed or rejected batch is allowed: nothing of it was kept."""
    claimed = ImportBatch.objects.filter(pk=batch.pk, status__in=REPEATABLE).update(status=Status.RUNNING)
    if not claimed:  # another worker took it, or it ran already: never import the same batch twice
        raise ValidationError(_("This import is running or has already run."))
    summary = execute(batch, dry_run=False, progress=progress)
    if batch.status == Status.DONE:
        audit_record(actor=batch.created_by, action="import", obj=batch, after=_audit_counts(batch))
    return summary


def flag_duplicates(batch: ImportBatch) -> int:
    """Possible duplicates no unique key catches, among the records the batch wrote, flagged for review."""
    records = batch.records.all()
    if batch.kind == "families":
        return duplicates_scan(family_ids=records.filter(model="registry.family").object_ids(), batch=batch)
    if batch.kind == "companions":
        return duplicates_scan(companion_ids=records.filter(model="companions.companion").object_ids(), batch=batch)
    if batch.kind == "groups":
        members = Membership.objects.filter(records.filter(model="registry.membership").objects_q())
        return duplicates_scan(family_ids=members.values_list("family_id", flat=True), batch=batch)
    return 0


def _audit_counts(batch: ImportBatch) -> dict[str, Any]:
    fields = ("kind", "file_name", "file_sha256", "rows", "created", "updated", "skipped", "rejected")
    return {name: getattr(batch, name) for name in fields}


@transaction.atomic
def batch_undo(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Take back what a batch wrote, while nothing else depends on it; all or nothing."""
    _may_touch(actor, batch)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != Status.DONE:
        raise ValidationError(_("Only a finished import can be undone."))
    kind = get_kind(batch.kind)
    undo_bulk = getattr(kind, "undo_bulk", None)
    if undo_bulk is not None:
        undo_bulk(batch, actor=actor)
    else:
        for record in batch.records.filter(model=kind.model_label).order_by("-id"):
            kind.undo(record.object_id, record.action, record.before, actor=actor)
    batch.status, batch.undone_by, batch.undone_at = Status.UNDONE, actor, timezone.now()
    batch.save(update_fields=["status", "undone_by", "undone_at"])
    audit_record(actor=actor, action="undo", obj=batch, before=_audit_counts(batch))
    return batch


def batch_reap_stale() -> int:
    """Imports whose worker died (no heartbeat for IMPORT_STALE_MINUTES) end as failed: their transaction was
    rolled back by the database, so nothing of them is in it."""
    minutes = int(settings.PENDAMPING.get("IMPORT_STALE_MINUTES", 15))
    cutoff = timezone.now() - dt.timedelta(minutes=minutes)
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    return ImportBatch.objects.filter(silent, status__in=[Status.CHECKING, Status.RUNNING]).update(
        status=Status.FAILED,
        phase="",
        finished_at=timezone.now(),
        message=_("The import stopped without finishing (its worker ended); nothing was written. Run it again."),
    )
