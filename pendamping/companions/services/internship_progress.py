"""The running internship: the trainee's logbook, the assessments by the host KUBE's ketua and the supervising
officer, and completion, which makes the intern an active companion (or, failed, a trainee again, to be placed
in a later round). Import these from services.internship, which re-exports them."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pendamping.accounts.guards import require, require_regency
from pendamping.accounts.models import Role
from pendamping.audit.services import audit_record, snapshot
from pendamping.companions.models import Assessment, Companion, InternshipRound, LogEntry, Placement
from pendamping.companions.services import lifecycle
from pendamping.registry.services._common import save_checked

# The assessment rubric: the same items for the ketua and the officer, each scored 1 (poor) to 4 (very good).
ASSESSMENT_ITEMS = {
    "attendance": gettext_lazy("Attendance and discipline"),
    "uep": gettext_lazy("Understanding of the KUBE's business (UEP)"),
    "communication": gettext_lazy("Communication with members"),
    "initiative": gettext_lazy("Initiative"),
    "bookkeeping": gettext_lazy("Bookkeeping practice"),
}
SCALE = (1, 4)
PASS_MARK = Decimal(60)  # the final score (mean of both assessments, 0-100) an intern needs to complete


def pass_mark() -> Decimal:
    """The pass mark: settings.PENDAMPING["INTERNSHIP_PASS_MARK"] if set, else PASS_MARK."""
    return Decimal(str(settings.PENDAMPING.get("INTERNSHIP_PASS_MARK", PASS_MARK)))


@transaction.atomic
def _running(placement: Placement, what: str) -> Placement:
    locked = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("round", "companion", "host__group")
        .get(pk=placement.pk)
    )
    if locked.round.status != InternshipRound.Status.CONFIRMED or locked.status != Placement.Status.CONFIRMED:
        raise ValidationError(_("%(what)s only while the internship runs (a confirmed placement).") % {"what": what})
    return locked


def _is_admin(actor: Any) -> bool:
    return actor is None or actor.is_superuser or actor.role == Role.ADMIN


@transaction.atomic
def logbook_add(*, actor: Any, placement: Placement, on: dt.date, activity: str, learnt: str = "") -> LogEntry:
    """The trainee writes their own logbook (an admin may enter it for them), a day within the round."""
    require(actor, "internship.log")
    locked = _running(placement, _("The logbook is kept"))
    if not _is_admin(actor) and (locked.companion.user_id is None or locked.companion.user_id != actor.pk):
        raise PermissionDenied(_("Only the trainee keeps their own logbook."))
    rnd = locked.round
    if not rnd.starts_on <= on <= rnd.ends_on:
        raise ValidationError(
            {
                "on": _("The date must be within the round, %(start)s to %(end)s.")
                % {"start": rnd.starts_on, "end": rnd.ends_on}
            }
        )
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    entry = LogEntry(placement=locked, on=on, activity=" ".join(str(activity).split()), learnt=str(learnt).strip())
    if not entry.activity:
        raise ValidationError({"activity": _("Say what you did that day.")})
    save_checked(entry, exclude=["placement"])
    audit_record(actor=actor, action="create", obj=entry, after=snapshot(entry))
    return entry


def assessment_total(scores: Any) -> Decimal:
    """The item scores (1-4, every item of ASSESSMENT_ITEMS, nothing else) as a total from 0 to 100: the mean,
    with 1 as 0 and 4 as 100. Refuses a missing, unknown or out-of-scale item."""
    if not isinstance(scores, dict):
        raise ValidationError({"scores": _("Give a score for each item.")})
    if unknown := sorted(set(map(str, scores)) - set(ASSESSMENT_ITEMS)):
        raise ValidationError({"scores": _("Unknown items: %(items)s.") % {"items": ", ".join(unknown)}})
    if missing := [str(label) for key, label in ASSESSMENT_ITEMS.items() if key not in scores]:
        raise ValidationError({"scores": _("Score every item; missing: %(items)s.") % {"items": ", ".join(missing)}})
    low, high = SCALE
    for key, value in scores.items():
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(
                {"scores": _("Each item is scored from 1 to 4; “%(item)s” got %(value)s.")
                % {"item": ASSESSMENT_ITEMS[key], "value": value}}
            )  # fmt: skip
    mean = Decimal(sum(scores.values())) / len(scores)
    return ((mean - low) / (high - low) * 100).quantize(Decimal("0.01"))


@transaction.atomic
def assessment_record(
    *, actor: Any, placement: Placement, by: str, assessor_name: str, scores: dict[str, int], note: str = ""
) -> Assessment:
    """The ketua's or the officer's assessment; recording it again replaces it until the placement is decided."""
    require(actor, "internship.assess")
    locked = _running(placement, _("Assessments are recorded"))
    require_regency(actor, locked.companion.regency_id, field="placement")
    if by not in Assessment.By.values:
        raise ValidationError({"by": _("An assessment is by the host KUBE's ketua or by the supervising officer.")})
    name = " ".join(str(assessor_name).split())
    if not name:
        raise ValidationError({"assessor_name": _("Give the assessor's name.")})
    total = assessment_total(scores)
    assessment = Assessment.objects.filter(placement=locked, by=by).first()
    before = snapshot(assessment) if assessment else None
    assessment = assessment or Assessment(placement=locked, by=by)
    assessment.assessor_name, assessment.scores, assessment.total = name, dict(scores), total
    assessment.note = str(note).strip()
    assessment.entered_by = actor if getattr(actor, "is_authenticated", False) else None
    save_checked(assessment, exclude=["placement", "entered_by"])
    action = "update" if before else "create"
    audit_record(actor=actor, action=action, obj=assessment, before=before, after=snapshot(assessment))
    return assessment


@transaction.atomic
def placement_complete(*, actor: Any, placement: Placement) -> Placement:
    """Decide the internship from both assessments: a final score (their mean) at the pass mark or above
    completes it and makes the intern an active companion; below, it fails and they are a trainee again."""
    require(actor, "internship.manage")
    locked = _running(placement, _("An internship is completed"))
    totals = {a.by: a.total for a in locked.assessments.all()}
    if missing := [str(label) for value, label in Assessment.By.choices if value not in totals]:
        raise ValidationError(_("Both assessments are needed; missing: %(who)s.") % {"who": ", ".join(missing)})
    final = (sum(totals.values(), Decimal(0)) / len(totals)).quantize(Decimal("0.01"))
    passed = final >= pass_mark()
    to = Companion.Status.ACTIVE if passed else Companion.Status.TRAINEE
    lifecycle.companion_move(actor=actor, companion=locked.companion, expected=Companion.Status.INTERN, to=to)
    before = snapshot(locked)
    locked.status = Placement.Status.COMPLETED if passed else Placement.Status.FAILED
    locked.version += 1
    locked.save()
    audit_record(actor=actor, action="update", obj=locked, before=before, after=snapshot(locked))
    return locked
