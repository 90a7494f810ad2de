"""The demo's internship (praktek magang): one round in May and June 2026, run through the internship services.

The trainees who completed the briefing are placed at outstanding KUBE (the classification's, best first) by the
optimal matching: the hosts of the trainees' own regencies, and more from elsewhere only if their slots fall
short. The admin confirms the proposal (trainees become interns); the interns keep a logbook about twice a week;
the host's ketua and the supervising officer assess them; completion makes them active companions, except the
one (in a round of four or more) whose assessments fall below the pass mark: a trainee again, for a later round."""

import datetime as dt
import math
import random
from dataclasses import dataclass

from pendamping.companions.models import Assessment, Companion, InternshipRound, LogEntry, Participant, Placement
from pendamping.companions.selectors.internship import completed_briefing
from pendamping.companions.services.internship import (
    ASSESSMENT_ITEMS,
    MAX_CAPACITY,
    assessment_record,
    logbook_add,
    placement_complete,
    round_add_hosts,
    round_add_trainees,
    round_confirm,
    round_create,
    round_finish,
    round_propose,
    round_remove_trainees,
)
from pendamping.demo.facts import at
from pendamping.demo.model_common import ROUND_CREATED, ROUND_ENDS, ROUND_STARTS, Actors, backdate
from pendamping.demo.model_vocab import FAILED_NOTE, KETUA_NOTES, LOGBOOK, ROUND_TITLE, SUPERVISORS
from pendamping.enterprise.selectors.classification import outstanding_groups
from pendamping.registry.models import BoardRole, Group, Membership

DEFAULT_CAPACITY = 2
WEEKS = 8
ASSESSED_ON = ROUND_ENDS - dt.timedelta(days=3)


@dataclass(frozen=True)
class Interned:
    round: InternshipRound
    trainees: int
    hosts: int
    completed: int
    failed: int


def _trainees() -> list[Companion]:
    """Trainees who completed a finished briefing (round_add_trainees checks it again)."""
    done = completed_briefing(Companion.objects.filter(status=Companion.Status.TRAINEE).values_list("pk", flat=True))
    return list(Companion.objects.filter(pk__in=done).order_by("regency_id", "name", "pk"))


def _hosts(trainees: list[Companion]) -> tuple[list[Group], int]:
    """The outstanding KUBE of the trainees' regencies (others only when they are too few) and the capacity
    that gives every trainee a slot."""
    regencies = {t.regency_id for t in trainees}
    outstanding = list(outstanding_groups())
    chosen = [g for g in outstanding if g.regency_id in regencies]
    others = [g for g in outstanding if g.regency_id not in regencies]
    while len(chosen) * DEFAULT_CAPACITY < len(trainees) and others:
        chosen.append(others.pop(0))
    if not chosen:
        return [], 0
    return chosen, min(MAX_CAPACITY, max(DEFAULT_CAPACITY, math.ceil(len(trainees) / len(chosen))))


def _place(actors: Actors, rnd: InternshipRound, trainees: list[Companion], hosts: list[Group], size: int) -> None:
    admin = actors.admin
    round_add_trainees(actor=admin, round=rnd, companions=trainees)
    round_add_hosts(actor=admin, round=rnd, groups=hosts, capacity=None if size == DEFAULT_CAPACITY else size)
    matching = round_propose(actor=admin, round=rnd, partial=True)
    if matching.unplaced:  # more trainees than ten a host: the rest wait for the next round
        left = rnd.placements.filter(pk__in=matching.unplaced).values_list("companion_id", flat=True)
        round_remove_trainees(actor=admin, round=rnd, companions=list(Companion.objects.filter(pk__in=left)))
    round_confirm(actor=admin, round=rnd)


def _logbook(rng: random.Random, actors: Actors, placement: Placement) -> None:
    """About two entries a week (the admin enters them from the trainee's paper logbook)."""
    days = []
    for week in range(WEEKS):
        monday = ROUND_STARTS + dt.timedelta(weeks=week)
        days += [monday + dt.timedelta(days=1)] + ([monday + dt.timedelta(days=3)] if rng.random() < 0.6 else [])
    for i, day in enumerate(days):
        activity, learnt = LOGBOOK[min(i * len(LOGBOOK) // len(days), len(LOGBOOK) - 1)]
        logbook_add(actor=actors.admin, placement=placement, on=day, activity=activity, learnt=learnt)


def _ketua(group_id: int) -> str:
    chair = Membership.objects.filter(group_id=group_id, role=BoardRole.KETUA, left_on__isnull=True)
    return chair.values_list("family__head_name", flat=True).first() or "Ketua KUBE"


def _item_scores(rng: random.Random, failing: bool) -> dict[str, int]:
    choices = (1, 2, 2, 2) if failing else (3, 3, 3, 4, 4)
    return {key: rng.choice(choices) for key in ASSESSMENT_ITEMS}


def _assess(rng: random.Random, actors: Actors, placement: Placement, failing: bool) -> None:
    regency = placement.companion.regency_id
    actor = actors.for_regency(regency)
    supervisor = actors.officer_name(regency) or SUPERVISORS[placement.companion_id % len(SUPERVISORS)]
    assert placement.host is not None  # a confirmed round places everyone
    for by, name in ((Assessment.By.KETUA, _ketua(placement.host.group_id)), (Assessment.By.OFFICER, supervisor)):
        note = FAILED_NOTE if failing else rng.choice(KETUA_NOTES)
        assessment_record(
            actor=actor, placement=placement, by=by, assessor_name=name, scores=_item_scores(rng, failing), note=note
        )


def _weakest(placements: list[Placement]) -> int | None:
    """The trainee with the lowest post-test (in a round of four or more): the one who does not pass."""
    if len(placements) < 4:
        return None
    post = dict(Participant.objects.filter(completed=True).values_list("companion_id", "post_score"))
    return min(placements, key=lambda p: (post.get(p.companion_id) or 0, p.pk)).pk


def _backdate(rnd: InternshipRound) -> None:
    backdate(InternshipRound, [(rnd.pk, at(ROUND_CREATED, 10))])
    entries = LogEntry.objects.filter(placement__round=rnd).values_list("pk", "on")
    backdate(LogEntry, ((pk, at(on, 18)) for pk, on in entries))
    assessed = Assessment.objects.filter(placement__round=rnd).values_list("pk", flat=True)
    backdate(Assessment, ((pk, at(ASSESSED_ON, 11)) for pk in assessed))


def internship_seed(*, rng: random.Random, actors: Actors) -> Interned | None:
    """The finished round; None without trainees who completed a briefing or without outstanding KUBE."""
    trainees = _trainees()
    hosts, size = _hosts(trainees)
    if not trainees or not hosts:
        return None
    rnd = round_create(
        actor=actors.admin, title=ROUND_TITLE, starts_on=ROUND_STARTS, ends_on=ROUND_ENDS,
        default_capacity=DEFAULT_CAPACITY,
    )  # fmt: skip
    _place(actors, rnd, trainees, hosts, size)
    placements = list(rnd.placements.select_related("companion", "host").order_by("pk"))
    failing = _weakest(placements)
    for placement in placements:
        _logbook(rng, actors, placement)
        _assess(rng, actors, placement, placement.pk == failing)
        placement_complete(actor=actors.admin, placement=placement)
    rnd = round_finish(actor=actors.admin, round=rnd)
    _backdate(rnd)
    completed = rnd.placements.filter(status=Placement.Status.COMPLETED).count()
    return Interned(rnd, len(placements), len(hosts), completed, len(placements) - completed)
