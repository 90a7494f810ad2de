"""The companion's lifecycle: applicant → candidate → trainee → intern → active → inactive. A status changes only
through a step of the model (an accepted application, a briefing, an internship) or the officer's deactivation
and reactivation here; every step checks that the move is one the model has, and is audited."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require, require_regency
from pendamping.audit.services import audit_record, snapshot
from pendamping.companions.models import Assignment, Companion, Placement

S = Companion.Status
# (from, to): the moves the model has. Backward ones: a trainee removed from a batch, an intern who did not pass,
# a former companion recruited again.
MOVES: frozenset[tuple[str, str]] = frozenset(
    {
        (S.APPLICANT, S.CANDIDATE),
        (S.CANDIDATE, S.TRAINEE),
        (S.TRAINEE, S.CANDIDATE),
        (S.TRAINEE, S.INTERN),
        (S.INTERN, S.ACTIVE),
        (S.INTERN, S.TRAINEE),
        (S.ACTIVE, S.INACTIVE),
        (S.INACTIVE, S.ACTIVE),
        (S.INACTIVE, S.CANDIDATE),
    }
)


def companion_move(*, actor: Any, companion: Companion, to: str, expected: str | None = None) -> Companion:
    """One step of the lifecycle. The caller checked the step's own preconditions and holds the transaction;
    this refuses a move the model does not have, or a companion no longer at `expected`."""
    locked = Companion.objects.select_for_update().get(pk=companion.pk)
    if expected is not None and locked.status != expected:
        raise ValidationError(
            _("%(name)s is %(status)s now, not %(expected)s; reload and check.")
            % {"name": locked.name, "status": locked.get_status_display(), "expected": S(expected).label}
        )
    if (locked.status, to) not in MOVES:
        raise ValidationError(
            {
                "status": _("A companion cannot go from %(old)s to %(new)s.")
                % {"old": locked.get_status_display(), "new": S(to).label}
            }
        )
    before = snapshot(locked)
    locked.status, locked.version = to, locked.version + 1
    locked.save(update_fields=["status", "version", "updated_at"])
    audit_record(actor=actor, action="update", obj=locked, before=before, after=snapshot(locked))
    return locked


@transaction.atomic
def companion_deactivate(*, actor: Any, companion: Companion, on: dt.date, reason: str) -> Companion:
    """An active companion stops serving: their current assignments end on `on` with the reason."""
    require(actor, "companion.change")
    companion = Companion.objects.select_for_update().get(pk=companion.pk)
    require_regency(actor, companion.regency_id, field="companion")
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for deactivating this companion.")})
    if companion.status != S.ACTIVE:
        raise ValidationError({"status": _("Only an active companion can be deactivated.")})
    for assignment in Assignment.objects.select_for_update().filter(companion=companion, ended_on__isnull=True):
        if on < assignment.started_on:
            raise ValidationError({"on": _("The date is before one of the companion's assignments started.")})
        before = snapshot(assignment)
        assignment.ended_on, assignment.end_reason = on, reason.strip()[:200]
        assignment.save(update_fields=["ended_on", "end_reason"])
        audit_record(actor=actor, action="update", obj=assignment, before=before, after=snapshot(assignment))
    return companion_move(actor=actor, companion=companion, to=S.INACTIVE, expected=S.ACTIVE)


@transaction.atomic
def companion_reactivate(*, actor: Any, companion: Companion) -> Companion:
    """An inactive companion who served before (assignments or a completed internship) comes back."""
    require(actor, "companion.change")
    companion = Companion.objects.select_for_update().get(pk=companion.pk)
    require_regency(actor, companion.regency_id, field="companion")
    served = companion.assignments.exists() or companion.placements.filter(status=Placement.Status.COMPLETED).exists()
    if companion.status != S.INACTIVE or not served:
        raise ValidationError(
            {"status": _("Only an inactive companion who has served before can be reactivated; others are recruited.")}
        )
    return companion_move(actor=actor, companion=companion, to=S.ACTIVE, expected=S.INACTIVE)
