"""Writes of a briefing batch's people: participants (a candidate who joins becomes a trainee), attendance per
session, the pre/post knowledge test, and finishing the batch, which decides who completed it by the share of
hours attended. Finishing changes no companion's status: completed trainees stay trainees until the internship
step takes them on."""

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require
from pendamping.audit.services import audit_record, snapshot
from pendamping.companions.models import Attendance, Briefing, Companion, Participant, Session
from pendamping.companions.selectors.briefing import ELIGIBLE, attendance_hours
from pendamping.companions.services import lifecycle
from pendamping.companions.services.briefing_plan import lock_briefing, require_open
from pendamping.registry.services._common import save_checked

SCORE_FIELDS = ("pre_score", "post_score")


def _refuse_participant(briefing: Briefing, companion: Companion) -> None:
    if companion.status not in ELIGIBLE:
        message = _("Only candidates, trainees and active companions take part in a briefing; %(name)s is %(s)s.")
        raise ValidationError({"companion": message % {"name": companion.name, "s": companion.get_status_display()}})
    if briefing.participants.filter(companion=companion).exists():
        raise ValidationError({"companion": _("%(name)s is already in this batch.") % {"name": companion.name}})
    capacity, count = briefing.venue_capacity, briefing.participants.count()
    if capacity is not None and count >= capacity:
        message = _("The venue holds %(n)d participants and the batch already has %(count)d; it is full.")
        raise ValidationError({"companion": message % {"n": capacity, "count": count}})


@transaction.atomic
def participant_add(*, actor: Any, briefing: Briefing, companion: Companion) -> Participant:
    require(actor, "briefing.manage")
    briefing = lock_briefing(briefing)
    require_open(briefing)
    companion = Companion.objects.select_for_update().get(pk=companion.pk)
    _refuse_participant(briefing, companion)
    participant = Participant(briefing=briefing, companion=companion)
    save_checked(participant, exclude=["briefing", "companion"])
    audit_record(actor=actor, action="create", obj=participant, after=snapshot(participant))
    if companion.status == Companion.Status.CANDIDATE:
        participant.companion = lifecycle.companion_move(actor=actor, companion=companion, to=Companion.Status.TRAINEE)
    return participant


@transaction.atomic
def participant_remove(*, actor: Any, participant: Participant) -> None:
    """Only before the batch starts. A trainee in no other batch goes back to being a candidate."""
    require(actor, "briefing.manage")
    briefing = lock_briefing(participant.briefing)
    if briefing.status != Briefing.Status.PLANNED:
        raise ValidationError(_("Participants can only be removed while the batch is planned."))
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    companion = Companion.objects.select_for_update().get(pk=participant.companion_id)
    audit_record(actor=actor, action="delete", obj=participant, before=snapshot(participant))
    participant.delete()
    if companion.status == Companion.Status.TRAINEE and not companion.briefings.exists():
        lifecycle.companion_move(actor=actor, companion=companion, to=Companion.Status.CANDIDATE)


def _start(actor: Any, briefing: Briefing) -> None:
    """The first attendance recorded means the batch has begun."""
    before = snapshot(briefing)
    briefing.status = Briefing.Status.RUNNING
    briefing.version += 1
    briefing.save(update_fields=["status", "version"])
    audit_record(actor=actor, action="update", obj=briefing, before=before, after=snapshot(briefing))


def _present_ids(present: Iterable[Any]) -> set[int]:
    try:
        return {int(getattr(p, "pk", p)) for p in present}
    except (TypeError, ValueError):
        raise ValidationError({"present": _("Give the participants present by their ids.")}) from None


@transaction.atomic
def attendance_record(*, actor: Any, session: Session, present: Iterable[Any]) -> Session:
    """The participants present at a session; every other participant of the batch is recorded absent."""
    require(actor, "briefing.manage")
    briefing = lock_briefing(session.briefing)
    require_open(briefing)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.on > timezone.localdate():
        message = _("This session is on %(day)s; record attendance on or after that day.")
        raise ValidationError({"present": message % {"day": date_format(session.on)}})
    ids, members = _present_ids(present), set(briefing.participants.values_list("pk", flat=True))
    if strangers := ids - members:
        message = _("%(n)d of the people marked present are not participants of this batch; nothing was saved.")
        raise ValidationError({"present": message % {"n": len(strangers)}})
    existing = dict(session.attendance.values_list("participant_id", "present"))
    before = {"present": sorted(pk for pk, here in existing.items() if here)}
    session.attendance.filter(participant_id__in=ids).update(present=True)
    session.attendance.exclude(participant_id__in=ids).update(present=False)
    new = [Attendance(session=session, participant_id=pk, present=pk in ids) for pk in members - set(existing)]
    Attendance.objects.bulk_create(new)
    audit_record(actor=actor, action="update", obj=session, before=before, after={"present": sorted(ids)})
    if briefing.status == Briefing.Status.PLANNED:
        _start(actor, briefing)
    return session


def _score(value: Any, *, field: str, name: str) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    message = _("Scores are from 0 to 100 with at most two decimals: %(name)s has %(value)s.")
    try:
        score = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError({field: message % {"name": name, "value": value}}) from None
    if not score.is_finite() or not 0 <= score <= 100 or score != score.quantize(Decimal("0.01")):
        raise ValidationError({field: message % {"name": name, "value": value}})
    return score


@transaction.atomic
def scores_record(*, actor: Any, briefing: Briefing, scores: Mapping[int, Mapping[str, Any]]) -> list[Participant]:
    """Pre- and post-test scores by participant id: {id: {"pre_score": 55, "post_score": 80}}. A field left out
    is unchanged; None or "" clears it. Scores may come in after the batch is finished."""
    require(actor, "briefing.manage")
    briefing = lock_briefing(briefing)
    rows = {p.pk: p for p in briefing.participants.select_for_update(of=("self",)).select_related("companion")}
    if strangers := set(scores) - set(rows):
        message = _("%(n)d of the scores are for people who are not participants of this batch; nothing was saved.")
        raise ValidationError({"scores": message % {"n": len(strangers)}})
    changed = []
    for pk, values in scores.items():
        participant = rows[pk]
        before = snapshot(participant)
        for key in SCORE_FIELDS:
            if key in values:
                setattr(participant, key, _score(values[key], field=key, name=participant.companion.name))
        if snapshot(participant) != before:
            participant.save(update_fields=list(SCORE_FIELDS))
            audit_record(actor=actor, action="update", obj=participant, before=before, after=snapshot(participant))
            changed.append(participant)
    return changed


def _refuse_finish(briefing: Briefing) -> None:
    if briefing.status == Briefing.Status.FINISHED:
        raise ValidationError(_("This batch is already finished."))
    last = briefing.sessions.order_by("-on").values_list("on", flat=True).first()
    if last is None:
        raise ValidationError(_("The batch has no sessions; plan and hold them before finishing it."))
    if last > timezone.localdate():
        raise ValidationError(
            _("The last session is on %(day)s; finish the batch after it.") % {"day": date_format(last)}
        )
    if not briefing.participants.exists():
        raise ValidationError(_("The batch has no participants."))


@transaction.atomic
def briefing_finish(*, actor: Any, briefing: Briefing) -> Briefing:
    """Close the batch: each participant completed it when present for at least the batch's share of the hours."""
    require(actor, "briefing.manage")
    briefing = lock_briefing(briefing)
    _refuse_finish(briefing)
    hours = attendance_hours(briefing=briefing)
    for participant in briefing.participants.select_for_update(of=("self",)).order_by("pk"):
        completed = hours.meets(participant.pk, briefing.completion_share)
        if participant.completed != completed:
            before = snapshot(participant)
            participant.completed = completed
            participant.save(update_fields=["completed"])
            audit_record(actor=actor, action="update", obj=participant, before=before, after=snapshot(participant))
    before = snapshot(briefing)
    briefing.status = Briefing.Status.FINISHED
    briefing.version += 1
    briefing.save(update_fields=["status", "version"])
    audit_record(actor=actor, action="update", obj=briefing, before=before, after=snapshot(briefing))
    return briefing
