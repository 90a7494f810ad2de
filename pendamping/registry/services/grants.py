"""Writes of stimulus grants (bantuan stimulan UEP) and their disbursement tranches."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require, require_regency
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
                    "amount": _("Tranches already paid (Rp %(paid)s) exceed this amount.")
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


@transaction.atomic
def tranche_add(*, actor: Any, grant: Grant, amount: Any, disbursed_on: dt.date) -> Tranche:
    """Record a disbursement; the tranches of a grant never add up to more than the grant."""
    require(actor, "grant.change")
    grant = Grant.objects.select_for_update(of=("self",)).select_related("group").get(pk=grant.pk)
    require_regency(actor, grant.group.regency_id, field="group")
    value = rupiah(amount, field="amount", allow_zero=False)
    paid = grant.tranches.aggregate(s=Sum("amount"))["s"] or 0
    if paid + value > grant.amount:
        raise ValidationError(
            {
                "amount": _("Tranches would total Rp %(total)s, more than the grant (Rp %(grant)s).")
                % {
                    "total": f"{paid + value:,}".replace(",", "."),
                    "grant": f"{grant.amount:,}".replace(",", "."),
                }
            }
        )
    if disbursed_on > timezone.localdate():
        raise ValidationError({"disbursed_on": _("A disbursement date cannot be in the future.")})
    number = (grant.tranches.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    tranche = Tranche(grant=grant, number=number, amount=value, disbursed_on=disbursed_on)
    save_checked(tranche, exclude=["grant"])
    audit_record(actor=actor, action="create", obj=tranche, after=snapshot(tranche))
    return tranche
