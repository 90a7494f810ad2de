"""Writes of visits: a companion records a visit to a KUBE they accompany now (from a phone, possibly twice over a
weak connection), closes its follow-ups, and may take a mistaken visit back within a day."""

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pendamping.accounts.guards import require, require_regency
from pendamping.accounts.models import Role
from pendamping.audit.services import audit_record, snapshot
from pendamping.companions.models import Assignment, Companion, FollowUp, Visit
from pendamping.companions.selectors.visits import UNDO_HOURS
from pendamping.registry.models import Group, Membership
from pendamping.registry.services._common import save_checked

__all__ = [
    "MAX_FOLLOW_UPS",
    "NOT_YOUR_KUBE",
    "ROLES",
    "UNDO_HOURS",
    "followup_done",
    "visit_delete",
    "visit_record",
]

# The role a visit served -> its flag on Visit (the model's names: nara sumber, penggerak, fasilitator).
ROLES = {"resource": "as_resource", "motivator": "as_motivator", "facilitator": "as_facilitator"}
MAX_FOLLOW_UPS = 10  # the phone form offers 3; the API may send a few more, never an unbounded list
# One message for a KUBE that is not the companion's and for one that does not exist: the refusal reveals nothing.
NOT_YOUR_KUBE = gettext_lazy("No such KUBE among those you accompany now.")
_CLIENT_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


def _is_companion(actor: Any) -> bool:
    return actor is not None and not actor.is_superuser and actor.role == Role.COMPANION


def _visiting_companion(actor: Any, companion: Companion | None) -> Companion:
    """A companion records their own visits; an admin (or the system) names the companion who made it."""
    if _is_companion(actor):
        own = Companion.objects.filter(user=actor).first()
        if own is None or (companion is not None and companion.pk != own.pk):
            raise ValidationError({"group": NOT_YOUR_KUBE})
        return own
    if companion is None:
        raise ValidationError({"companion": _("Choose the companion who made the visit.")})
    return companion


def _assignment(actor: Any, companion: Companion, group: Group) -> Assignment:
    current = Assignment.objects.filter(companion=companion, group=group, ended_on__isnull=True).first()
    if current is None:
        message = NOT_YOUR_KUBE if _is_companion(actor) else _("This companion does not accompany this KUBE now.")
        raise ValidationError({"group": message})
    return current


def _existing(client_key: str | None, actor: Any) -> Visit | None:
    """The visit an earlier submission of the same form made, if any. A key is its author's: someone else's key
    is refused rather than answered with their visit."""
    if client_key is None:
        return None
    if not _CLIENT_KEY.fullmatch(client_key):
        raise ValidationError({"client_key": _("The form key is malformed; reload the form.")})
    visit = Visit.objects.filter(client_key=client_key).first()
    if visit is not None and actor is not None and visit.created_by_id != actor.pk:
        raise ValidationError({"client_key": _("This form was already used; reload the form.")})
    return visit


def _check_date(on: dt.date, assignment: Assignment) -> None:
    if on > timezone.localdate():
        raise ValidationError({"on": _("A visit cannot be dated in the future.")})
    if on < assignment.started_on:
        raise ValidationError(
            {
                "on": _("The assignment to this KUBE started on %(d)s; the visit cannot be earlier.")
                % {"d": date_format(assignment.started_on, "DATE_FORMAT")}
            }
        )


def _flags(roles: Iterable[str]) -> dict[str, bool]:
    chosen = set(roles)
    if unknown := chosen - set(ROLES):
        raise ValidationError({"roles": _("Unknown role: %(r)s.") % {"r": ", ".join(sorted(unknown))}})
    if not chosen:
        raise ValidationError({"roles": _("Tick at least one role the visit served.")})
    return {flag: name in chosen for name, flag in ROLES.items()}


def _topics(topics: Iterable[str]) -> list[str]:
    chosen = set(topics)
    if unknown := chosen - set(Visit.Topic.values):
        raise ValidationError({"topics": _("Unknown topic: %(t)s.") % {"t": ", ".join(sorted(unknown))}})
    return [code for code in Visit.Topic.values if code in chosen]  # the list's order, each once


def _check_present(group: Group, members_present: int) -> None:
    members = Membership.objects.filter(group=group, left_on__isnull=True).count()
    if not 0 <= members_present <= members:
        raise ValidationError(
            {
                "members_present": _("Members present must be between 0 and %(n)d, the KUBE's members now.")
                % {"n": members}
            }
        )


def _follow_ups(visit: Visit, items: Sequence[tuple[str, dt.date]]) -> list[FollowUp]:
    if len(items) > MAX_FOLLOW_UPS:
        raise ValidationError({"follow_ups": _("At most %(n)d follow-ups per visit.") % {"n": MAX_FOLLOW_UPS}})
    rows = []
    for action, due_on in items:
        text = " ".join(str(action).split())
        if not text:
            raise ValidationError({"follow_ups": _("Describe each follow-up action.")})
        if due_on < visit.on:
            raise ValidationError({"follow_ups": _("A follow-up cannot be due before the visit.")})
        rows.append(FollowUp(visit=visit, action=text, due_on=due_on))
    return rows


@transaction.atomic
def visit_record(
    *,
    actor: Any,
    group: Group,
    on: dt.date,
    roles: Iterable[str],
    topics: Iterable[str] = (),
    topic_other: str = "",
    members_present: int,
    problems: str = "",
    follow_ups: Sequence[tuple[str, dt.date]] = (),
    client_key: str | None = None,
    companion: Companion | None = None,
) -> Visit:
    """Record a visit. The same `client_key` sent again returns the first visit, unchanged."""
    require(actor, "visit.record")
    if (earlier := _existing(client_key, actor)) is not None:
        return earlier
    companion = _visiting_companion(actor, companion)
    _check_date(on, _assignment(actor, companion, group))
    _check_present(group, members_present)
    visit = Visit(companion=companion, group=group, regency_id=group.regency_id, on=on, **_flags(roles))
    visit.topics, visit.topic_other = _topics(topics), " ".join(str(topic_other).split())
    visit.members_present, visit.problems = members_present, str(problems).strip()
    visit.client_key, visit.created_by = client_key, actor if getattr(actor, "is_authenticated", False) else None
    rows = _follow_ups(visit, follow_ups)
    if (stored := _store(visit, actor)) is not visit:
        return stored
    audit_record(actor=actor, action="create", obj=visit, after=snapshot(visit))
    for row in rows:
        row.visit = visit
        save_checked(row, exclude=["visit"])
        audit_record(actor=actor, action="create", obj=row, after=snapshot(row))
    return visit


def _store(visit: Visit, actor: Any) -> Visit:
    """Save the visit. The same form sent twice at once stores it once: the later request gets the first."""
    try:
        with transaction.atomic():
            save_checked(visit, exclude=["companion", "group", "regency", "client_key", "created_by"])
    except IntegrityError:
        twin = _existing(visit.client_key, actor)
        if twin is None:
            raise
        return twin
    return visit


def _may_close(actor: Any, visit: Visit) -> None:
    """The visiting companion, or an officer of the KUBE's regency (or an admin): not auditors, not others."""
    require(actor, "visit.view")
    if actor is None or actor.is_superuser or actor.role == Role.ADMIN:
        return
    if actor.role == Role.COMPANION:
        if visit.companion.user_id != actor.pk:
            raise PermissionDenied(_("Only the companion who made the visit may close its follow-ups."))
        return
    if actor.role != Role.OFFICER:
        raise PermissionDenied(_("Your role may not do this."))
    require_regency(actor, visit.regency_id, field="follow_up")


@transaction.atomic
def followup_done(*, actor: Any, follow_up: FollowUp, done_on: dt.date, note: str = "") -> FollowUp:
    follow_up = FollowUp.objects.select_for_update(of=("self",)).select_related("visit__companion").get(pk=follow_up.pk)
    _may_close(actor, follow_up.visit)
    if follow_up.done_on is not None:
        raise ValidationError(
            _("This follow-up was already done on %(d)s.") % {"d": date_format(follow_up.done_on, "DATE_FORMAT")}
        )
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The date it was done cannot be in the future.")})
    if done_on < follow_up.visit.on:
        raise ValidationError({"done_on": _("A follow-up cannot be done before the visit that set it.")})
    before = snapshot(follow_up)
    follow_up.done_on, follow_up.note = done_on, " ".join(str(note).split())
    save_checked(follow_up, exclude=["visit"])
    audit_record(actor=actor, action="update", obj=follow_up, before=before, after=snapshot(follow_up))
    return follow_up


@transaction.atomic
def visit_delete(*, actor: Any, visit: Visit) -> None:
    """A visit recorded by mistake is taken back within a day by its author (or a provincial admin, who records
    visits from paper forms for companions); after that it stays on the record."""
    require(actor, "visit.record")
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    is_admin = actor is None or actor.is_superuser or actor.role == Role.ADMIN
    if not is_admin and visit.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who recorded a visit may delete it."))
    if timezone.now() - visit.created_at > dt.timedelta(hours=UNDO_HOURS):
        raise ValidationError(_("A visit can be deleted only within %(h)d hours of recording it.") % {"h": UNDO_HOURS})
    for row in visit.follow_ups.all():
        audit_record(actor=actor, action="delete", obj=row, before=snapshot(row))
    audit_record(actor=actor, action="delete", obj=visit, before=snapshot(visit))
    visit.delete()
