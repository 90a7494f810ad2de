"""Writes of families (KBS)."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require, require_regency
from pendamping.audit.services import audit_record, snapshot
from pendamping.core.concurrency import check_version
from pendamping.registry.models import Family
from pendamping.registry.services._common import (
    digits16,
    masked_name,
    nik_info,
    regency_of,
    rupiah,
    save_checked,
    village,
)

FAMILY_FIELDS = (
    "kk_number",
    "head_name",
    "address",
    "rt",
    "rw",
    "household_size",
    "monthly_income",
    "dtks_id",
    "welfare_decile",
    "decile_as_of",
    "status",
)


def _refuse_duplicate_nik(nik: str) -> None:
    other = Family.objects.filter(nik=nik).only("head_name", "nik").first()
    if other is not None:
        raise ValidationError(
            {
                "nik": _("This NIK is already registered for %(name)s (%(nik)s).")
                % {"name": masked_name(other.head_name), "nik": other.nik_masked}
            }
        )


def _apply(family: Family, data: dict[str, Any]) -> None:
    for key in FAMILY_FIELDS:
        if key in data:
            setattr(family, key, data[key])
    if "kk_number" in data:
        family.kk_number = digits16(data["kk_number"], field="kk_number", label=_("KK number"))
    if "monthly_income" in data:
        family.monthly_income = rupiah(data["monthly_income"], field="monthly_income")
    for key in ("rt", "rw"):
        if key in data and data[key] and not re.fullmatch(r"[0-9]{1,3}", str(data[key])):
            raise ValidationError({key: _("RT/RW must be digits, e.g. 003.")})
    family.head_name = " ".join(str(family.head_name).split())
    if family.welfare_decile is not None and family.decile_as_of is None:
        raise ValidationError({"decile_as_of": _("Give the date the welfare decile is valid for.")})


@transaction.atomic
def family_create(*, actor: Any, nik: str, desa_code: str, **data: Any) -> Family:
    """Register a family. Sex and birth date come from the head's NIK, never typed."""
    require(actor, "family.change")
    info = nik_info(nik)
    desa = village(desa_code)
    require_regency(actor, regency_of(desa), field="desa")
    _refuse_duplicate_nik(info.nik)
    family = Family(nik=info.nik, sex=info.sex, birth_date=info.birth_date, desa=desa, regency_id=regency_of(desa))
    _apply(family, {"kk_number": data.pop("kk_number", ""), **data})
    save_checked(family)
    audit_record(actor=actor, action="create", obj=family, after=snapshot(family))
    return family


@transaction.atomic
def family_update(
    *, actor: Any, family: Family, version: int | None = None, desa_code: str | None = None, **data: Any
) -> Family:
    require(actor, "family.change")
    family = Family.objects.select_for_update().get(pk=family.pk)
    require_regency(actor, family.regency_id, field="family")
    check_version(family, version)
    before = snapshot(family)
    if desa_code and desa_code != family.desa_id:
        desa = village(desa_code)
        require_regency(actor, regency_of(desa), field="desa")
        if family.memberships.filter(left_on__isnull=True).exclude(group__desa=desa).exists():
            raise ValidationError(
                {
                    "desa": _(
                        "The family is a member of a KUBE in its current village; "
                        "remove it from the KUBE before moving it."
                    )
                }
            )
        family.desa, family.regency_id = desa, regency_of(desa)
    _apply(family, data)
    if snapshot(family) == before:
        return family  # nothing changed: no new version, no audit entry
    family.version += 1
    save_checked(family)
    audit_record(actor=actor, action="update", obj=family, before=before, after=snapshot(family))
    return family


@transaction.atomic
def family_delete(*, actor: Any, family: Family) -> None:
    require(actor, "family.change")
    require_regency(actor, family.regency_id, field="family")
    if family.memberships.exists():
        raise ValidationError(_("This family has KUBE membership history; set its status instead of deleting."))
    before = snapshot(family)
    audit_record(actor=actor, action="delete", obj=family, before=before)
    family.delete()
