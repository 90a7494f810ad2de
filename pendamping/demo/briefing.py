"""The demo's briefing (pembekalan): one finished batch in April 2026, planned over the model's seven elements and
run through the briefing services.

Participants are the candidates the call accepted (joining makes them trainees) and a few veterans in need of
a refresher; six modules of 30 hours in fifteen sessions over five days, with their methods and four
instructors (the province's social affairs office, a university, a bank); a budget with planned and actual
amounts; the venue and its equipment checklist; attendance (nearly everyone attends at least 80% of the hours;
one candidate misses two days and one veteran a morning and more); a pre- and post-test with a clear gain.
Finishing the batch decides who completed it."""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from pendamping.companions.models import Application, Briefing, Companion, Instructor, Module, Participant, Session
from pendamping.companions.services.briefing import (
    attendance_record,
    briefing_create,
    briefing_finish,
    budget_line_add,
    equipment_add,
    instructor_create,
    module_add,
    participant_add,
    scores_record,
    session_add,
)
from pendamping.demo.facts import at
from pendamping.demo.model_common import BRIEFING_CREATED, BRIEFING_ENDS, BRIEFING_STARTS, Actors, backdate
from pendamping.demo.model_vocab import (
    BRIEFING_TITLE,
    BUDGET,
    EQUIPMENT,
    FRIDAY_AFTERNOON,
    INSTRUCTORS,
    MODULES,
    SESSIONS,
    SLOTS,
    VENUE,
    VENUE_CAPACITY,
)
from pendamping.demo.recruitment import CALL_TITLE

COMPLETION_SHARE = 80
DROPOUT_SESSIONS = frozenset(range(6, 12))  # days three and four: 12 of 30 hours
LATE_SESSIONS = frozenset({0, 12, 13, 14})  # the opening and the last day: 8 of 30 hours
ABSENT_CHANCE = 0.04
MOST_ABSENCES = 2  # 4 of 30 hours: still above 80%


@dataclass(frozen=True)
class Briefed:
    briefing: Briefing
    participants: int
    completed: int
    mean_gain: float


def accepted_candidates() -> list[Companion]:
    """The candidates the demo call accepted, waiting for their briefing."""
    accepted = Application.objects.filter(call__title=CALL_TITLE, status=Application.Status.ACCEPTED)
    ids = accepted.values_list("companion_id", flat=True)
    return list(Companion.objects.filter(pk__in=ids, status=Companion.Status.CANDIDATE).order_by("pk"))


def _instructor(actor: object, name: str, institution: str, expertise: str) -> Instructor:
    """Instructors are kept across batches: an existing one of the same name and institution is reused."""
    found = Instructor.objects.filter(name__iexact=name, institution__iexact=institution).first()
    return found or instructor_create(actor=actor, name=name, institution=institution, expertise=expertise)


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def _plan(actors: Actors, briefing: Briefing) -> list[Session]:
    """Modules, instructors, sessions, budget and equipment: the batch's plan."""
    admin = actors.admin
    modules: list[Module] = [
        module_add(actor=admin, briefing=briefing, title=title, hours=hours, goals=goals)
        for title, hours, goals in MODULES
    ]
    teachers = [_instructor(admin, *spec) for spec in INSTRUCTORS]
    sessions = []
    for day, slot, module, method, topic, who in SESSIONS:
        on = BRIEFING_STARTS + dt.timedelta(days=day)
        start, end = FRIDAY_AFTERNOON if on.weekday() == 4 and slot == 2 else SLOTS[slot]
        sessions.append(
            session_add(
                actor=admin, briefing=briefing, module=modules[module], instructors=[teachers[i] for i in who],
                on=on, starts_at=_time(start), ends_at=_time(end), method=method, topic=topic,
            )
        )  # fmt: skip
    for item, planned, actual in BUDGET:
        budget_line_add(actor=admin, briefing=briefing, item=item, planned=planned, actual=actual)
    return sessions


def _equipment(actors: Actors, briefing: Briefing, participants: int) -> None:
    for item, quantity, ready in EQUIPMENT:
        count = participants + 2 if quantity is None else quantity
        equipment_add(actor=actors.admin, briefing=briefing, item=item, quantity=count, ready=ready)


def _absences(
    rng: random.Random, people: list[Participant], dropout: int | None, late: int | None
) -> dict[int, set[int]]:
    """Participant id -> the sessions they missed."""
    missed: dict[int, set[int]] = {}
    for participant in people:
        if participant.pk == dropout:
            missed[participant.pk] = set(DROPOUT_SESSIONS)
        elif participant.pk == late:
            missed[participant.pk] = set(LATE_SESSIONS)
        else:
            absent = [i for i in range(len(SESSIONS)) if rng.random() < ABSENT_CHANCE]
            missed[participant.pk] = set(absent[:MOST_ABSENCES])
    return missed


def _scores(rng: random.Random, people: list[Participant], dropout: int | None) -> dict[int, dict[str, int]]:
    """Pre- and post-test: a gain of about 22 points; the one who missed two days gains little."""
    scores = {}
    for participant in people:
        pre = rng.randint(35, 65)
        gain = rng.gauss(8, 4) if participant.pk == dropout else rng.gauss(22, 7)
        scores[participant.pk] = {"pre_score": pre, "post_score": min(100, pre + max(2, round(gain)))}
    return scores


def _run(
    rng: random.Random, actors: Actors, briefing: Briefing, sessions: list[Session], people: list[Participant]
) -> None:
    candidates = [p for p in people if p.companion.status == Companion.Status.TRAINEE]
    veterans = [p for p in people if p.companion.status == Companion.Status.ACTIVE]
    dropout = rng.choice(candidates).pk if len(candidates) >= 3 else None
    late = veterans[0].pk if veterans else None
    missed = _absences(rng, people, dropout, late)
    for index, session in enumerate(sessions):
        present = [p.pk for p in people if index not in missed[p.pk]]
        attendance_record(actor=actors.admin, session=session, present=present)
    scores_record(actor=actors.admin, briefing=briefing, scores=_scores(rng, people, dropout))


def briefing_seed(*, rng: random.Random, actors: Actors, refreshers: list[Companion]) -> Briefed | None:
    """The finished batch; None when the call accepted nobody who still awaits a briefing."""
    candidates = accepted_candidates()
    if not candidates:
        return None
    briefing = briefing_create(
        actor=actors.admin, title=BRIEFING_TITLE, starts_on=BRIEFING_STARTS, ends_on=BRIEFING_ENDS, venue=VENUE,
        venue_capacity=max(VENUE_CAPACITY, len(candidates) + len(refreshers)), completion_share=COMPLETION_SHARE,
    )  # fmt: skip
    sessions = _plan(actors, briefing)
    people = [participant_add(actor=actors.admin, briefing=briefing, companion=c) for c in candidates + refreshers]
    _equipment(actors, briefing, len(people))
    _run(rng, actors, briefing, sessions, people)
    briefing = briefing_finish(actor=actors.admin, briefing=briefing)
    backdate(Briefing, [(briefing.pk, at(BRIEFING_CREATED, 10))])
    done = briefing.participants.filter(completed=True).count()
    pairs = list(briefing.participants.values_list("pre_score", "post_score"))
    gain = sum((post - pre for pre, post in pairs if pre is not None and post is not None), Decimal(0))
    return Briefed(briefing, len(people), done, float(gain) / len(pairs))
