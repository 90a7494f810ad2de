"""Small helpers shared by the registry services."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require_regency
from pendamping.accounts.models import Role
from pendamping.core.money import AmountError, parse_rupiah
from pendamping.core.nik import NikError, NikInfo, parse_nik
from pendamping.regions.models import Region
from pendamping.registry.models import Group, assigned_group_ids


def village(code: str, *, field: str = "desa") -> Region:
    region = Region.objects.filter(code=str(code).strip(), level=Region.Level.VILLAGE).first()
    if region is None:
        raise ValidationError({field: _("Unknown village (desa/kelurahan) code: %(code)s") % {"code": code}})
    return region


def regency_of(region: Region) -> str:
    return region.code[:5]


def nik_info(value: Any, *, field: str = "nik") -> NikInfo:
    try:
        return parse_nik(value)
    except NikError as exc:
        raise ValidationError({field: str(exc)}) from None


def nik_warnings(nik: str) -> list[str]:
    """Doubts that do not block a save: a region prefix that no kecamatan of the loaded table has."""
    prefix = nik[:6]
    code = f"{prefix[:2]}.{prefix[2:4]}.{prefix[4:6]}"
    if not Region.objects.filter(code=code).exists():
        return [_("NIK region digits %(p)s match no kecamatan in the region table; check the NIK.") % {"p": prefix}]
    return []


def digits16(value: Any, *, field: str, label: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{16}", value.strip()):
        raise ValidationError({field: _("%(label)s must be 16 digits, typed as text.") % {"label": label}})
    return value.strip()


def rupiah(value: Any, *, field: str, allow_zero: bool = True) -> int:
    try:
        amount = parse_rupiah(value)
    except AmountError as exc:
        raise ValidationError({field: str(exc)}) from None
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError(
            {field: _("Amount must be more than zero.") if not allow_zero else _("Amount cannot be negative.")}
        )
    return amount


def masked_name(name: str) -> str:
    """'Siti Wahyuni' -> 'S*** W***': names the record for a clerk without disclosing it."""
    return " ".join(part[0] + "***" for part in name.split() if part)


def save_checked(obj: models.Model, *, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=True)
    obj.save()


def require_group_access(*, actor: Any, group: Any) -> None:
    """Who may write a KUBE's own records (its reports, IKS, spending): a companion only for the KUBE assigned to
    them now; officers for the KUBE of their regencies; admins and the system anywhere."""
    if actor is not None and not actor.is_superuser and actor.role == Role.COMPANION:
        if not Group.objects.filter(pk=group.pk, pk__in=assigned_group_ids(actor)).exists():
            raise ValidationError({"group": _("This KUBE is not assigned to you.")})
        return
    require_regency(actor, group.regency_id, field="group")
