"""Writes of partners (mitra): the government offices, firms and community bodies that work with KUBE."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require
from pendamping.audit.services import audit_record, snapshot
from pendamping.core.concurrency import check_version
from pendamping.partnerships.models import Partner
from pendamping.partnerships.services._common import raise_if, regency, require_partner_scope
from pendamping.registry.services._common import save_checked

TEXT_FIELDS = ("sector", "contact_name", "phone", "email", "address")


def _apply(partner: Partner, data: dict[str, Any]) -> None:
    errors: dict[str, Any] = {}
    if "name" in data:
        partner.name = " ".join(str(data["name"] or "").split())
        if not partner.name:
            errors["name"] = _("Name the partner.")
    if "type" in data:
        if data["type"] not in Partner.Type.values:
            errors["type"] = _("Unknown partner type: %(t)s") % {"t": data["type"]}
        else:
            partner.type = data["type"]
    for key in TEXT_FIELDS:
        if key in data:
            setattr(partner, key, str(data[key] or "").strip())
    raise_if(errors)


def _refuse_duplicate(partner: Partner) -> None:
    """One name per regency, whatever its case; the database constraint cannot see two province-wide partners
    (NULL regencies are distinct to it), so the service looks."""
    same = Partner.objects.filter(regency_id=partner.regency_id, name__iexact=partner.name).exclude(pk=partner.pk)
    if same.exists():
        where = partner.regency.name if partner.regency_id and partner.regency else _("the whole province")
        raise ValidationError(
            {
                "name": _("A partner named %(name)s already exists for %(where)s.")
                % {"name": partner.name, "where": where}
            }
        )


@transaction.atomic
def partner_create(*, actor: Any, name: str, type: str, regency_code: str | None = None, **data: Any) -> Partner:
    """A partner of one regency (officers, in theirs) or of the whole province (no regency: admins only)."""
    require(actor, "partnership.change")
    region = regency(regency_code) if regency_code else None
    require_partner_scope(actor, region.code if region else None)
    partner = Partner(regency=region)
    _apply(partner, {**data, "name": name, "type": type})
    _refuse_duplicate(partner)
    save_checked(partner)
    audit_record(actor=actor, action="create", obj=partner, after=snapshot(partner))
    return partner


def _move(actor: Any, partner: Partner, regency_code: str | None) -> None:
    """A new regency for a partner: in the actor's scope, and holding every agreement the partner has signed."""
    region = regency(regency_code) if regency_code else None
    code = region.code if region else None
    if code == partner.regency_id:
        return
    require_partner_scope(actor, code)
    if code is not None and partner.agreements.exclude(regency_id=code).exists():
        raise ValidationError(
            {"regency": _("This partner has agreements in other regencies; it must stay province-wide.")}
        )
    partner.regency = region


@transaction.atomic
def partner_update(*, actor: Any, partner: Partner, version: int | None = None, **data: Any) -> Partner:
    require(actor, "partnership.change")
    partner = Partner.objects.select_for_update(of=("self",)).select_related("regency").get(pk=partner.pk)
    require_partner_scope(actor, partner.regency_id)
    check_version(partner, version)
    before = snapshot(partner)
    if "regency_code" in data:
        _move(actor, partner, data.pop("regency_code"))
    _apply(partner, data)
    _refuse_duplicate(partner)
    partner.version += 1
    save_checked(partner)
    audit_record(actor=actor, action="update", obj=partner, before=before, after=snapshot(partner))
    return partner
