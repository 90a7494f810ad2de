"""The demo's assignments: every active companion accompanies KUBE of their regency, through the assignment
services (caseload limit, one companion per KUBE, reassignment ends the previous assignment and keeps it).

- Active companions who never had a KUBE (the extra companions of the 2019 study, when the demo registry is
  small) got theirs in a rebalancing of caseloads on 1 October 2024, just before the visits' window.
- The new companions of the model take their KUBE from 1 July 2026: KUBE of their regency still without a
  companion first, then KUBE handed over by the most loaded companions of their regency.

A companion with a login keeps their KUBE: the business demo's reports name them as the sender."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef

from pendamping.companions.models import Assignment, Companion
from pendamping.companions.services.people import assignment_create
from pendamping.demo.model_common import NEW_ASSIGNMENTS, REBALANCED_ON, Actors
from pendamping.demo.profiles import new_companion_ids
from pendamping.registry.models import Group

ACCOMPANIED = (Group.Status.ACTIVE, Group.Status.FORMING)
NEW_MINIMUM = 2  # KUBE a new companion starts with, when the regency has them to give


@dataclass
class Handed:
    rebalanced: int = 0  # companions who got their first KUBE in the rebalancing
    started: int = 0  # new companions who took up KUBE
    unassigned: int = 0  # of those KUBE, ones that had no companion
    taken_over: int = 0  # of those KUBE, ones handed over by another companion


def _loads(regency: str, day: dt.date) -> dict[int, list[Assignment]]:
    """Active companion id -> their current assignments in the regency that began before `day`."""
    current = Assignment.objects.current().filter(
        companion__regency_id=regency, companion__status=Companion.Status.ACTIVE, started_on__lt=day
    )
    loads: dict[int, list[Assignment]] = {}
    for assignment in current.select_related("group").order_by("group__code"):
        loads.setdefault(assignment.companion_id, []).append(assignment)
    return loads


def _unassigned(regency: str, day: dt.date) -> list[Group]:
    held = Assignment.objects.filter(group=OuterRef("pk"), ended_on__isnull=True)
    free = Group.objects.filter(regency_id=regency, status__in=ACCOMPANIED, founded_on__lte=day).exclude(Exists(held))
    return list(free.order_by("code"))


def _nearest(taker: Companion, assignments: list[Assignment]) -> Assignment:
    """The KUBE closest to the taker's home: same kecamatan first, then the lowest code."""
    home = taker.home_desa_id[:8]
    return min(assignments, key=lambda a: (a.group.desa_id[:8] != home, a.group.code))


def _fill(actors: Actors, taker: Companion, day: dt.date, target: int, counts: dict[str, int], keep: set[int]) -> int:
    """Give `taker` up to `target` KUBE of their regency, none taken from the companions in `keep` nor from one
    with a login; returns how many they got."""
    actor, got = actors.for_regency(taker.regency_id), 0
    for group in _unassigned(taker.regency_id, day)[:target]:
        assignment_create(actor=actor, companion=taker, group=group, started_on=day)
        got, counts["unassigned"] = got + 1, counts["unassigned"] + 1
    loads = _loads(taker.regency_id, day)
    keep = keep | set(Companion.objects.filter(pk__in=list(loads), user__isnull=False).values_list("pk", flat=True))
    while got < target:
        givers = sorted((-len(v), pk) for pk, v in loads.items() if v and pk not in keep and pk != taker.pk)
        if not givers or -givers[0][0] - 1 <= got:  # even enough: the giver would end with fewer than the taker
            break
        giver = givers[0][1]
        handed = _nearest(taker, loads[giver])
        assignment_create(actor=actor, companion=taker, group=handed.group, started_on=day, replace=True)
        loads[giver].remove(handed)
        got, counts["taken_over"] = got + 1, counts["taken_over"] + 1
    return got


def _share(regency: str) -> int:
    """An even share of the regency's accompanied KUBE among its active companions, within the caseload limit."""
    kube = Assignment.objects.current().filter(group__regency_id=regency).count()
    active = Companion.objects.filter(regency_id=regency, status=Companion.Status.ACTIVE).count()
    return min(settings.PENDAMPING["CASELOAD_LIMIT"], max(1, kube // max(active, 1)))


def assignments_seed(*, actors: Actors) -> Handed:
    """The rebalancing for companions who never had a KUBE, then the new companions' KUBE."""
    handed, ignored, counts = Handed(), {"unassigned": 0, "taken_over": 0}, {"unassigned": 0, "taken_over": 0}
    new = set(new_companion_ids())
    active = Companion.objects.filter(status=Companion.Status.ACTIVE).order_by("regency_id", "pk")
    never = active.exclude(Exists(Assignment.objects.filter(companion=OuterRef("pk")))).exclude(pk__in=new)
    for companion in list(never):
        handed.rebalanced += _fill(actors, companion, REBALANCED_ON, _share(companion.regency_id), ignored, set()) > 0
    starting = [c for c in active.filter(pk__in=new) if not c.assignments.current().exists()]
    for i, companion in enumerate(starting):
        day = NEW_ASSIGNMENTS + dt.timedelta(days=i % 5)
        target = max(NEW_MINIMUM, _share(companion.regency_id))
        handed.started += _fill(actors, companion, day, target, counts, new) > 0
    handed.unassigned, handed.taken_over = counts["unassigned"], counts["taken_over"]
    return handed
