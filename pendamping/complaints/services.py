"""Writes of complaints (pengaduan): from the public form (no login) or entered by an officer, then assigned,
followed up and closed with a resolution.

The complainant's name and contact are for the admins and the assigned officer only
(Complaint.identity_visible_to), so they never enter the audit trail in clear: audit entries carry a mask that
says whether the field was filled, not what it said."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require, require_regency
from pendamping.accounts.models import Role
from pendamping.audit.services import audit_record, snapshot
from pendamping.companions.models import Companion
from pendamping.complaints.models import Complaint
from pendamping.core.concurrency import check_version
from pendamping.core.references import ALPHABET, random_reference
from pendamping.regions.models import Region
from pendamping.registry.models import Grant, Group

# Read aloud over a phone or copied by hand: no 0/O, 1/I/L.
REFERENCE_ALPHABET = ALPHABET
REFERENCE_PREFIX = "ADU-"
REFERENCE_LENGTH = 8
IDENTITY_FIELDS = ("complainant_name", "complainant_contact")
AUDIT_MASK = "***"
DESCRIPTION_MIN, DESCRIPTION_MAX = 10, 5000
CLOSED = (Complaint.Status.RESOLVED, Complaint.Status.REJECTED)


def new_reference() -> str:
    """A random reference such as ADU-7K3Q9P2M (31^8 ≈ 850 billion): it does not count complaints, and
    guessing someone else's is hopeless at the rate the status page allows."""
    return random_reference(REFERENCE_PREFIX, REFERENCE_LENGTH)


def audit_snapshot(complaint: Complaint) -> dict[str, Any]:
    """The row for the audit trail, with the complainant's identity masked."""
    values = snapshot(complaint)
    for name in IDENTITY_FIELDS:
        if values.get(name):
            values[name] = AUDIT_MASK
    return values


def _regency(code: Any, *, field: str = "regency") -> Region:
    region = Region.objects.filter(code=str(code or "").strip(), level=Region.Level.REGENCY).first()
    if region is None:
        raise ValidationError({field: _("Choose a regency or city.")})
    return region


def _choice(value: Any, choices: Any, *, field: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: _("Choose one of the options.")})
    return str(value)


def _text(value: Any, *, field: str, limit: int) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": limit}})
    return text


def _description(value: Any) -> str:
    text = str(value or "").strip()
    if len(text) < DESCRIPTION_MIN:
        raise ValidationError(
            {"description": _("Describe what happened (at least %(n)d characters).") % {"n": DESCRIPTION_MIN}}
        )
    if len(text) > DESCRIPTION_MAX:
        raise ValidationError({"description": _("At most %(n)d characters.") % {"n": DESCRIPTION_MAX}})
    return text


def _new(*, regency: Region, subject: Any, category: Any, description: Any, subject_text: Any) -> Complaint:
    return Complaint(
        regency=regency,
        subject=_choice(subject, Complaint.Subject, field="subject"),
        category=_choice(category, Complaint.Category, field="category"),
        description=_description(description),
        subject_text=_text(subject_text, field="subject_text", limit=200),
        status=Complaint.Status.NEW,
        due_on=timezone.localdate() + dt.timedelta(days=int(settings.PENDAMPING["COMPLAINT_DUE_DAYS"])),
    )


def _identity(complaint: Complaint, *, anonymous: bool, name: Any, contact: Any) -> None:
    """An anonymous complaint keeps no identity, whatever was typed."""
    complaint.anonymous = bool(anonymous)
    complaint.complainant_name = "" if anonymous else _text(name, field="complainant_name", limit=120)
    complaint.complainant_contact = "" if anonymous else _text(contact, field="complainant_contact", limit=120)


def _save(complaint: Complaint) -> None:
    complaint.full_clean(exclude=["regency", "group", "grant", "companion", "assigned_to", "created_by"])
    complaint.save()


def _save_new(complaint: Complaint) -> None:
    """Store with a fresh reference; a reference taken meanwhile (the unique index says so) is drawn again."""
    for _attempt in range(8):
        complaint.reference = new_reference()
        if Complaint.objects.filter(reference=complaint.reference).exists():
            continue
        try:
            with transaction.atomic():
                _save(complaint)
        except IntegrityError:
            continue
        return
    raise RuntimeError("no free complaint reference after 8 draws")  # 31^8 references: a broken generator


@transaction.atomic
def complaint_submit_public(
    *,
    regency_code: str,
    subject: str,
    category: str,
    description: str,
    group_code: str = "",
    subject_text: str = "",
    anonymous: bool,
    complainant_name: str = "",
    complainant_contact: str = "",
) -> Complaint:
    """A complaint from the public form (nobody signed in): the KUBE code, if given, must name a KUBE of the
    chosen regency."""
    regency = _regency(regency_code)
    complaint = _new(
        regency=regency, subject=subject, category=category, description=description, subject_text=subject_text
    )
    if code := str(group_code or "").strip():
        group = Group.objects.filter(code=code, regency_id=regency.code).first()
        if group is None:
            raise ValidationError(
                {"group_code": _("No KUBE has the code %(code)s in %(regency)s.") % {"code": code, "regency": regency}}
            )
        complaint.group = group
    complaint.channel = Complaint.Channel.PUBLIC
    _identity(complaint, anonymous=anonymous, name=complainant_name, contact=complainant_contact)
    _save_new(complaint)
    audit_record(actor=None, action="create", obj=complaint, after=audit_snapshot(complaint))
    return complaint


def _link(complaint: Complaint, *, group: Group | None, grant: Grant | None, companion: Companion | None) -> None:
    """Rows the complaint is about, all of its regency; a grant brings its KUBE along."""
    regency = complaint.regency_id
    if grant is not None:
        if group is not None and grant.group_id != group.pk:
            raise ValidationError({"grant": _("This grant belongs to another KUBE.")})
        group = grant.group
    if group is not None and group.regency_id != regency:
        raise ValidationError({"group": _("This KUBE is in another regency.")})
    if companion is not None and companion.regency_id != regency:
        raise ValidationError({"companion": _("This companion serves another regency.")})
    complaint.group, complaint.grant, complaint.companion = group, grant, companion


@transaction.atomic
def complaint_create(
    *,
    actor: Any,
    regency_code: str,
    subject: str,
    category: str,
    description: str,
    group: Group | None = None,
    grant: Grant | None = None,
    companion: Companion | None = None,
    subject_text: str = "",
    anonymous: bool = False,
    complainant_name: str = "",
    complainant_contact: str = "",
) -> Complaint:
    """A complaint an officer records (received by phone, letter or in person) for one of their regencies."""
    require(actor, "complaint.change")
    regency = _regency(regency_code)
    require_regency(actor, regency.code, field="regency")
    complaint = _new(
        regency=regency, subject=subject, category=category, description=description, subject_text=subject_text
    )
    _link(complaint, group=group, grant=grant, companion=companion)
    complaint.channel, complaint.created_by = Complaint.Channel.OFFICER, actor
    _identity(complaint, anonymous=anonymous, name=complainant_name, contact=complainant_contact)
    _save_new(complaint)
    audit_record(actor=actor, action="create", obj=complaint, after=audit_snapshot(complaint))
    return complaint


def _locked(actor: Any, complaint: Complaint) -> Complaint:
    require(actor, "complaint.change")
    row = Complaint.objects.select_for_update().get(pk=complaint.pk)
    require_regency(actor, row.regency_id, field="regency")
    return row


def may_handle(user: Any, regency_code: str) -> bool:
    """Who may be assigned a complaint of this regency: an active admin, or an active officer of it."""
    if not user.is_active:
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    return bool(user.role == Role.OFFICER and regency_code in user.regency_codes)


@transaction.atomic
def complaint_assign(*, actor: Any, complaint: Complaint, officer: Any, version: int | None = None) -> Complaint:
    """Hand the complaint to an officer of its regency (or an admin); a new complaint is then in progress."""
    row = _locked(actor, complaint)
    check_version(row, version)
    if row.status in CLOSED:
        raise ValidationError({"officer": _("This complaint is closed; reopen it before assigning it.")})
    if officer is None or not may_handle(officer, row.regency_id):
        raise ValidationError({"officer": _("Assign an officer of this complaint's regency, or an admin.")})
    before = audit_snapshot(row)
    row.assigned_to = officer
    if row.status == Complaint.Status.NEW:
        row.status = Complaint.Status.IN_PROGRESS
    row.version += 1
    _save(row)
    audit_record(actor=actor, action="update", obj=row, before=before, after=audit_snapshot(row))
    return row


@transaction.atomic
def complaint_set_status(
    *, actor: Any, complaint: Complaint, status: str, resolution: str = "", version: int | None
) -> Complaint:
    """Move a complaint along. Resolving or rejecting it needs a resolution (what was done, or why not) and
    dates it closed; reopening it clears the closing date."""
    row = _locked(actor, complaint)
    check_version(row, version)
    new_status = _choice(status, Complaint.Status, field="status")
    text = str(resolution or "").strip()
    if len(text) > DESCRIPTION_MAX:
        raise ValidationError({"resolution": _("At most %(n)d characters.") % {"n": DESCRIPTION_MAX}})
    if new_status in CLOSED and not text:
        raise ValidationError(
            {"resolution": _("Say how the complaint was resolved, or why it was rejected, before closing it.")}
        )
    before = audit_snapshot(row)
    if new_status not in CLOSED:
        row.closed_on = None
    elif row.status not in CLOSED or row.closed_on is None:  # resolved -> rejected keeps the closing date
        row.closed_on = timezone.localdate()
    row.status, row.resolution = new_status, text
    row.version += 1
    _save(row)
    audit_record(actor=actor, action="update", obj=row, before=before, after=audit_snapshot(row))
    return row


@transaction.atomic
def complaint_update_due(*, actor: Any, complaint: Complaint, due_on: dt.date, version: int | None = None) -> Complaint:
    """Move the due date of an open complaint (never before the day it was received)."""
    row = _locked(actor, complaint)
    check_version(row, version)
    if row.status in CLOSED:
        raise ValidationError({"due_on": _("This complaint is closed; its due date no longer applies.")})
    received = timezone.localdate(row.created_at)
    if due_on < received:
        raise ValidationError({"due_on": _("The due date cannot be before the complaint was received.")})
    before = audit_snapshot(row)
    row.due_on = due_on
    row.version += 1
    _save(row)
    audit_record(actor=actor, action="update", obj=row, before=before, after=audit_snapshot(row))
    return row
