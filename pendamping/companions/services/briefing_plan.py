"""Writes of a briefing batch's plan: the batch (dates, venue, capacity, attendance needed to complete), its
curriculum modules, the province's instructors, the sessions (date, time, method, instructors; a double-booked
instructor is refused), budget lines and the equipment checklist. The province runs briefings: every write
needs briefing.manage. Participants, attendance, scores and finishing are in briefing_people.py."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require
from pendamping.audit.services import audit_record, snapshot
from pendamping.companions.models import Briefing, BudgetLine, Equipment, Instructor, Module, Session
from pendamping.core.concurrency import check_version
from pendamping.registry.services._common import rupiah, save_checked

BATCH_FIELDS = ("title", "starts_on", "ends_on", "venue", "venue_capacity", "completion_share")
# Once a batch is finished its completion was computed from these; they no longer change.
FROZEN_WHEN_FINISHED = ("starts_on", "ends_on", "venue_capacity", "completion_share")
SESSION_FIELDS = ("module", "on", "starts_at", "ends_at", "method", "topic")


def lock_briefing(briefing: Briefing) -> Briefing:
    return Briefing.objects.select_for_update().get(pk=briefing.pk)


def require_open(briefing: Briefing) -> None:
    if briefing.status == Briefing.Status.FINISHED:
        raise ValidationError(_("This batch is finished; its plan, participants and attendance can no longer change."))


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _decimal(value: Any, *, field: str, low: Decimal, high: Decimal, message: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError({field: message}) from None
    if not number.is_finite() or not low < number <= high:
        raise ValidationError({field: message})
    return number


def _apply_batch(briefing: Briefing, data: dict[str, Any]) -> None:
    for key in BATCH_FIELDS:
        if key in data:
            setattr(briefing, key, data[key])
    briefing.title, briefing.venue = _text(briefing.title), _text(briefing.venue)
    if briefing.venue_capacity is not None and int(briefing.venue_capacity) < 1:
        raise ValidationError({"venue_capacity": _("The venue must hold at least one participant.")})
    share_error = _("The attendance needed must be more than 0 and at most 100 (percent of the hours).")
    briefing.completion_share = _decimal(
        briefing.completion_share, field="completion_share", low=Decimal(0), high=Decimal(100), message=share_error
    )
    if briefing.starts_on and briefing.ends_on and briefing.ends_on < briefing.starts_on:
        raise ValidationError({"ends_on": _("The last day is before the first day.")})


@transaction.atomic
def briefing_create(*, actor: Any, title: str, starts_on: dt.date, ends_on: dt.date, **data: Any) -> Briefing:
    require(actor, "briefing.manage")
    briefing = Briefing(created_by=actor if getattr(actor, "is_authenticated", False) else None)
    _apply_batch(briefing, {"title": title, "starts_on": starts_on, "ends_on": ends_on, **data})
    save_checked(briefing, exclude=["created_by"])
    audit_record(actor=actor, action="create", obj=briefing, after=snapshot(briefing))
    return briefing


def _refuse_batch_change(briefing: Briefing, old: dict[str, Any]) -> None:
    if briefing.status == Briefing.Status.FINISHED:
        for key in FROZEN_WHEN_FINISHED:
            if getattr(briefing, key) != old[key]:
                raise ValidationError({key: _("The batch is finished; this can no longer change.")})
    outside = briefing.sessions.exclude(on__range=(briefing.starts_on, briefing.ends_on)).order_by("on").first()
    if outside is not None:
        message = _("A session on %(day)s falls outside these dates; move or delete it first.")
        raise ValidationError({"starts_on": message % {"day": date_format(outside.on)}})
    count = briefing.participants.count()
    if briefing.venue_capacity is not None and count > briefing.venue_capacity:
        message = _("%(n)d participants are already in the batch; the venue must hold them all.")
        raise ValidationError({"venue_capacity": message % {"n": count}})


@transaction.atomic
def briefing_update(*, actor: Any, briefing: Briefing, version: int | None = None, **data: Any) -> Briefing:
    require(actor, "briefing.manage")
    briefing = lock_briefing(briefing)
    check_version(briefing, version)
    before = snapshot(briefing)
    old = {key: getattr(briefing, key) for key in FROZEN_WHEN_FINISHED}
    _apply_batch(briefing, data)
    _refuse_batch_change(briefing, old)
    briefing.version += 1
    save_checked(briefing, exclude=["created_by"])
    audit_record(actor=actor, action="update", obj=briefing, before=before, after=snapshot(briefing))
    return briefing


# --- modules ---------------------------------------------------------------------------------------------------


def _hours(value: Any) -> Decimal:
    message = _("Planned hours must be more than 0 and at most 999.")
    return _decimal(value, field="hours", low=Decimal(0), high=Decimal(999), message=message)


@transaction.atomic
def module_add(*, actor: Any, briefing: Briefing, title: str, hours: Any, goals: str = "") -> Module:
    require(actor, "briefing.manage")
    briefing = lock_briefing(briefing)
    require_open(briefing)
    last = briefing.modules.order_by("-position").values_list("position", flat=True).first()
    module = Module(briefing=briefing, title=_text(title), hours=_hours(hours), goals=str(goals or "").strip())
    module.position = (last or 0) + 1
    save_checked(module, exclude=["briefing"])
    audit_record(actor=actor, action="create", obj=module, after=snapshot(module))
    return module


@transaction.atomic
def module_update(*, actor: Any, module: Module, **data: Any) -> Module:
    require(actor, "briefing.manage")
    require_open(lock_briefing(module.briefing))
    module = Module.objects.select_for_update().get(pk=module.pk)
    before = snapshot(module)
    if "title" in data:
        module.title = _text(data["title"])
    if "hours" in data:
        module.hours = _hours(data["hours"])
    if "goals" in data:
        module.goals = str(data["goals"] or "").strip()
    save_checked(module, exclude=["briefing"])
    audit_record(actor=actor, action="update", obj=module, before=before, after=snapshot(module))
    return module


@transaction.atomic
def module_delete(*, actor: Any, module: Module) -> None:
    require(actor, "briefing.manage")
    require_open(lock_briefing(module.briefing))
    module = Module.objects.select_for_update().get(pk=module.pk)
    if module.sessions.exists():
        raise ValidationError(_("This module has sessions; delete or move them first."))
    before = snapshot(module)
    audit_record(actor=actor, action="delete", obj=module, before=before)
    module.delete()


# --- instructors -----------------------------------------------------------------------------------------------


@transaction.atomic
def instructor_create(*, actor: Any, name: str, institution: str = "", expertise: str = "") -> Instructor:
    require(actor, "briefing.manage")
    instructor = Instructor(name=_text(name), institution=_text(institution), expertise=_text(expertise))
    twin = Instructor.objects.filter(name__iexact=instructor.name, institution__iexact=instructor.institution)
    if instructor.name and twin.exists():
        raise ValidationError({"name": _("An instructor of this name and institution is already registered.")})
    save_checked(instructor)
    audit_record(actor=actor, action="create", obj=instructor, after=snapshot(instructor))
    return instructor


# --- sessions --------------------------------------------------------------------------------------------------


def _session_snapshot(session: Session) -> dict[str, Any]:
    # audit's snapshot passes times through as they are, which JSON cannot store: written as "08:00:00".
    values = {k: v.isoformat() if isinstance(v, dt.time) else v for k, v in snapshot(session).items()}
    return {**values, "instructors": sorted(session.instructors.values_list("pk", flat=True))}


def _refuse_clash(session: Session, instructors: Sequence[Instructor]) -> None:
    """An instructor cannot be in two sessions at once, in this batch or any other. The instructors' rows are
    locked, so two bookings of the same person at the same time cannot both pass."""
    people = Instructor.objects.select_for_update().filter(pk__in=[i.pk for i in instructors]).order_by("pk")
    for person in people:
        overlap = Session.objects.filter(
            instructors=person, on=session.on, starts_at__lt=session.ends_at, ends_at__gt=session.starts_at
        )
        other = overlap.exclude(pk=session.pk).select_related("briefing", "module").first()
        if other is not None:
            message = _("%(name)s already teaches “%(session)s” in %(batch)s from %(start)s to %(end)s.")
            values = {"name": person.name, "session": other.topic or other.module.title, "batch": other.briefing}
            values |= {"start": f"{other.starts_at:%H:%M}", "end": f"{other.ends_at:%H:%M}"}
            raise ValidationError({"instructors": message % values})


def _check_session(session: Session, briefing: Briefing, instructors: Sequence[Instructor]) -> None:
    if session.module.briefing_id != briefing.pk:
        raise ValidationError({"module": _("This module belongs to another batch.")})
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        raise ValidationError({"ends_at": _("The session must end after it starts.")})
    if session.on and not briefing.starts_on <= session.on <= briefing.ends_on:
        period = {"first": date_format(briefing.starts_on), "last": date_format(briefing.ends_on)}
        raise ValidationError({"on": _("The session must fall within the batch, %(first)s to %(last)s.") % period})
    session.topic = _text(session.topic)
    session.full_clean(exclude=["briefing", "module"])
    _refuse_clash(session, instructors)


@transaction.atomic
def session_add(
    *, actor: Any, briefing: Briefing, module: Module, instructors: Sequence[Instructor] = (), **data: Any
) -> Session:
    require(actor, "briefing.manage")
    briefing = lock_briefing(briefing)
    require_open(briefing)
    session = Session(briefing=briefing, module=module, **{k: v for k, v in data.items() if k in SESSION_FIELDS})
    _check_session(session, briefing, instructors)
    session.save()
    session.instructors.set(instructors)
    audit_record(actor=actor, action="create", obj=session, after=_session_snapshot(session))
    return session


@transaction.atomic
def session_update(
    *, actor: Any, session: Session, instructors: Sequence[Instructor] | None = None, **data: Any
) -> Session:
    require(actor, "briefing.manage")
    briefing = lock_briefing(session.briefing)
    require_open(briefing)
    session = Session.objects.select_for_update(of=("self",)).select_related("module").get(pk=session.pk)
    before = _session_snapshot(session)
    for key in SESSION_FIELDS:
        if key in data:
            setattr(session, key, data[key])
    people = list(session.instructors.all()) if instructors is None else list(instructors)
    _check_session(session, briefing, people)
    session.save()
    session.instructors.set(people)
    audit_record(actor=actor, action="update", obj=session, before=before, after=_session_snapshot(session))
    return session


@transaction.atomic
def session_delete(*, actor: Any, session: Session) -> None:
    require(actor, "briefing.manage")
    require_open(lock_briefing(session.briefing))
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.attendance.exists():
        raise ValidationError(_("Attendance was recorded for this session; it cannot be deleted."))
    audit_record(actor=actor, action="delete", obj=session, before=_session_snapshot(session))
    session.delete()


# --- budget and equipment --------------------------------------------------------------------------------------


def _actual(value: Any) -> int | None:
    return None if value is None or str(value).strip() == "" else rupiah(value, field="actual")


@transaction.atomic
def budget_line_add(*, actor: Any, briefing: Briefing, item: str, planned: Any, actual: Any = None) -> BudgetLine:
    require(actor, "briefing.manage")
    briefing = lock_briefing(briefing)
    last = briefing.budget_lines.order_by("-position").values_list("position", flat=True).first()
    line = BudgetLine(briefing=briefing, item=_text(item), planned=rupiah(planned, field="planned"))
    line.actual, line.position = _actual(actual), (last or 0) + 1
    save_checked(line, exclude=["briefing"])
    audit_record(actor=actor, action="create", obj=line, after=snapshot(line))
    return line


@transaction.atomic
def budget_line_update(*, actor: Any, line: BudgetLine, **data: Any) -> BudgetLine:
    """Actual amounts usually come in after the batch: budget lines stay open when it is finished."""
    require(actor, "briefing.manage")
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    before = snapshot(line)
    if "item" in data:
        line.item = _text(data["item"])
    if "planned" in data:
        line.planned = rupiah(data["planned"], field="planned")
    if "actual" in data:
        line.actual = _actual(data["actual"])
    save_checked(line, exclude=["briefing"])
    audit_record(actor=actor, action="update", obj=line, before=before, after=snapshot(line))
    return line


@transaction.atomic
def equipment_add(*, actor: Any, briefing: Briefing, item: str, quantity: int = 1, ready: bool = False) -> Equipment:
    require(actor, "briefing.manage")
    briefing = lock_briefing(briefing)
    if int(quantity) < 1:
        raise ValidationError({"quantity": _("The quantity must be at least 1.")})
    equipment = Equipment(briefing=briefing, item=_text(item), quantity=quantity, ready=bool(ready))
    save_checked(equipment, exclude=["briefing"])
    audit_record(actor=actor, action="create", obj=equipment, after=snapshot(equipment))
    return equipment


@transaction.atomic
def equipment_toggle(*, actor: Any, equipment: Equipment, ready: bool | None = None) -> Equipment:
    """Mark a checklist line ready or not (`ready`), or flip it."""
    require(actor, "briefing.manage")
    equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
    before = snapshot(equipment)
    equipment.ready = (not equipment.ready) if ready is None else bool(ready)
    equipment.save(update_fields=["ready"])
    audit_record(actor=actor, action="update", obj=equipment, before=before, after=snapshot(equipment))
    return equipment
