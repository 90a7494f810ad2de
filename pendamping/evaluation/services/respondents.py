"""Writes of respondents: registry companions or external persons, each in one arm of a study.

The evaluation app sits beside the companions app (DESIGN.md 5: neither imports the other); a companion
reaches these services as the row the caller fetched, through the respondent's foreign key."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require
from pendamping.audit.services import audit_record, snapshot
from pendamping.evaluation.models import Arm, Respondent, Study
from pendamping.evaluation.services._common import pseudonym, require_open, save_checked
from pendamping.regions.models import Region


def _arm(study: Study, code: str) -> Arm:
    arm = study.arms.filter(code=code).first()
    if arm is None:
        raise ValidationError({"arm": _("Arm must be 'treatment' or 'control'.")})
    return arm


def _other_arm_message(name: str, arm: Arm) -> str:
    return _("%(name)s is already a respondent in the %(arm)s arm; a respondent cannot be in both arms.") % {
        "name": name,
        "arm": arm.label,
    }


def _check_companions(study: Study, arm: Arm, companions: list[Any]) -> list[Any]:
    """The companions still to add; a companion already in the other arm (or twice in the list) is refused."""
    existing = {r.companion_id: r for r in study.respondents.filter(companion__in=companions).select_related("arm")}
    taken = set(study.respondents.values_list("pseudonym", flat=True))
    errors, new, seen = [], [], set()
    for companion in companions:
        current = existing.get(companion.pk)
        if current is not None and current.arm_id != arm.pk:
            errors.append(_other_arm_message(companion.name, current.arm))
        elif current is None and pseudonym(study, companion.nik) in taken:
            errors.append(_("%(name)s is already a respondent (as an external person).") % {"name": companion.name})
        elif current is None and companion.pk not in seen:
            new.append(companion)
        seen.add(companion.pk)
    if errors:
        raise ValidationError({"companions": errors})
    return new


@transaction.atomic
def study_assign_respondents(*, actor: Any, study: Study, arm: str, companions: Iterable[Any]) -> list[Respondent]:
    """Put registry companions in an arm (all or none). One already in this arm stays as they are; one in the
    other arm is refused: a respondent cannot be in both arms."""
    require(actor, "evaluation.manage")
    study = Study.objects.select_for_update().get(pk=study.pk)
    require_open(study)
    arm_row = _arm(study, arm)
    people = list(companions)
    if not people:
        raise ValidationError({"companions": _("Choose at least one companion.")})
    added = []
    for companion in _check_companions(study, arm_row, people):
        respondent = Respondent(
            study=study, arm=arm_row, companion=companion, pseudonym=pseudonym(study, companion.nik),
            regency_id=companion.regency_id,
        )  # fmt: skip
        save_checked(respondent, exclude=["study", "arm", "companion", "regency"])
        audit_record(actor=actor, action="create", obj=respondent, after=snapshot(respondent))
        added.append(respondent)
    return added


def _regency(code: str) -> Region | None:
    if not code.strip():
        return None
    region = Region.objects.filter(code=code.strip(), level=Region.Level.REGENCY).first()
    if region is None:
        raise ValidationError({"regency_code": _("Unknown regency/city code: %(c)s") % {"c": code}})
    return region


@transaction.atomic
def respondent_add_external(
    *, actor: Any, study: Study, arm: str, name: str, ref: str, regency_code: str = ""
) -> Respondent:
    """An external person (not a registry companion), known by a reference such as a NIK or a staff number
    that keeps them from being added twice."""
    require(actor, "evaluation.manage")
    study = Study.objects.select_for_update().get(pk=study.pk)
    require_open(study)
    arm_row = _arm(study, arm)
    name, ref = " ".join(name.split()), ref.strip()
    if not name:
        raise ValidationError({"name": _("This field cannot be blank.")})
    if not ref:
        raise ValidationError(
            {"ref": _("Give a reference (a NIK or a staff number) so the person is not added twice.")}
        )
    code = pseudonym(study, ref)
    current = study.respondents.filter(pseudonym=code).select_related("arm").first()
    if current is not None:
        message = _other_arm_message(name, current.arm) if current.arm_id != arm_row.pk else None
        raise ValidationError({"ref": message or _("This person is already a respondent of this study.")})
    respondent = Respondent(
        study=study, arm=arm_row, external_name=name, external_ref=ref, pseudonym=code, regency=_regency(regency_code)
    )
    save_checked(respondent, exclude=["study", "arm", "regency"])
    audit_record(actor=actor, action="create", obj=respondent, after=snapshot(respondent))
    return respondent


@transaction.atomic
def respondent_remove(*, actor: Any, respondent: Respondent) -> None:
    """Take a respondent out of a study, only while they have given no answer."""
    require(actor, "evaluation.manage")
    require_open(respondent.study)
    if respondent.responses.exists():
        raise ValidationError(_("This respondent has answers; they stay in the study."))
    audit_record(actor=actor, action="delete", obj=respondent, before=snapshot(respondent))
    respondent.delete()
