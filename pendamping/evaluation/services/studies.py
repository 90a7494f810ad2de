"""Writes of studies: create one with its arms and waves, name its evaluators, open and close it."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require
from pendamping.accounts.models import Role, User
from pendamping.audit.services import audit_record, snapshot
from pendamping.core.concurrency import check_version
from pendamping.evaluation.models import Arm, Instrument, Response, Study, StudyEvaluator, Wave
from pendamping.evaluation.services._common import require_open, save_checked

STUDY_FIELDS = ("title", "description", "starts_on", "ends_on", "alpha", "family")


@dataclass(frozen=True)
class WaveSpec:
    code: str
    label: str
    date: dt.date | None = None


def default_waves() -> list[WaveSpec]:
    return [WaveSpec("pre", _("Pre-test")), WaveSpec("post", _("Post-test"))]


def _apply(study: Study, data: dict[str, Any]) -> None:
    for key in STUDY_FIELDS:
        if key in data:
            setattr(study, key, data[key])
    study.title = " ".join(str(study.title).split())
    if study.starts_on and study.ends_on and study.ends_on < study.starts_on:
        raise ValidationError({"ends_on": _("The study cannot end before it starts.")})


def _waves(study: Study, waves: Sequence[WaveSpec]) -> None:
    codes = [w.code for w in waves]
    if len(codes) < 2:
        raise ValidationError({"waves": _("A study needs at least two waves (a pre-test and a post-test).")})
    if len(set(codes)) != len(codes):
        raise ValidationError({"waves": _("Wave codes repeat.")})
    for order, spec in enumerate(waves, start=1):
        wave = Wave(
            study=study, code=spec.code.strip(), order=order, label=spec.label.strip() or spec.code, date=spec.date
        )
        save_checked(wave, exclude=["study"])


@transaction.atomic
def study_create(
    *,
    actor: Any,
    title: str,
    instrument: Instrument,
    waves: Sequence[WaveSpec] | None = None,
    evaluators: Iterable[User] = (),
    **data: Any,
) -> Study:
    """A draft study with a treatment and a control arm and its waves (pre and post unless given). `data`:
    description, starts_on, ends_on, alpha (default 0.05), family ("all", "per_aspect", "per_comparison")."""
    require(actor, "evaluation.manage")
    study = Study(instrument=instrument, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    _apply(study, {"title": title, **data})
    save_checked(study)
    Arm.objects.bulk_create(
        [
            Arm(study=study, code=Arm.Code.TREATMENT, label=_("Treatment")),
            Arm(study=study, code=Arm.Code.CONTROL, label=_("Control")),
        ]
    )
    _waves(study, default_waves() if waves is None else waves)
    audit_record(actor=actor, action="create", obj=study, after=snapshot(study))
    for user in evaluators:
        study_evaluator_add(actor=actor, study=study, user=user)
    return study


def _has_responses(study: Study) -> bool:
    return Response.objects.filter(respondent__study=study).exists()


@transaction.atomic
def study_update(*, actor: Any, study: Study, version: int | None = None, **data: Any) -> Study:
    """Change a study's title, dates, α, multiplicity family, or (before any answer) its instrument."""
    require(actor, "evaluation.manage")
    study = Study.objects.select_for_update().get(pk=study.pk)
    check_version(study, version)
    before = snapshot(study)
    if "instrument" in data and data["instrument"].pk != study.instrument_id:
        if _has_responses(study):
            raise ValidationError({"instrument": _("The study has answers; its instrument can no longer change.")})
        study.instrument = data["instrument"]
    _apply(study, data)
    study.version += 1
    save_checked(study)
    audit_record(actor=actor, action="update", obj=study, before=before, after=snapshot(study))
    return study


def study_check_arms(study: Study) -> None:
    """Each arm needs respondents: a comparison with an empty arm is no comparison."""
    empty = [str(arm.label) for arm in study.arms.all() if not arm.respondents.exists()]
    if empty:
        raise ValidationError(
            {
                "arms": _("These arms have no respondents yet: %(arms)s. Assign respondents first.")
                % {"arms": ", ".join(empty)}
            }
        )


@transaction.atomic
def study_set_status(*, actor: Any, study: Study, status: str) -> Study:
    """draft -> collecting (both arms need respondents) -> closed; a closed study may be reopened for
    collecting, and a study goes back to draft only while it has no answers."""
    require(actor, "evaluation.manage")
    study = Study.objects.select_for_update().get(pk=study.pk)
    if status not in Study.Status.values:
        raise ValidationError({"status": _("Unknown status: %(s)s") % {"s": status}})
    before = snapshot(study)
    if status == Study.Status.COLLECTING:
        study_check_arms(study)
    if status == Study.Status.DRAFT and _has_responses(study):
        raise ValidationError({"status": _("The study has answers; it cannot go back to draft.")})
    study.status = status
    study.version += 1
    save_checked(study)
    audit_record(actor=actor, action="update", obj=study, before=before, after=snapshot(study))
    return study


@transaction.atomic
def wave_add(*, actor: Any, study: Study, code: str, label: str, date: dt.date | None = None) -> Wave:
    """A further wave (a follow-up after the post-test), ordered after the existing ones."""
    require(actor, "evaluation.manage")
    require_open(study)
    if study.waves.filter(code=code.strip()).exists():
        raise ValidationError({"code": _("The study has a wave '%(c)s' already.") % {"c": code}})
    order = (study.waves.aggregate(m=Max("order"))["m"] or 0) + 1
    wave = Wave(study=study, code=code.strip(), order=order, label=label.strip() or code, date=date)
    save_checked(wave, exclude=["study"])
    audit_record(actor=actor, action="create", obj=wave, after=snapshot(wave))
    return wave


NAMEABLE = (Role.EVALUATOR, Role.OFFICER, Role.AUDITOR)


@transaction.atomic
def study_evaluator_add(*, actor: Any, study: Study, user: User) -> StudyEvaluator:
    """Name a user on a study so they may see it (pseudonymised). Naming someone twice changes nothing."""
    require(actor, "evaluation.manage")
    if not user.is_active or user.role not in NAMEABLE:
        raise ValidationError(
            {
                "user": _(
                    "Only active evaluators, officers and auditors can be named on a study (admins see every study)."
                )
            }
        )
    named, created = StudyEvaluator.objects.get_or_create(study=study, user=user)
    if created:
        audit_record(actor=actor, action="create", obj=named, after=snapshot(named))
    return named


@transaction.atomic
def study_evaluator_remove(*, actor: Any, study: Study, user: User) -> None:
    require(actor, "evaluation.manage")
    named = StudyEvaluator.objects.filter(study=study, user=user).first()
    if named is None:
        raise ValidationError({"user": _("This user is not named on the study.")})
    audit_record(actor=actor, action="delete", obj=named, before=snapshot(named))
    named.delete()
