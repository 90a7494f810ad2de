"""Writes of companion records and their assignments to KUBE (the rest of the lifecycle comes with issue 5)."""

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require, require_regency
from pendamping.audit.services import audit_record, snapshot
from pendamping.companions.models import Assignment, Companion
from pendamping.core.concurrency import check_version
from pendamping.registry.models import Group
from pendamping.registry.services._common import masked_name, nik_info, regency_of, save_checked, village

COMPANION_FIELDS = ("name", "education", "phone", "caseload_limit")
# A new record may start as a candidate or, for someone already serving when the office starts using Pendamping,
# as active; every later status change is a step of the lifecycle (services/lifecycle.py).
INITIAL_STATUSES = ("candidate", "active")


def _apply(companion: Companion, data: dict[str, Any]) -> None:
    for key in COMPANION_FIELDS:
        if key in data:
            setattr(companion, key, data[key])
    companion.name = " ".join(str(companion.name).split())
    phone = str(companion.phone or "").replace(" ", "").replace("-", "")
    if phone and not re.fullmatch(r"\+?[0-9]{9,15}", phone):
        raise ValidationError({"phone": _("Phone number must be 9-15 digits, e.g. 081234567890.")})
    companion.phone = phone


def _set_places(companion: Companion, home_desa_code: str | None, regency_code: str | None, actor: Any) -> None:
    if home_desa_code:
        companion.home_desa = village(home_desa_code, field="home_desa")
    elif not companion.home_desa_id:
        raise ValidationError({"home_desa": _("Give the companion's home village.")})
    code = regency_code or (companion.regency_id if companion.regency_id else regency_of(companion.home_desa))
    if not code or len(code) != 5 or not code.startswith(companion.home_desa.code[:2]):
        raise ValidationError({"regency": _("Unknown regency of service: %(c)s") % {"c": code}})
    require_regency(actor, code, field="regency")
    companion.regency_id = code


@transaction.atomic
def companion_create(
    *, actor: Any, nik: str, home_desa_code: str, regency_code: str | None = None, **data: Any
) -> Companion:
    require(actor, "companion.change")
    info = nik_info(nik)
    other = Companion.objects.filter(nik=info.nik).first()
    if other is not None:
        raise ValidationError(
            {"nik": _("This NIK is already registered for companion %(name)s.") % {"name": masked_name(other.name)}}
        )
    status = data.pop("status", None) or Companion.Status.CANDIDATE
    if status not in INITIAL_STATUSES:
        raise ValidationError({"status": _("A new companion starts as a candidate, or as active if already serving.")})
    companion = Companion(nik=info.nik, sex=info.sex, birth_date=info.birth_date, status=status)
    _set_places(companion, home_desa_code, regency_code, actor)
    _apply(companion, data)
    save_checked(companion)
    audit_record(actor=actor, action="create", obj=companion, after=snapshot(companion))
    return companion


@transaction.atomic
def companion_update(
    *,
    actor: Any,
    companion: Companion,
    version: int | None = None,
    home_desa_code: str | None = None,
    regency_code: str | None = None,
    **data: Any,
) -> Companion:
    require(actor, "companion.change")
    if "status" in data:
        raise ValidationError({"status": _("A companion's status changes only through the steps of the model.")})
    companion = Companion.objects.select_for_update().get(pk=companion.pk)
    require_regency(actor, companion.regency_id, field="regency")
    check_version(companion, version)
    before = snapshot(companion)
    if regency_code and regency_code != companion.regency_id and companion.assignments.current().exists():
        raise ValidationError({"regency": _("End this companion's current assignments before moving them.")})
    _set_places(companion, home_desa_code, regency_code, actor)
    _apply(companion, data)
    companion.version += 1
    save_checked(companion)
    audit_record(actor=actor, action="update", obj=companion, before=before, after=snapshot(companion))
    return companion


def _refuse_assignment(companion: Companion, group: Group, replace: bool) -> Assignment | None:
    if companion.status != Companion.Status.ACTIVE:
        raise ValidationError({"companion": _("Only active companions can be assigned to a KUBE.")})
    if group.regency_id != companion.regency_id:
        raise ValidationError({"group": _("This KUBE is outside the companion's regency of service.")})
    if group.status in (Group.Status.INACTIVE, Group.Status.GRADUATED):
        raise ValidationError(
            {"group": _("This KUBE is %(s)s; it needs no companion.") % {"s": group.get_status_display()}}
        )
    held = companion.assignments.current().filter(group=group).exists()
    if held:
        raise ValidationError({"group": _("This companion already accompanies this KUBE.")})
    if companion.assignments.current().count() >= companion.caseload_limit:
        raise ValidationError(
            {
                "companion": _("This companion already accompanies %(n)d KUBE, the caseload limit.")
                % {"n": companion.caseload_limit}
            }
        )
    existing = group.assignments.current().select_related("companion").first()
    if existing is not None and not replace:
        raise ValidationError(
            {
                "group": _("This KUBE is already accompanied by %(name)s; end that assignment or reassign.")
                % {"name": existing.companion.name}
            }
        )
    return existing


@transaction.atomic
def assignment_create(
    *, actor: Any, companion: Companion, group: Group, started_on: dt.date, replace: bool = False
) -> Assignment:
    """Assign a companion to a KUBE. With `replace`, the KUBE's current companion is relieved that day."""
    require(actor, "assignment.change")
    companion = Companion.objects.select_for_update().get(pk=companion.pk)
    group = Group.objects.select_for_update().get(pk=group.pk)
    require_regency(actor, group.regency_id, field="group")
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": _("The start date cannot be in the future.")})
    existing = _refuse_assignment(companion, group, replace)
    if existing is not None:
        assignment_end(actor=actor, assignment=existing, ended_on=started_on, reason=_("reassigned"))
    assignment = Assignment(companion=companion, group=group, started_on=started_on)
    try:
        with transaction.atomic():
            save_checked(assignment, exclude=["companion", "group"])
    except IntegrityError:
        raise ValidationError(_("This KUBE was just assigned by someone else; reload.")) from None
    audit_record(actor=actor, action="create", obj=assignment, after=snapshot(assignment))
    return assignment


@transaction.atomic
def assignment_end(*, actor: Any, assignment: Assignment, ended_on: dt.date, reason: str = "") -> Assignment:
    require(actor, "assignment.change")
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related("group").get(pk=assignment.pk)
    require_regency(actor, assignment.group.regency_id, field="group")
    if assignment.ended_on is not None:
        raise ValidationError(_("This assignment has already ended."))
    if ended_on < assignment.started_on:
        raise ValidationError({"ended_on": _("The end date is before the start date.")})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The end date cannot be in the future.")})
    before = snapshot(assignment)
    assignment.ended_on, assignment.end_reason = ended_on, str(reason).strip()
    save_checked(assignment, exclude=["companion", "group"])
    audit_record(actor=actor, action="update", obj=assignment, before=before, after=snapshot(assignment))
    return assignment
