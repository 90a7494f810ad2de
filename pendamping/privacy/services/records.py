"""Corrections (UU 27/2022 art. 6) and restrictions of processing (art. 11) of one person's records, by NIK.

Corrections go through the registry's and the companions' own update services, so a correction is checked,
versioned and audited exactly like any other change."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.audit.services import audit_record, snapshot
from pendamping.companions.services.people import COMPANION_FIELDS, companion_update
from pendamping.privacy.models import Restriction
from pendamping.privacy.selectors import person_records
from pendamping.privacy.services.access import clean_nik, require_privacy_officer
from pendamping.registry.services import family_update
from pendamping.registry.services.families import FAMILY_FIELDS

FAMILY_CORRECTABLE = (*FAMILY_FIELDS, "desa_code")
COMPANION_CORRECTABLE = (*COMPANION_FIELDS, "home_desa_code")


def person_correct(*, actor: Any, nik: str, field: str, value: str) -> list[models.Model]:
    """Set `field` to `value` on every record of the person that has the field: a family head's record through
    family_update, a companion's through companion_update. The NIK itself is corrected by re-registering,
    never here: it is the key the person is found by."""
    found = person_records(nik=clean_nik(nik))
    targets: list[tuple[Any, str]] = []
    if field in FAMILY_CORRECTABLE:
        targets += [(family, "family") for family in found.families]
    if field in COMPANION_CORRECTABLE:
        targets += [(companion, "companion") for companion in found.companions]
    if field not in FAMILY_CORRECTABLE + COMPANION_CORRECTABLE:
        allowed = ", ".join(sorted(set(FAMILY_CORRECTABLE + COMPANION_CORRECTABLE)))
        raise ValidationError({"field": _("Cannot correct %(f)s; choose one of: %(a)s") % {"f": field, "a": allowed}})
    if not targets:
        raise ValidationError({"nik": _("No record with this NIK has the field %(f)s.") % {"f": field}})
    done: list[models.Model] = []
    data: dict[str, Any] = {field: value}
    with transaction.atomic():
        for record, kind in targets:
            if kind == "family":
                done.append(family_update(actor=actor, family=record, **data))
            else:
                done.append(companion_update(actor=actor, companion=record, **data))
    return done


@transaction.atomic
def person_restrict(*, actor: Any, nik: str, reason: str) -> list[Restriction]:
    """Restrict processing of every record that carries the NIK as a person (a family head, a companion).
    Records already restricted stay as they are."""
    require_privacy_officer(actor)
    found = person_records(nik=clean_nik(nik))
    if not (found.families or found.companions):
        raise ValidationError({"nik": _("No family or companion carries this NIK.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the restriction.")})
    active = {(r.family_id, r.companion_id) for r in found.restrictions if r.lifted_at is None}
    made = []
    for family_id, companion_id in [(f.pk, None) for f in found.families] + [(None, c.pk) for c in found.companions]:
        if (family_id, companion_id) in active:
            continue
        restriction = Restriction(family_id=family_id, companion_id=companion_id, reason=reason.strip()[:200], by=actor)
        restriction.full_clean()
        restriction.save()
        audit_record(actor=actor, action="create", obj=restriction, after=snapshot(restriction))
        made.append(restriction)
    return made


@transaction.atomic
def person_restriction_lift(*, actor: Any, nik: str) -> list[Restriction]:
    require_privacy_officer(actor)
    found = person_records(nik=clean_nik(nik))
    lifted = []
    for restriction in found.restrictions:
        if restriction.lifted_at is not None:
            continue
        before = snapshot(restriction)
        restriction.lifted_at, restriction.lifted_by = timezone.now(), actor
        restriction.save(update_fields=["lifted_at", "lifted_by"])
        audit_record(actor=actor, action="update", obj=restriction, before=before, after=snapshot(restriction))
        lifted.append(restriction)
    if not lifted:
        raise ValidationError({"nik": _("No restriction in force for this NIK.")})
    return lifted
