"""Access requests (UU 27/2022 art. 7, answered within 3 × 24 hours): everything held on one person, by NIK,
with the trail of who did what to it, and nothing on anyone else. The export is itself on the record."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.audit.models import AuditEntry
from pendamping.audit.services import audit_record, snapshot
from pendamping.core.nik import mask_number
from pendamping.privacy.selectors import PersonRecords, person_audit, person_records


def require_privacy_officer(actor: Any) -> None:
    """Privacy operations act on one person across every regency: the provincial admin's, not an officer's.
    `None` is the operator at the server (a command run without --actor), as everywhere (accounts.guards)."""
    if actor is not None and not getattr(actor, "is_province_admin", False):
        raise PermissionDenied(_("Only a provincial admin may handle personal-data requests."))


def clean_nik(value: Any) -> str:
    nik = str(value or "").strip()
    if len(nik) != 16 or not nik.isdigit():
        raise ValidationError({"nik": _("NIK must be 16 digits.")})
    return nik


def _label(row: models.Model) -> str:
    return f"{row._meta.app_label}.{row._meta.model_name}"


def _entry(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor_name,
        "door": entry.door,
        "action": entry.action,
        "record": f"{entry.content_type.app_label}.{entry.content_type.model}",
        "record_id": entry.object_id,
        "changes": entry.changes,
    }


def _document(nik: str, found: PersonRecords, now: dt.datetime) -> dict[str, Any]:
    records: dict[str, list[dict[str, Any]]] = {}
    for row in found.all():
        records.setdefault(_label(row), []).append(snapshot(row))
    return {
        "nik": nik,
        "generated_at": now.isoformat(),
        "restricted": any(r.lifted_at is None for r in found.restrictions),
        "records": records,
        "audit": [_entry(entry) for entry in person_audit(records=found.all())],
    }


@transaction.atomic
def access_export(*, actor: Any, nik: str) -> dict[str, Any]:
    """The person's records and audit trail as a JSON-ready document. Every record disclosed gets a "reveal"
    entry, so the person's own trail shows the request was answered (and by whom)."""
    require_privacy_officer(actor)
    nik = clean_nik(nik)
    found = person_records(nik=nik)
    if not found:
        raise ValidationError({"nik": _("No record carries NIK %(nik)s.") % {"nik": mask_number(nik)}})
    document = _document(nik, found, timezone.now())
    for row in found.all():
        audit_record(actor=actor, action=AuditEntry.Action.REVEAL, obj=row, after={"access_request": True})
    return document


def access_text(document: dict[str, Any]) -> str:
    """The same document for a reader: one block per record, then the trail, oldest first."""
    lines = [_("Personal data held for NIK %(nik)s") % {"nik": document["nik"]}]
    lines.append(_("Generated at %(at)s") % {"at": document["generated_at"]})
    if document["restricted"]:
        lines.append(_("Processing of these records is restricted."))
    for label, rows in document["records"].items():
        for row in rows:
            lines += ["", f"[{label} #{row.get('id')}]"]
            lines += [f"  {key}: {value}" for key, value in row.items()]
    lines += ["", _("Audit trail (%(n)s entries)") % {"n": len(document["audit"])}]
    for entry in document["audit"]:
        changed = ", ".join(sorted(entry["changes"]))
        lines.append(
            f"  {entry['at']} {entry['actor']} ({entry['door']}) {entry['action']} {entry['record']}"
            f" #{entry['record_id']} {changed}".rstrip()
        )
    return "\n".join(lines) + "\n"


def access_write(document: dict[str, Any], path: Path) -> list[Path]:
    """`path` (JSON) and beside it the readable text (.txt); only the owner may read them (personal data)."""
    text_path = path.with_suffix(".txt")
    for target, content in (
        (path, json.dumps(document, ensure_ascii=False, indent=2, default=str)),
        (text_path, access_text(document)),
    ):
        target.write_text(content, encoding="utf-8")
        target.chmod(0o600)
    return [path, text_path]
