"""Writes of stimulus grants (bantuan stimulan UEP) and their disbursement tranches.

A tranche is entered by one person and approved by another (four eyes); only approved tranches count as
disbursed. Entered tranches, approved or not, never add up to more than the grant."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require, require_regency
from pendamping.accounts.models import Role
from pendamping.audit.services import audit_record, snapshot
from pendamping.core.concurrency import check_version
from pendamping.registry.models import Grant, Group, Tranche
from pendamping.registry.services._common import rupiah, save_checked


def _check_year(year: Any) -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Budget year must be a year, e.g. 2025.")}) from None
    if not 2000 <= value <= timezone.localdate().year + 1:
        raise ValidationError({"year": _("Budget year %(y)s is not plausible.") % {"y": value}})
    return value


@transaction.atomic
def grant_create(
    *,
    actor: Any,
    group: Group,
    amount: Any,
    source: str,
    year: Any,
    note: str = "",
    tranches: list[tuple[Any, dt.date]] | None = None,
) -> Grant:
    require(actor, "grant.change")
    require_regency(actor, group.regency_id, field="group")
    grant = Grant(
        group=group,
        amount=rupiah(amount, field="amount", allow_zero=False),
        source=source,
        year=_check_year(year),
        note=note.strip(),
    )
    save_checked(grant, exclude=["group"])
    audit_record(actor=actor, action="create", obj=grant, after=snapshot(grant))
    for tranche_amount, on in tranches or []:
        tranche_add(actor=actor, grant=grant, amount=tranche_amount, disbursed_on=on)
    return grant


@transaction.atomic
def grant_update(*, actor: Any, grant: Grant, version: int | None = None, **data: Any) -> Grant:
    require(actor, "grant.change")
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    require_regency(actor, grant.group.regency_id, field="group")
    check_version(grant, version)
    before = snapshot(grant)
    if "amount" in data:
        grant.amount = rupiah(data["amount"], field="amount", allow_zero=False)
        paid = grant.tranches.aggregate(s=Sum("amount"))["s"] or 0
        if paid > grant.amount:
            raise ValidationError(
                {
                    "amount": _("Tranches already recorded (Rp %(paid)s) exceed this amount.")
                    % {"paid": f"{paid:,}".replace(",", ".")}
                }
            )
    if "year" in data:
        grant.year = _check_year(data["year"])
    for key in ("source", "note"):
        if key in data:
            setattr(grant, key, data[key])
    grant.version += 1
    save_checked(grant, exclude=["group"])
    audit_record(actor=actor, action="update", obj=grant, before=before, after=snapshot(grant))
    return grant


def _rp(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _person(user: Any) -> Any:
    """The user a row names as its author; the system (None) and anonymous callers name nobody."""
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def tranche_add(*, actor: Any, grant: Grant, amount: Any, disbursed_on: dt.date) -> Tranche:
    """Record a disbursement, awaiting approval by someone else; the tranches of a grant never add up to more
    than the grant."""
    require(actor, "grant.change")
    grant = Grant.objects.select_for_update(of=("self",)).select_related("group").get(pk=grant.pk)
    require_regency(actor, grant.group.regency_id, field="group")
    value = rupiah(amount, field="amount", allow_zero=False)
    entered = grant.tranches.aggregate(s=Coalesce(Sum("amount"), 0))["s"]
    if entered + value > grant.amount:
        raise ValidationError(
            {
                "amount": _("Tranches would total Rp %(total)s, more than the grant (Rp %(grant)s).")
                % {"total": _rp(entered + value), "grant": _rp(grant.amount)}
            }
        )
    if disbursed_on > timezone.localdate():
        raise ValidationError({"disbursed_on": _("A disbursement date cannot be in the future.")})
    number = (grant.tranches.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    tranche = Tranche(grant=grant, number=number, amount=value, disbursed_on=disbursed_on, entered_by=_person(actor))
    save_checked(tranche, exclude=["grant"])
    audit_record(actor=actor, action="create", obj=tranche, after=snapshot(tranche))
    return tranche


def _already_approved(tranche: Tranche) -> ValidationError:
    approver = tranche.approved_by
    name = (approver.get_full_name() or approver.username) if approver else _("the system")
    return ValidationError({"tranche": _("This tranche was already approved by %(name)s.") % {"name": name}})


@transaction.atomic
def tranche_approve(*, actor: Any, tranche: Tranche) -> Tranche:
    """Approve a pending tranche: from now on it counts as disbursed. Never by the person who entered it, and
    only once: two officers approving at the same moment both reach the conditional UPDATE below, and the
    database lets exactly one of them change the row from pending."""
    require(actor, "tranche.approve")
    tranche = Tranche.objects.select_related("grant__group", "approved_by").get(pk=tranche.pk)
    require_regency(actor, tranche.grant.group.regency_id, field="tranche")
    if actor is not None and tranche.entered_by_id == actor.pk:
        raise ValidationError(
            {"tranche": _("You entered this tranche, so someone else must approve it (four-eyes rule).")}
        )
    if tranche.status == Tranche.Status.APPROVED:
        raise _already_approved(tranche)
    before = snapshot(tranche)
    approved = Tranche.objects.filter(pk=tranche.pk, status=Tranche.Status.PENDING).update(
        status=Tranche.Status.APPROVED, approved_by=_person(actor), approved_at=timezone.now()
    )
    tranche.refresh_from_db()
    if approved != 1:  # someone else's approval committed between our read and our update
        raise _already_approved(tranche)
    audit_record(actor=actor, action="update", obj=tranche, before=before, after=snapshot(tranche))
    return tranche


@transaction.atomic
def tranche_delete(*, actor: Any, tranche: Tranche) -> None:
    """Withdraw a tranche entered in error, while it awaits approval: by whoever entered it, or an admin."""
    require(actor, "grant.change")
    tranche = Tranche.objects.select_for_update(of=("self",)).select_related("grant__group").get(pk=tranche.pk)
    require_regency(actor, tranche.grant.group.regency_id, field="tranche")
    if tranche.status != Tranche.Status.PENDING:
        raise ValidationError({"tranche": _("An approved tranche cannot be withdrawn.")})
    is_admin = actor is None or actor.is_superuser or actor.role == Role.ADMIN
    if not is_admin and tranche.entered_by_id != actor.pk:
        raise ValidationError({"tranche": _("Only the person who entered this tranche, or an admin, may withdraw it.")})
    audit_record(actor=actor, action="delete", obj=tranche, before=snapshot(tranche))
    tranche.delete()
