"""The demo of the companion model, end to end: a finished recruitment call, a finished briefing batch, an
internship round at outstanding KUBE, the new companions' assignments, visits over 24 months and four quarters of
appraisals in which the share of companions performing well rises.

`demo_companion_model_ensure` runs after the business demo (the internship's hosts are the outstanding KUBE of
its classification, and the appraisals read its monthly reports). Each part fills its tables only when they are
empty, so running the demo again duplicates nothing; all of it is one transaction. Where the rules matter and
the rows are few (the call, the batch, the round, the assignments, the appraisals) it goes through the services,
so every check and audit entry is the real one; the many visits are written in batches as the business demo
writes its reports. Every part draws from its own random.Random, seeded with the seed and the part's name."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.companions.appraisal_rules import quarter_label
from pendamping.companions.models import Appraisal, Briefing, Call, Companion, InternshipRound, Visit
from pendamping.demo.appraisal import appraisals_seed
from pendamping.demo.assignments import assignments_seed
from pendamping.demo.briefing import briefing_seed
from pendamping.demo.internship import internship_seed
from pendamping.demo.model_common import SEED, Actors, part_rng
from pendamping.demo.profiles import IMPROVER, profiles
from pendamping.demo.recruitment import recruitment_seed
from pendamping.demo.visits import visits_seed

REFRESHERS = 3  # veterans of the later improvement waves who join the briefing for a refresher


@dataclass(frozen=True)
class DemoCompanionModel:
    created: bool
    message: str


@dataclass(frozen=True)
class Part:
    made: bool  # whether the part wrote anything
    message: str


def _recruitment(seed: int, actors: Actors, today: dt.date) -> Part:
    made = recruitment_seed(rng=part_rng(seed, "recruitment"), actors=actors, today=today)
    text = _(
        "Demo recruitment: call '%(title)s' decided, %(n)d applications: %(accepted)d accepted, %(waiting)d on "
        "the waiting list, %(rejected)d rejected."
    ) % {
        "title": made.call.title, "n": made.applications, "accepted": made.decided.get("accepted", 0),
        "waiting": made.decided.get("waiting", 0), "rejected": made.decided.get("rejected", 0),
    }  # fmt: skip
    return Part(True, text)


def _refreshers(seed: int) -> list[Companion]:
    found = profiles(seed)
    later = sorted(pk for pk, p in found.items() if p.kind == IMPROVER and p.wave >= 2)[:REFRESHERS]
    return list(Companion.objects.filter(pk__in=later).order_by("pk"))


def _briefing(seed: int, actors: Actors) -> Part:
    made = briefing_seed(rng=part_rng(seed, "briefing"), actors=actors, refreshers=_refreshers(seed))
    if made is None:
        return Part(False, _("No demo briefing: no accepted candidate awaits one."))
    text = _("Demo briefing '%(title)s': %(n)d participants, %(completed)d completed; mean gain %(gain).1f points.") % {
        "title": made.briefing.title,
        "n": made.participants,
        "completed": made.completed,
        "gain": made.mean_gain,
    }
    return Part(True, text)


def _internship(seed: int, actors: Actors) -> Part:
    made = internship_seed(rng=part_rng(seed, "internship"), actors=actors)
    if made is None:
        return Part(False, _("No demo internship: no trainee completed a briefing, or no KUBE is outstanding."))
    text = _(
        "Demo internship '%(title)s': %(n)d trainees at %(hosts)d outstanding KUBE; %(completed)d became active "
        "companions, %(failed)d did not pass."
    ) % {
        "title": made.round.title, "n": made.trainees, "hosts": made.hosts, "completed": made.completed,
        "failed": made.failed,
    }  # fmt: skip
    return Part(True, text)


def _field(seed: int, actors: Actors) -> Part:
    handed = assignments_seed(actors=actors)
    made = visits_seed(rng=part_rng(seed, "visits"), found=profiles(seed))
    text = _(
        "Demo assignments: %(rebalanced)d companions got their first KUBE, %(started)d new companions took up KUBE "
        "(%(free)d without a companion before, %(handed)d handed over). Demo visits: %(visits)s over 24 months, "
        "%(follow_ups)s follow-ups (%(open)s open, %(overdue)s of them overdue)."
    ) % {
        "rebalanced": handed.rebalanced, "started": handed.started, "free": handed.unassigned,
        "handed": handed.taken_over, "visits": f"{made.visits:,}", "follow_ups": f"{made.follow_ups:,}",
        "open": made.open, "overdue": made.overdue,
    }  # fmt: skip
    return Part(bool(made.visits or handed.rebalanced or handed.started), text)


def _appraisals(seed: int, actors: Actors) -> Part:
    quarters = appraisals_seed(rng=part_rng(seed, "appraisals"), actors=actors, found=profiles(seed))
    shares = ", ".join(
        _("%(quarter)s %(share).0f%% (%(well)d of %(n)d)")
        % {"quarter": quarter_label(q.period), "share": q.share,
           "well": q.performing_well, "n": q.appraised}
        for q in quarters
    )  # fmt: skip
    text = _("Demo appraisals, the share of companions performing well: %(shares)s.") % {"shares": shares}
    return Part(any(q.appraised for q in quarters), text)


@transaction.atomic
def demo_companion_model_ensure(*, seed: int = SEED, today: dt.date | None = None) -> DemoCompanionModel:
    """Fill each empty part of the companion model's demo, in the model's order. `today` is the real day (the
    recruitment call must be open on it to take applications)."""
    actors, today = Actors.load(), today or timezone.localdate()
    parts = []
    if not Call.objects.exists():
        parts.append(_recruitment(seed, actors, today))
    if not Briefing.objects.exists():
        parts.append(_briefing(seed, actors))
    if not InternshipRound.objects.exists():
        parts.append(_internship(seed, actors))
    if not Visit.objects.exists():
        parts.append(_field(seed, actors))
    if not Appraisal.objects.exists():
        parts.append(_appraisals(seed, actors))
    made = any(part.made for part in parts)
    messages = [part.message for part in parts]
    if not made:
        messages.append(_("The companion model's demo data exist already; keeping them."))
    return DemoCompanionModel(made, "\n".join(messages))
