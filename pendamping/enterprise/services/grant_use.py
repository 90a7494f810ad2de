"""Writes of a grant's use: its spending plan (RAB, planned by officers) and the realisation (what was spent, with
its receipt, entered by the KUBE's companion or an officer). The plan never exceeds the grant; neither does
what was spent."""

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require, require_regency
from pendamping.audit.services import audit_record, snapshot
from pendamping.enterprise.models import PlanItem, Realisation
from pendamping.enterprise.services.rescore import rescore_later
from pendamping.registry.models import Grant
from pendamping.registry.services import require_group_access
from pendamping.registry.services._common import rupiah, save_checked

MAX_QUANTITY = 1_000_000  # a plan line of a KUBE grant; anything larger is a typing slip


def _rp(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _locked_grant(grant: Grant) -> Grant:
    """The grant row locked for this transaction: two writes to its plan or realisation queue behind each
    other, so two of them cannot both pass the 'not more than the grant' check."""
    return Grant.objects.select_for_update(of=("self",)).select_related("group").get(pk=grant.pk)


def _quantity(value: Any) -> int:
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not re.fullmatch(r"-?[0-9]{1,9}", text):
        raise ValidationError({"quantity": _("Quantity must be a whole number.")})
    number = int(text)
    if not 0 < number <= MAX_QUANTITY:
        raise ValidationError({"quantity": _("Quantity must be between 1 and %(max)s.") % {"max": _rp(MAX_QUANTITY)}})
    return number


def _text(value: Any, *, field: str, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    return text


def _check_plan_within_grant(grant: Grant, *, planned: int) -> None:
    if planned > grant.amount:
        raise ValidationError(
            {
                "unit_price": _("The plan would total Rp %(plan)s, more than the grant (Rp %(grant)s).")
                % {"plan": _rp(planned), "grant": _rp(grant.amount)}
            }
        )


def _planned(grant: Grant, *, excluding: int | None = None) -> int:
    items = PlanItem.objects.filter(grant=grant)
    if excluding is not None:
        items = items.exclude(pk=excluding)
    return int(items.aggregate(s=Coalesce(Sum("total"), 0))["s"])


@transaction.atomic
def plan_item_add(
    *, actor: Any, grant: Grant, description: str, unit: str = "", quantity: Any, unit_price: Any
) -> PlanItem:
    """A line of the RAB; the plan's total stays within the grant."""
    require(actor, "grant.plan")
    grant = _locked_grant(grant)
    require_regency(actor, grant.group.regency_id, field="grant")
    count, price = _quantity(quantity), rupiah(unit_price, field="unit_price", allow_zero=False)
    _check_plan_within_grant(grant, planned=_planned(grant) + count * price)
    last = PlanItem.objects.filter(grant=grant).aggregate(m=Max("position"))["m"]
    item = PlanItem(
        grant=grant,
        description=_text(description, field="description"),
        unit=_text(unit, field="unit", required=False),
        quantity=count,
        unit_price=price,
        position=0 if last is None else last + 1,
    )
    save_checked(item, exclude=["grant"])
    item.refresh_from_db(fields=["total"])  # computed by the database
    audit_record(actor=actor, action="create", obj=item, after=snapshot(item))
    rescore_later(group_id=grant.group_id)
    return item


def _locked_item(item: PlanItem) -> tuple[PlanItem, Grant]:
    grant = _locked_grant(item.grant)
    return PlanItem.objects.select_for_update(of=("self",)).get(pk=item.pk), grant


@transaction.atomic
def plan_item_update(*, actor: Any, item: PlanItem, **data: Any) -> PlanItem:
    """Change a line of the RAB (description, unit, quantity, unit_price: those given); the plan's total stays
    within the grant."""
    require(actor, "grant.plan")
    item, grant = _locked_item(item)
    require_regency(actor, grant.group.regency_id, field="grant")
    before = snapshot(item)
    if "description" in data:
        item.description = _text(data["description"], field="description")
    if "unit" in data:
        item.unit = _text(data["unit"], field="unit", required=False)
    if "quantity" in data:
        item.quantity = _quantity(data["quantity"])
    if "unit_price" in data:
        item.unit_price = rupiah(data["unit_price"], field="unit_price", allow_zero=False)
    _check_plan_within_grant(grant, planned=_planned(grant, excluding=item.pk) + item.quantity * item.unit_price)
    save_checked(item, exclude=["grant"])
    item.refresh_from_db(fields=["total"])
    audit_record(actor=actor, action="update", obj=item, before=before, after=snapshot(item))
    rescore_later(group_id=grant.group_id)
    return item


@transaction.atomic
def plan_item_delete(*, actor: Any, item: PlanItem) -> None:
    """Remove a line of the RAB that nothing was spent on yet (spending recorded against it keeps it)."""
    require(actor, "grant.plan")
    item, grant = _locked_item(item)
    require_regency(actor, grant.group.regency_id, field="grant")
    if item.realisations.exists():
        raise ValidationError(
            {"plan_item": _("Spending has been recorded against this item; delete that spending first.")}
        )
    audit_record(actor=actor, action="delete", obj=item, before=snapshot(item))
    item.delete()
    rescore_later(group_id=grant.group_id)


def _check_date(grant: Grant, spent_on: Any) -> dt.date:
    if not isinstance(spent_on, dt.date):
        raise ValidationError({"spent_on": _("Give the date of the purchase.")})
    if spent_on > timezone.localdate():
        raise ValidationError({"spent_on": _("A purchase date cannot be in the future.")})
    if spent_on.year < grant.year:
        raise ValidationError(
            {"spent_on": _("The purchase is dated before the grant's budget year (%(year)s).") % {"year": grant.year}}
        )
    return spent_on


def _check_spending_within_grant(grant: Grant, amount: int) -> None:
    spent = int(Realisation.objects.filter(grant=grant).aggregate(s=Coalesce(Sum("amount"), 0))["s"])
    if spent + amount > grant.amount:
        raise ValidationError(
            {
                "amount": _("Spending would total Rp %(spent)s, more than the grant (Rp %(grant)s).")
                % {"spent": _rp(spent + amount), "grant": _rp(grant.amount)}
            }
        )


@transaction.atomic
def realisation_add(
    *,
    actor: Any,
    grant: Grant,
    spent_on: dt.date,
    amount: Any,
    description: str,
    receipt_ref: str = "",
    plan_item: PlanItem | None = None,
) -> Realisation:
    """Money spent from the grant, with its receipt; in total never more than the grant."""
    require(actor, "grant.realise")
    grant = _locked_grant(grant)
    require_group_access(actor=actor, group=grant.group)
    value = rupiah(amount, field="amount", allow_zero=False)
    if plan_item is not None and plan_item.grant_id != grant.pk:
        raise ValidationError({"plan_item": _("This plan item belongs to another grant.")})
    realisation = Realisation(
        grant=grant,
        plan_item=plan_item,
        spent_on=_check_date(grant, spent_on),
        amount=value,
        description=_text(description, field="description"),
        receipt_ref=_text(receipt_ref, field="receipt_ref", required=False),
        entered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _check_spending_within_grant(grant, value)
    save_checked(realisation, exclude=["grant", "plan_item"])
    audit_record(actor=actor, action="create", obj=realisation, after=snapshot(realisation))
    rescore_later(group_id=grant.group_id)
    return realisation


@transaction.atomic
def realisation_delete(*, actor: Any, realisation: Realisation) -> None:
    """Remove spending recorded in error."""
    require(actor, "grant.realise")
    grant = _locked_grant(realisation.grant)
    realisation = Realisation.objects.select_for_update(of=("self",)).get(pk=realisation.pk)
    require_group_access(actor=actor, group=grant.group)
    audit_record(actor=actor, action="delete", obj=realisation, before=snapshot(realisation))
    realisation.delete()
    rescore_later(group_id=grant.group_id)
