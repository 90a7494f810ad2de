"""How well each demo companion works, month by month: the thread that ties their visits, follow-ups and
appraisals together, so the appraisals tell the story of the data.

The companions in service before the new model's first intake (the veterans) are, in a seeded shuffle:

- good (20%): they work well throughout;
- improvers (45%), in three waves of 15%: weak until coaching (and, for some, the April refresher briefing)
  takes hold, from the month before the quarter of their wave (2026 Q1, Q2 or Q3);
- weak (35%): they stay weak, getting only a little better over the two years.

The companions recruited, briefed and interned by the model in 2026 (the new ones) work well from the start,
but for one who struggles when there are four or more. So the share performing well rises from about 20% in
2025 Q4 (the original evaluation's baseline) to about 35%, 50% and, with the new companions, over 65%."""

import datetime as dt
from dataclasses import dataclass

from pendamping.companions.models import Companion, Placement
from pendamping.demo.facts import FIRST_PERIOD, MONTHS, add_months
from pendamping.demo.model_common import part_rng

GOOD, IMPROVER, WEAK, NEW = "good", "improver", "weak", "new"
QUARTERS = (dt.date(2025, 10, 1), dt.date(2026, 1, 1), dt.date(2026, 4, 1), dt.date(2026, 7, 1))
# The veterans performing well by each quarter, cumulative: good, then each wave of improvers.
WELL_SHARES = (0.20, 0.35, 0.50, 0.65)
WEAK_DRIFT = 0.12  # how much better a weak companion gets over the 24 months
STRUGGLING = 0.45  # the quality of the one new companion who struggles


@dataclass(frozen=True)
class Profile:
    kind: str
    low: float  # quality (0-1) while weak
    high: float  # quality once working well (good and new companions: always)
    wave: int = 0  # improvers: the index in QUARTERS of the first quarter they perform well in

    def quality(self, month: dt.date) -> float:
        if self.kind == IMPROVER:
            return self.high if month >= add_months(QUARTERS[self.wave], -1) else self.low
        if self.kind == WEAK:
            index = (month.year - FIRST_PERIOD.year) * 12 + month.month - FIRST_PERIOD.month
            return self.low + WEAK_DRIFT * max(0, min(index, MONTHS - 1)) / (MONTHS - 1)
        return self.high

    def performs_well(self, quarter: int) -> bool:
        """Whether the companion performs well in QUARTERS[quarter]: the plan the appraisals follow."""
        if self.kind == IMPROVER:
            return quarter >= self.wave
        return self.kind == GOOD or (self.kind == NEW and self.high >= 0.6)


def new_companion_ids() -> list[int]:
    """Companions who completed an internship: the model's new ones."""
    done = Placement.objects.filter(status=Placement.Status.COMPLETED).values_list("companion_id", flat=True)
    return sorted(set(done))


def veteran_ids() -> list[int]:
    """Active companions who came before the model's intake (no completed internship), by id."""
    active = Companion.objects.filter(status=Companion.Status.ACTIVE).values_list("pk", flat=True)
    return sorted(set(active) - set(new_companion_ids()))


def _kind_at(position: int, n: int) -> tuple[str, int]:
    bounds = [int(share * n + 0.5) for share in WELL_SHARES]
    if position < bounds[0]:
        return GOOD, 0
    for wave in (1, 2, 3):
        if position < bounds[wave]:
            return IMPROVER, wave
    return WEAK, 0


def profiles(seed: int) -> dict[int, Profile]:
    """Companion id -> profile, the same for the same companions (in id order) and seed."""
    rng = part_rng(seed, "profiles")
    order = veteran_ids()
    rng.shuffle(order)
    found: dict[int, Profile] = {}
    for position, pk in enumerate(order):
        kind, wave = _kind_at(position, len(order))
        low, high = rng.uniform(0.15, 0.4), rng.uniform(0.8, 0.95)
        found[pk] = Profile(kind, high if kind == GOOD else low, high, wave)
    new = new_companion_ids()
    for i, pk in enumerate(new):
        high = STRUGGLING if len(new) >= 4 and i == len(new) - 1 else rng.uniform(0.75, 0.9)
        found[pk] = Profile(NEW, high, high)
    return found
