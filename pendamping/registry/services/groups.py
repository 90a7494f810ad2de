"""Writes of KUBE groups and their memberships, with the rules of Permensos 2/2019."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require, require_regency
from pendamping.audit.services import audit_record, snapshot
from pendamping.core import changes
from pendamping.core.concurrency import check_version
from pendamping.registry.models import BOARD, BoardRole, Family, Group, Membership
from pendamping.registry.services._common import regency_of, save_checked, village

GROUP_FIELDS = (
    "name",
    "sector",
    "sector_other",
    "founded_on",
    "scheme",
    "bank_name",
    "bank_account_number",
    "bank_account_name",
)


def _apply(group: Group, data: dict[str, Any]) -> None:
    for key in GROUP_FIELDS:
        if key in data:
            setattr(group, key, data[key])
    group.name = " ".join(str(group.name).split())
    if group.sector != Group.Sector.OTHER:
        group.sector_other = ""
    elif not group.sector_other.strip():
        raise ValidationError({"sector_other": _("Name the sector when you choose 'other'.")})
    if group.founded_on and group.founded_on > timezone.localdate():
        raise ValidationError({"founded_on": _("The founding date cannot be in the future.")})


def _next_code(desa_code: str) -> str:
    prefix = desa_code.replace(".", "") + "-"
    codes = Group.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    last = max(codes, key=lambda c: int(c.rsplit("-", 1)[1]), default=None)  # numeric: 1000 sorts after 999
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:03d}"


@transaction.atomic
def group_create(*, actor: Any, desa_code: str, **data: Any) -> Group:
    """Found a KUBE; it starts as *forming* until its members and board are complete."""
    require(actor, "group.change")
    desa = village(desa_code)
    require_regency(actor, regency_of(desa), field="desa")
    group = Group(desa=desa, regency_id=regency_of(desa), status=Group.Status.FORMING)
    _apply(group, data)
    group.code = _next_code(desa.code)
    save_checked(group)
    audit_record(actor=actor, action="create", obj=group, after=snapshot(group))
    return group


@transaction.atomic
def group_update(*, actor: Any, group: Group, version: int | None = None, **data: Any) -> Group:
    require(actor, "group.change")
    group = Group.objects.select_for_update().get(pk=group.pk)
    require_regency(actor, group.regency_id, field="group")
    check_version(group, version)
    before = snapshot(group)
    _apply(group, data)
    group.version += 1
    save_checked(group)
    _check_size(group, group.memberships.current().count())
    audit_record(actor=actor, action="update", obj=group, before=before, after=snapshot(group))
    return group


def _check_size(group: Group, count: int) -> None:
    low, high = group.member_range()
    if group.status == Group.Status.ACTIVE and not low <= count <= high:
        raise ValidationError(
            _("An active KUBE has %(low)d-%(high)d members; this one would have %(n)d.")
            % {"low": low, "high": high, "n": count}
        )


def _check_board(group: Group) -> None:
    roles = set(group.memberships.current().values_list("role", flat=True))
    missing = [str(BoardRole(r).label) for r in BOARD if r not in roles]
    if missing:
        raise ValidationError(
            _("An active KUBE needs a complete board; missing: %(roles)s.") % {"roles": ", ".join(missing)}
        )


@transaction.atomic
def group_set_status(*, actor: Any, group: Group, status: str, on: dt.date, reason: str = "") -> Group:
    """Activate (members and board complete), deactivate, or graduate (mandiri) a KUBE."""
    require(actor, "group.change")
    group = Group.objects.select_for_update().get(pk=group.pk)
    require_regency(actor, group.regency_id, field="group")
    before = snapshot(group)
    if status not in Group.Status.values:
        raise ValidationError({"status": _("Unknown status: %(s)s") % {"s": status}})
    group.status = Group.Status(status)
    if group.status == Group.Status.ACTIVE:
        _check_size(group, group.memberships.current().count())
        _check_board(group)
    if group.status in (Group.Status.INACTIVE, Group.Status.GRADUATED) and not reason.strip():
        raise ValidationError({"reason": _("Give a reason for this status.")})
    group.status_changed_on, group.status_reason = on, reason.strip()
    group.version += 1
    save_checked(group)
    audit_record(actor=actor, action="update", obj=group, before=before, after=snapshot(group))
    changes.group_changed(group.pk)
    return group


@transaction.atomic
def group_delete(*, actor: Any, group: Group) -> None:
    require(actor, "group.change")
    require_regency(actor, group.regency_id, field="group")
    if group.memberships.exists() or group.grants.exists() or group.assignments.exists():
        raise ValidationError(_("This KUBE has members, grants or a companion; set its status instead."))
    audit_record(actor=actor, action="delete", obj=group, before=snapshot(group))
    group.delete()


def _refuse_member(group: Group, family: Family, role: str) -> None:
    if family.desa_id != group.desa_id:
        raise ValidationError(
            {
                "family": _(
                    "%(family)s lives in %(their)s, not in %(desa)s: KUBE members must live in the KUBE's village."
                )
                % {"family": family.head_name, "their": family.desa.name, "desa": group.desa.name}
            }
        )
    elsewhere = Membership.objects.filter(family=family, left_on__isnull=True).select_related("group").first()
    if elsewhere is not None:
        raise ValidationError(
            {
                "family": _(
                    "%(family)s is already a member of KUBE %(group)s; a family can be in only one KUBE at a time."
                )
                % {"family": family.head_name, "group": elsewhere.group.name}
            }
        )
    if family.status != Family.Status.ACTIVE:
        raise ValidationError({"family": _("Only active families can join a KUBE.")})
    current = group.memberships.current()
    if role != BoardRole.ANGGOTA and (holder := current.filter(role=role).select_related("family").first()):
        raise ValidationError(
            {
                "role": _("This KUBE already has a %(role)s: %(name)s.")
                % {"role": BoardRole(role).label, "name": holder.family.head_name}
            }
        )
    low, high = group.member_range()
    if current.count() >= high:
        raise ValidationError(_("This KUBE already has %(n)d members, the most allowed.") % {"n": high})


@transaction.atomic
def membership_add(
    *, actor: Any, group: Group, family: Family, role: str = BoardRole.ANGGOTA, joined_on: dt.date
) -> Membership:
    require(actor, "membership.change")
    group = Group.objects.select_for_update(of=("self",)).select_related("desa", "scheme").get(pk=group.pk)
    require_regency(actor, group.regency_id, field="group")
    family = Family.objects.select_related("desa").get(pk=family.pk)
    require_regency(actor, family.regency_id, field="family")
    if role not in BoardRole.values:
        raise ValidationError({"role": _("Unknown board role: %(r)s") % {"r": role}})
    _refuse_member(group, family, BoardRole(role))
    membership = Membership(group=group, family=family, role=role, joined_on=joined_on)
    try:
        with transaction.atomic():
            save_checked(membership, exclude=["group", "family"])
    except IntegrityError:  # a concurrent add won the race for the same family or board seat
        raise ValidationError(_("This family or board role was just taken by another change; reload.")) from None
    audit_record(actor=actor, action="create", obj=membership, after=snapshot(membership))
    changes.group_changed(group.pk)
    return membership


@transaction.atomic
def membership_end(*, actor: Any, membership: Membership, left_on: dt.date, reason: str) -> Membership:
    """A family leaves its KUBE; the row stays as history."""
    require(actor, "membership.change")
    group = Group.objects.select_for_update().get(pk=membership.group_id)
    require_regency(actor, group.regency_id, field="group")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise ValidationError(_("This family has already left the KUBE."))
    if group.status == Group.Status.ACTIVE and membership.role in BOARD:
        raise ValidationError(
            _("Give the %(role)s role to another member before this one leaves.")
            % {"role": membership.get_role_display()}
        )
    _check_size(group, group.memberships.current().count() - 1)
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": _("The leaving date is before the joining date.")})
    before = snapshot(membership)
    membership.left_on, membership.left_reason = left_on, reason.strip()
    save_checked(membership, exclude=["group", "family"])
    audit_record(actor=actor, action="update", obj=membership, before=before, after=snapshot(membership))
    changes.group_changed(membership.group_id)
    return membership


@transaction.atomic
def membership_set_role(*, actor: Any, membership: Membership, role: str) -> Membership:
    """Give a member a role. If another member holds that board seat, the two swap roles, so an active
    KUBE's board stays whole; stepping down to ordinary member without a successor is refused there."""
    require(actor, "membership.change")
    group = Group.objects.select_for_update().get(pk=membership.group_id)
    require_regency(actor, group.regency_id, field="group")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise ValidationError(_("This family has already left the KUBE."))
    if role not in BoardRole.values:
        raise ValidationError({"role": _("Unknown board role: %(r)s") % {"r": role}})
    role, old_role = BoardRole(role), BoardRole(membership.role)
    if role == old_role:
        return membership  # nothing to change, nothing to record
    holder = group.memberships.current().filter(role=role).exclude(pk=membership.pk).first() if role in BOARD else None
    if holder is None and old_role in BOARD and group.status == Group.Status.ACTIVE:
        raise ValidationError(_("Give the %(role)s role to another member first.") % {"role": old_role.label})
    changed = [membership] + ([holder] if holder else [])
    befores = [snapshot(m) for m in changed]
    # Free the seat first: the partial unique index would refuse two holders for a moment.
    Membership.objects.filter(pk=membership.pk).update(role=BoardRole.ANGGOTA)
    if holder is not None:
        holder.role = old_role
        holder.save(update_fields=["role"])
    membership.role = role
    membership.save(update_fields=["role"])
    for m, before in zip(changed, befores, strict=True):
        audit_record(actor=actor, action="update", obj=m, before=before, after=snapshot(m))
    changes.group_changed(membership.group_id)
    return membership
