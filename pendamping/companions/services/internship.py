"""Internship (praktek magang) writes: a round's trainees and host KUBE, the optimal matching
(companions.matching), the admin's swaps and moves, and confirmation, which makes each trainee an intern.
The running internship (logbook, assessments, completion) is in services.internship_progress and re-exported
here: import every internship service from this module.

A round is edited while it is a draft; confirming it fixes the placements; it is finished once every
placement is completed or failed. Every change is audited; companion status changes only here (trainee ->
intern on confirmation; intern -> active on completion)."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pendamping.accounts.guards import require
from pendamping.audit.services import audit_record, snapshot
from pendamping.companions.matching import Fit, Matching, match, suitability
from pendamping.companions.models import Companion, Host, InternshipRound, Placement
from pendamping.companions.selectors.internship import (
    completed_briefing,
    feasibility,
    matching_facts,
    open_rounds,
    outstanding_ids,
    site_facts,
    trainee_facts,
)
from pendamping.companions.services import lifecycle
from pendamping.companions.services.internship_progress import (
    ASSESSMENT_ITEMS,
    assessment_record,
    assessment_total,
    logbook_add,
    pass_mark,
    placement_complete,
)
from pendamping.core.concurrency import check_version
from pendamping.registry.models import Group
from pendamping.registry.services._common import save_checked

__all__ = [
    "ASSESSMENT_ITEMS",
    "MAX_CAPACITY",
    "assessment_record",
    "assessment_total",
    "logbook_add",
    "pass_mark",
    "placement_complete",
    "placement_move",
    "placement_swap",
    "round_add_hosts",
    "round_add_trainees",
    "round_confirm",
    "round_create",
    "round_finish",
    "round_propose",
    "round_remove_hosts",
    "round_remove_trainees",
]

MAX_CAPACITY = 10  # trainees one KUBE can take in at once and still teach them


def _lock(round: InternshipRound, *, draft: bool = False) -> InternshipRound:
    locked = InternshipRound.objects.select_for_update().get(pk=round.pk)
    if draft and locked.status != InternshipRound.Status.DRAFT:
        raise ValidationError(
            _("This round is %(s)s; only a draft round can be changed.") % {"s": locked.get_status_display()}
        )
    return locked


def _touch(round: InternshipRound, actor: Any, before: dict[str, Any] | None = None) -> None:
    """Bump the round's version (its rows changed: a confirmation must be of the round the admin reviewed);
    the round's own audit entry only when a field of its own changed (the rows have theirs)."""
    before = before or snapshot(round)
    round.version += 1
    round.save()
    after = snapshot(round)
    if {k: v for k, v in before.items() if k != "version"} != {k: v for k, v in after.items() if k != "version"}:
        audit_record(actor=actor, action="update", obj=round, before=before, after=after)


def _capacity(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CAPACITY:
        raise ValidationError({"capacity": _("A host takes 1 to %(n)d trainees.") % {"n": MAX_CAPACITY}})
    return value


@transaction.atomic
def round_create(*, actor: Any, title: str, starts_on: Any, ends_on: Any, default_capacity: int = 2) -> InternshipRound:
    require(actor, "internship.manage")
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The round ends before it starts.")})
    round = InternshipRound(
        title=" ".join(str(title).split()),
        starts_on=starts_on,
        ends_on=ends_on,
        default_capacity=_capacity(default_capacity),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    save_checked(round)
    audit_record(actor=actor, action="create", obj=round, after=snapshot(round))
    return round


def _trainee_refusal(c: Companion, done: set[int], busy: dict[int, InternshipRound], rnd: InternshipRound) -> str:
    if c.status != Companion.Status.TRAINEE:
        return _("%(name)s is not a trainee (status: %(status)s).") % {"name": c.name, "status": c.get_status_display()}
    if c.pk not in done:
        return _("%(name)s has not completed a briefing batch.") % {"name": c.name}
    if c.pk in busy:
        other = busy[c.pk]
        if other.pk == rnd.pk:
            return _("%(name)s is already in this round.") % {"name": c.name}
        return _("%(name)s is already in the round “%(round)s”.") % {"name": c.name, "round": other.title}
    return ""


@transaction.atomic
def round_add_trainees(*, actor: Any, round: InternshipRound, companions: Iterable[Companion]) -> list[Placement]:
    """Each must be a trainee who completed a briefing and is in no unfinished round; one refusal refuses all."""
    require(actor, "internship.manage")
    rnd = _lock(round, draft=True)
    people = list(Companion.objects.select_for_update().filter(pk__in=[c.pk for c in companions]).order_by("name"))
    if not people:
        raise ValidationError({"companions": _("Choose at least one trainee.")})
    ids = [c.pk for c in people]
    done, busy = completed_briefing(ids), open_rounds(ids)
    if problems := [p for p in (_trainee_refusal(c, done, busy, rnd) for c in people) if p]:
        raise ValidationError({"companions": problems})
    placements = []
    for companion in people:
        placement = Placement.objects.create(round=rnd, companion=companion)
        audit_record(actor=actor, action="create", obj=placement, after=snapshot(placement))
        placements.append(placement)
    _touch(rnd, actor)
    return placements


@transaction.atomic
def round_remove_trainees(*, actor: Any, round: InternshipRound, companions: Iterable[Companion]) -> int:
    """Take trainees out of a draft round (e.g. those an infeasible round cannot place, for a later round)."""
    require(actor, "internship.manage")
    rnd = _lock(round, draft=True)
    gone = list(rnd.placements.filter(companion__in=[c.pk for c in companions]))
    for placement in gone:
        audit_record(actor=actor, action="delete", obj=placement, before=snapshot(placement))
        placement.delete()
    if gone:
        _touch(rnd, actor)
    return len(gone)


def _set_capacity(actor: Any, host: Host, capacity: int) -> None:
    placed = host.placements.count()
    if capacity < placed:
        raise ValidationError(
            {"capacity": _("%(name)s already has %(n)d trainees placed; its capacity cannot be lower.")
            % {"name": host.group.name, "n": placed}}
        )  # fmt: skip
    before = snapshot(host)
    host.capacity = capacity
    host.save()
    audit_record(actor=actor, action="update", obj=host, before=before, after=snapshot(host))


def _host_refusal(group: Group, outstanding: set[int]) -> str:
    if group.status != Group.Status.ACTIVE:
        return _("%(name)s is not an active KUBE.") % {"name": group.name}
    if group.pk not in outstanding:
        return _("%(name)s is not an outstanding KUBE.") % {"name": group.name}
    return ""


@transaction.atomic
def round_add_hosts(
    *, actor: Any, round: InternshipRound, groups: Iterable[Group], capacity: int | None = None
) -> list[Host]:
    """Add outstanding, active KUBE as hosts (capacity: the round's default). A KUBE already hosting keeps its
    row and takes the new capacity, if one is given."""
    require(actor, "internship.manage")
    rnd = _lock(round, draft=True)
    chosen = list(Group.objects.filter(pk__in=[g.pk for g in groups]).order_by("name"))
    if not chosen:
        raise ValidationError({"groups": _("Choose at least one KUBE.")})
    size = rnd.default_capacity if capacity is None else _capacity(capacity)
    outstanding = outstanding_ids(g.pk for g in chosen)
    if problems := [p for p in (_host_refusal(g, outstanding) for g in chosen) if p]:
        raise ValidationError({"groups": problems})
    existing = {h.group_id: h for h in rnd.hosts.select_related("group")}
    hosts = []
    for group in chosen:
        host = existing.get(group.pk)
        if host is None:
            host = Host.objects.create(round=rnd, group=group, capacity=size)
            audit_record(actor=actor, action="create", obj=host, after=snapshot(host))
        elif capacity is not None and host.capacity != size:
            _set_capacity(actor, host, size)
        hosts.append(host)
    _touch(rnd, actor)
    return hosts


@transaction.atomic
def round_remove_hosts(*, actor: Any, round: InternshipRound, groups: Iterable[Group]) -> int:
    """Take host KUBE out of a draft round; trainees placed there lose their host until the next proposal."""
    require(actor, "internship.manage")
    rnd = _lock(round, draft=True)
    gone = list(rnd.hosts.filter(group__in=[g.pk for g in groups]).select_related("group"))
    for host in gone:
        for placement in host.placements.all():
            _place(actor, placement, None, None)
        audit_record(actor=actor, action="delete", obj=host, before=snapshot(host))
        host.delete()
    if gone:
        _touch(rnd, actor)
    return len(gone)


def _place(actor: Any, placement: Placement, host: Host | None, fit: Fit | None) -> None:
    before = snapshot(placement)
    placement.host = host
    placement.score = Decimal(str(fit.points)).quantize(Decimal("0.01")) if fit else None
    placement.reasons = [r.as_json() for r in fit.reasons] if fit else []
    placement.status = Placement.Status.PROPOSED
    if snapshot(placement) != before:
        placement.version += 1
        placement.save()
        audit_record(actor=actor, action="update", obj=placement, before=before, after=snapshot(placement))


def infeasible_message(*, round: InternshipRound, shortfall: int, trainees: int, slots: int) -> str:
    """What an infeasible round lacks and what to do about it, naming the best KUBE to add."""
    text = ngettext(
        "%(n)d of %(total)d trainees cannot be placed: there is only %(slots)d host slot.",
        "%(n)d of %(total)d trainees cannot be placed: there are only %(slots)d host slots.",
        slots,
    ) % {"n": shortfall, "total": trainees, "slots": slots}
    advice = ngettext(
        "Add %(n)d slot (raise a capacity or add an outstanding KUBE as host), or propose the best partial matching.",
        "Add %(n)d slots (raise capacities or add outstanding KUBE as hosts), or propose the best partial matching.",
        shortfall,
    ) % {"n": shortfall}
    names = ", ".join(g.name for g in feasibility(round=round, limit=3).suggestions)
    hint = _("KUBE that would suit: %(names)s.") % {"names": names} if names else ""
    return " ".join(part for part in (text, advice, hint) if part)


@transaction.atomic
def round_propose(*, actor: Any, round: InternshipRound, partial: bool = False) -> Matching:
    """Run the matching and write each placement's host, score and reasons. An infeasible round is refused
    with what to do, unless `partial`: then the best partial matching is written, the rest left unplaced."""
    require(actor, "internship.manage")
    rnd = _lock(round, draft=True)
    placements, hosts, trainees, sites = matching_facts(round=rnd)
    if not placements:
        raise ValidationError(_("Add trainees to the round first."))
    if not hosts:
        raise ValidationError(_("Add host KUBE to the round first."))
    result = match(trainees, sites)
    if not result.feasible and not partial:
        raise ValidationError(
            infeasible_message(round=rnd, shortfall=result.shortfall, trainees=result.trainees, slots=result.slots)
        )
    by_pk = {h.pk: h for h in hosts}
    for placement in placements:
        host_pk = result.pairs.get(placement.pk)
        _place(actor, placement, by_pk.get(host_pk) if host_pk else None, result.fits.get(placement.pk))
    _touch(rnd, actor)
    return result


def _fit(placement: Placement, host: Host | None) -> Fit | None:
    if host is None:
        return None
    return suitability(trainee_facts([placement])[0], site_facts([host])[0])


def _locked_placement(placement: Placement) -> Placement:
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("companion", "host__group__score", "host__group")
        .get(pk=placement.pk)
    )


@transaction.atomic
def placement_swap(*, actor: Any, a: Placement, b: Placement) -> tuple[Placement, Placement]:
    """Exchange the hosts of two trainees of a draft round (a host's number of trainees does not change)."""
    require(actor, "internship.manage")
    first, second = sorted([a, b], key=lambda p: p.pk)  # always lock in the same order
    first, second = _locked_placement(first), _locked_placement(second)
    if first.pk == second.pk:
        raise ValidationError({"with_id": _("Choose two different trainees.")})
    if first.round_id != second.round_id:
        raise ValidationError({"with_id": _("Both trainees must be in the same round.")})
    rnd = _lock(first.round, draft=True)
    if first.host_id == second.host_id:
        raise ValidationError({"with_id": _("Both trainees are at the same host; there is nothing to swap.")})
    host_a, host_b = first.host, second.host
    _place(actor, first, host_b, _fit(first, host_b))
    _place(actor, second, host_a, _fit(second, host_a))
    _touch(rnd, actor)
    return (first, second) if first.pk == a.pk else (second, first)


@transaction.atomic
def placement_move(*, actor: Any, placement: Placement, host: Host | None) -> Placement:
    """Place a trainee at another host of the round with a free slot (None: leave them unplaced)."""
    require(actor, "internship.manage")
    locked = _locked_placement(placement)
    rnd = _lock(locked.round, draft=True)
    target = None
    if host is not None:
        target = Host.objects.select_for_update(of=("self",)).select_related("group", "group__score").get(pk=host.pk)
        if target.round_id != rnd.pk:
            raise ValidationError({"host": _("This KUBE does not host this round.")})
        others = target.placements.exclude(pk=locked.pk).count()
        if others >= target.capacity:
            raise ValidationError(
                {
                    "host": _("%(name)s has no free slot (capacity %(n)d).")
                    % {"name": target.group.name, "n": target.capacity}
                }
            )
    _place(actor, locked, target, _fit(locked, target))
    _touch(rnd, actor)
    return locked


def _unplaced_refusal(rnd: InternshipRound) -> None:
    placements = list(rnd.placements.select_related("companion", "host__group"))
    if not placements:
        raise ValidationError(_("The round has no trainees."))
    if missing := [p.companion.name for p in placements if p.host_id is None]:
        raise ValidationError(
            _("Every trainee needs a host before the round is confirmed; without one: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    for host in rnd.hosts.select_related("group"):
        placed = sum(1 for p in placements if p.host_id == host.pk)
        if placed > host.capacity:
            raise ValidationError(
                _("%(name)s has %(n)d trainees, above its capacity of %(c)d.")
                % {"name": host.group.name, "n": placed, "c": host.capacity}
            )


@transaction.atomic
def round_confirm(*, actor: Any, round: InternshipRound, version: int | None = None) -> InternshipRound:
    """Fix the placements: every trainee placed, no host above capacity; each trainee becomes an intern."""
    require(actor, "internship.manage")
    rnd = _lock(round)
    check_version(rnd, version)
    if rnd.status != InternshipRound.Status.DRAFT:
        raise ValidationError(
            _("This round is %(s)s; only a draft round can be confirmed.") % {"s": rnd.get_status_display()}
        )
    _unplaced_refusal(rnd)
    for placement in rnd.placements.select_related("companion").order_by("pk"):
        lifecycle.companion_move(
            actor=actor, companion=placement.companion, expected=Companion.Status.TRAINEE, to=Companion.Status.INTERN
        )
        before = snapshot(placement)
        placement.status, placement.version = Placement.Status.CONFIRMED, placement.version + 1
        placement.save()
        audit_record(actor=actor, action="update", obj=placement, before=before, after=snapshot(placement))
    before = snapshot(rnd)
    rnd.status = InternshipRound.Status.CONFIRMED
    _touch(rnd, actor, before)
    return rnd


@transaction.atomic
def round_finish(*, actor: Any, round: InternshipRound) -> InternshipRound:
    """Close a confirmed round once every placement is completed or failed."""
    require(actor, "internship.manage")
    rnd = _lock(round)
    if rnd.status != InternshipRound.Status.CONFIRMED:
        raise ValidationError(_("Only a confirmed round can be finished."))
    running = rnd.placements.filter(status=Placement.Status.CONFIRMED).count()
    if running:
        raise ValidationError(
            ngettext(
                "%(n)d trainee's internship is still running; complete it first.",
                "%(n)d trainees' internships are still running; complete them first.",
                running,
            )
            % {"n": running}
        )
    before = snapshot(rnd)
    rnd.status = InternshipRound.Status.FINISHED
    _touch(rnd, actor, before)
    return rnd
