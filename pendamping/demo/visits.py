"""The demo's visits: every active companion's visits to the KUBE they accompanied, over the 24 months up to
October 2026, with the follow-ups they set.

Only rows the visit service would accept, written in batches (bulk_create) as the business demo does: a visit
falls within its companion's assignment to the KUBE (from its first day, before the day it was handed over),
never after October 2026; it served at least one role; no more members were present than the KUBE has; a
follow-up is due on or after its visit and done (if at all) between its visit and the demo's "today".

How often and how well a companion works follows their profile (demo.profiles): a companion working well visits
each KUBE one to two times a month, serves more roles, gathers more members, sets follow-ups and closes them on
time; a weak one comes rarely and closes late or not at all. A few follow-ups stay open past their due date."""

import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Q

from pendamping.companions.models import Assignment, Companion, FollowUp, Visit
from pendamping.demo.facts import DEMO_TODAY, FIRST_PERIOD, LAST_PERIOD, add_months, at, month_end
from pendamping.demo.model_vocab import FINDINGS, TOPIC_OTHER
from pendamping.demo.profiles import Profile
from pendamping.registry.models import Group

LAST_DAY = month_end(LAST_PERIOD)
CHUNK = 300  # companions whose visits are built and written at a time: memory stays flat for a large registry
ROWS_PER_INSERT = 2000
ROLES = ("as_resource", "as_motivator", "as_facilitator")
SECTOR_TOPICS: dict[str, str] = {
    Group.Sector.LIVESTOCK: "production", Group.Sector.AGRICULTURE: "production", Group.Sector.FISHERIES: "production",
    Group.Sector.FOOD: "marketing", Group.Sector.TRADE: "marketing", Group.Sector.CRAFTS: "marketing",
    Group.Sector.PROCESSING: "production", Group.Sector.SERVICES: "marketing",
}  # fmt: skip
GENERAL_TOPICS = ("bookkeeping", "reporting", "organisation", "iks", "capital", "partnership")


@dataclass(frozen=True)
class Kube:
    pk: int
    regency_id: str
    sector: str
    members: int  # members now: what the visit service checks `members_present` against


@dataclass(frozen=True)
class Stint:
    companion_id: int
    group_id: int
    first: dt.date  # the first day the companion could visit
    last: dt.date  # the last one (the day before a handover, or the window's end)


@dataclass
class Written:
    visits: int = 0
    follow_ups: int = 0
    open: int = 0
    overdue: int = 0


@dataclass
class Rows:
    visits: list[Visit] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)


def visit_rate(quality: float) -> float:
    """Visits to one KUBE in a month: about 1.2-1.6 for a companion working well, 0.2-0.4 for a weak one."""
    return 0.1 + 1.7 * quality * quality


def poisson(rng: random.Random, mean: float) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count, product = count + 1, product * rng.random()
    return count


def _stints(companion_ids: list[int]) -> list[Stint]:
    rows = Assignment.objects.filter(companion_id__in=companion_ids, started_on__lte=LAST_DAY)
    rows = rows.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=FIRST_PERIOD))
    stints = []
    for companion_id, group_id, started, ended in rows.order_by("companion_id", "started_on", "pk").values_list(
        "companion_id", "group_id", "started_on", "ended_on"
    ):
        last = LAST_DAY if ended is None else min(LAST_DAY, ended - dt.timedelta(days=1))
        if max(started, FIRST_PERIOD) <= last:
            stints.append(Stint(companion_id, group_id, max(started, FIRST_PERIOD), last))
    return stints


def _kube(ids: set[int]) -> dict[int, Kube]:
    groups = Group.objects.filter(pk__in=ids).annotate(n=Count("memberships", filter=Q(memberships__left_on=None)))
    return {pk: Kube(pk, r, s, n) for pk, r, s, n in groups.values_list("pk", "regency_id", "sector", "n")}


def _months(stint: Stint) -> Iterator[tuple[dt.date, dt.date, float]]:
    """(first day, last day, share of the month) of each month of the stint."""
    month = stint.first.replace(day=1)
    while month <= stint.last:
        end = month_end(month)
        first, last = max(month, stint.first), min(end, stint.last)
        yield first, last, ((last - first).days + 1) / end.day
        month = add_months(month, 1)


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
    if day.weekday() == 6:  # no visits on Sundays when another day is at hand
        day = day - dt.timedelta(days=1) if day > first else min(last, day + dt.timedelta(days=1))
    return day


def _follow_up(rng: random.Random, visit: Visit, action: str, quality: float) -> FollowUp:
    due = visit.on + dt.timedelta(days=rng.randint(7, 30))
    roll, on_time = rng.random(), 0.3 + 0.65 * quality
    done: dt.date | None = None
    if roll < on_time:
        done = due - dt.timedelta(days=rng.randint(0, min(5, (due - visit.on).days)))
    elif roll < on_time + (1 - on_time) * 0.9:
        done = due + dt.timedelta(days=rng.randint(1, 25))
    if done is not None and done > DEMO_TODAY:
        done = None  # not done yet
    return FollowUp(visit=visit, action=action, due_on=due, done_on=done, note="")


def _visit(rng: random.Random, stint: Stint, kube: Kube, on: dt.date, quality: float, user_id: int | None) -> Rows:
    roles = rng.sample(ROLES, 1 + (rng.random() < quality) + (rng.random() < 0.6 * quality))
    topics = {rng.choice(GENERAL_TOPICS)} | ({SECTOR_TOPICS[kube.sector]} if kube.sector in SECTOR_TOPICS else set())
    low = 0.35 + 0.3 * quality
    present = min(kube.members, max(1, round(kube.members * rng.uniform(low, low + 0.35))))
    visit = Visit(
        companion_id=stint.companion_id, group_id=kube.pk, regency_id=kube.regency_id, on=on,
        members_present=present, client_key=None, created_by_id=user_id, **{flag: flag in roles for flag in ROLES},
    )  # fmt: skip
    rows = Rows(visits=[visit])
    if rng.random() < 0.35:
        topic, problem, action = rng.choice(FINDINGS)
        topics.add(topic)
        visit.problems = problem
        if rng.random() < 0.5 + 0.4 * quality:
            rows.follow_ups.append(_follow_up(rng, visit, action, quality))
    visit.topics = [code for code in Visit.Topic.values if code in topics]
    visit.topic_other = rng.choice(TOPIC_OTHER) if rng.random() < 0.04 else ""
    return rows


def _rows(rng: random.Random, stints: list[Stint], kube: dict[int, Kube], found: dict[int, Profile]) -> Rows:
    users = dict(Companion.objects.filter(pk__in={s.companion_id for s in stints}).values_list("pk", "user_id"))
    rows = Rows()
    for stint in stints:
        profile = found[stint.companion_id]
        for first, last, share in _months(stint):
            quality = profile.quality(first.replace(day=1))
            for on in sorted(_day(rng, first, last) for _ in range(poisson(rng, visit_rate(quality) * share))):
                made = _visit(rng, stint, kube[stint.group_id], on, quality, users[stint.companion_id])
                rows.visits += made.visits
                rows.follow_ups += made.follow_ups
    return rows


def _write(rows: Rows, written: Written) -> None:
    Visit.objects.bulk_create(rows.visits, batch_size=ROWS_PER_INSERT)
    FollowUp.objects.bulk_create(rows.follow_ups, batch_size=ROWS_PER_INSERT)
    written.visits += len(rows.visits)
    written.follow_ups += len(rows.follow_ups)
    still_open = [f for f in rows.follow_ups if f.done_on is None]
    written.open += len(still_open)
    written.overdue += sum(1 for f in still_open if f.due_on < DEMO_TODAY)


def visits_seed(*, rng: random.Random, found: dict[int, Profile]) -> Written:
    """Visits and follow-ups of the companions with a profile, a chunk of companions at a time."""
    written, ids = Written(), sorted(found)
    for start in range(0, len(ids), CHUNK):
        stints = _stints(ids[start : start + CHUNK])
        _write(_rows(rng, stints, _kube({s.group_id for s in stints}), found), written)
    # The database stamped the visits with the real clock; a visit is recorded on its evening.
    for day in Visit.objects.order_by().values_list("on", flat=True).distinct():
        Visit.objects.filter(on=day).update(created_at=at(day, 19))
    return written
