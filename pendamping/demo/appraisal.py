"""The demo's appraisals: four quarters (2025 Q4 to 2026 Q3) of every active companion who accompanied KUBE in
the quarter, started, rated and finalised through the appraisal services under the rubric in use.

The services compute the data part (visits, reports on time, the KUBE's classification, follow-ups) from the
demo's rows; the supervising officer's ratings follow the companion's profile (demo.profiles): a companion who
works well is rated 3 or 4, a weak one 1 to 3. Where the ratings so drawn would put a companion on the other
side of the threshold from their profile, the officer's ratings are moved a step at a time (the lowest rating of
the heaviest indicator up, or the highest down) until they agree: the profile is the story, and the appraisal
must tell it. So the share performing well rises quarter by quarter.

The data part reads the real day (timezone.localdate()); every quarter appraised is over by the demo's "today",
so on any later day the same rows give the same appraisals."""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q

from pendamping.companions.appraisal_rules import IndicatorSpec, quarter_end, rated_line, score_of
from pendamping.companions.models import Appraisal, AppraisalIndicator, Assignment, Companion
from pendamping.companions.selectors.appraisal import rubric_specs
from pendamping.companions.services.appraisal import (
    appraisal_finalise,
    appraisal_rate,
    appraisal_start,
    rubric_ensure_default,
)
from pendamping.demo.facts import add_months, at
from pendamping.demo.model_common import Actors
from pendamping.demo.profiles import QUARTERS, Profile

FINALISED_AFTER = dt.timedelta(days=14)  # officers appraise in the two weeks after a quarter ends


@dataclass(frozen=True)
class Quarter:
    period: dt.date
    appraised: int
    performing_well: int

    @property
    def share(self) -> float:
        return round(100 * self.performing_well / self.appraised, 1) if self.appraised else 0.0


def _appraised(period: dt.date, found: dict[int, Profile]) -> list[Companion]:
    """Active companions with a profile who accompanied a KUBE during the quarter."""
    overlapping = Assignment.objects.filter(started_on__lte=quarter_end(period)).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period)
    )
    ids = set(overlapping.values_list("companion_id", flat=True)) & set(found)
    return list(Companion.objects.filter(pk__in=ids, status=Companion.Status.ACTIVE).order_by("regency_id", "pk"))


def _drawn(rng: random.Random, specs: list[IndicatorSpec], quality: float) -> dict[int, int]:
    return {s.id: max(1, min(4, round(1 + 3 * quality + rng.gauss(0, 0.45)))) for s in specs}


def _score(specs: list[IndicatorSpec], ratings: dict[int, int], data: list[dict[str, Any]]) -> Decimal:
    return score_of([rated_line(spec, ratings[spec.id]) for spec in specs] + data)


def _agree(
    ratings: dict[int, int], specs: list[IndicatorSpec], data: list[dict[str, Any]], threshold: Decimal, well: bool
) -> dict[int, int]:
    """Move ratings a step at a time until the score lands on the profile's side of the threshold."""
    ratings = dict(ratings)
    while (_score(specs, ratings, data) >= threshold) != well:
        if well:
            movable = [s for s in specs if ratings[s.id] < 4]
            step, key = 1, (lambda s: (ratings[s.id], -s.weight, s.id))
        else:
            movable = [s for s in specs if ratings[s.id] > 1]
            step, key = -1, (lambda s: (-ratings[s.id], -s.weight, s.id))
        if not movable:
            break  # the data alone decide: the profile cannot be told
        ratings[min(movable, key=key).id] += step
    return ratings


def _appraise(
    rng: random.Random,
    actors: Actors,
    companion: Companion,
    period: dt.date,
    profile: Profile,
    specs: list[IndicatorSpec],
) -> bool:
    """One appraisal started, rated (`specs`: the rated indicators of the rubric in use) and finalised."""
    actor = actors.for_regency(companion.regency_id)
    appraisal = appraisal_start(actor=actor, companion=companion, period=period)
    data = [line for line in appraisal.details if line["role"] == AppraisalIndicator.Role.DATA]
    drawn = _drawn(rng, specs, profile.quality(add_months(period, 1)))
    well = profile.performs_well(QUARTERS.index(period))
    ratings = _agree(drawn, specs, data, appraisal.rubric.threshold, well)
    appraisal = appraisal_rate(actor=actor, appraisal=appraisal, ratings=ratings, version=appraisal.version)
    appraisal = appraisal_finalise(actor=actor, appraisal=appraisal, version=appraisal.version)
    return bool(appraisal.performing_well)


def appraisals_seed(*, rng: random.Random, actors: Actors, found: dict[int, Profile]) -> list[Quarter]:
    """The four quarters in order (each appraisal's classification trend reads the one before it)."""
    rated = [s for s in rubric_specs(rubric_ensure_default()) if s.role != AppraisalIndicator.Role.DATA]
    quarters = []
    for period in QUARTERS:
        people = _appraised(period, found)
        well = sum(_appraise(rng, actors, c, period, found[c.pk], rated) for c in people)
        # updated_at is auto_now: the database stamped the real clock; the officers finalised after the quarter.
        Appraisal.objects.filter(period=period).update(updated_at=at(quarter_end(period) + FINALISED_AFTER, 10))
        quarters.append(Quarter(period, len(people), well))
    return quarters
