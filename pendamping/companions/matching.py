"""Internship matching: how suitable a trainee is at a host KUBE, and the optimal placement of a round's trainees
at its hosts under their capacities.

Plain Python with numpy and scipy: no Django, no database, no translation. The services gather the facts
(selectors.internship), call these functions and store what they return; reasons are codes with numbers, which
the pages put into words in the reader's language.

Suitability of trainee t at host h, out of 100, is the sum of three transparent parts:

- location (50): 50 when the host KUBE's village is in the same kecamatan as the trainee's home village, 30 in
  the same regency, 0 elsewhere; a trainee learns best where they can go every day, among KUBE like their own;
- sector (30): 30 when the host's business sector is one of the trainee's future sectors, else 0. The future
  sectors are those of the KUBE the trainee accompanies now; a trainee without assignments (the usual case)
  is headed for the KUBE of their regency of service that have no companion yet (forming or active), so the
  sectors of those KUBE count. With neither, the part is 0 and says so;
- host (20): the host's classification score (0-100) scaled to 20, so a better-run KUBE teaches more.

The placement maximises the total suitability. Each host becomes `capacity` slots and the trainees × slots
matrix is solved as an assignment problem (scipy's linear_sum_assignment, Hungarian-type, exact), never
greedily. When there are more trainees than slots the round is infeasible: the matching says how many cannot be
placed and still gives the best partial placement."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

SAME_KECAMATAN = 50.0
SAME_REGENCY = 30.0
SECTOR_MATCH = 30.0
HOST_SCORE_MAX = 20.0


@dataclass(frozen=True)
class Trainee:
    """`desa` is the home village's code (35.78.01.1001); `sectors_from` says where `sectors` came from:
    "assignments", "awaiting" (KUBE of the regency without a companion) or "none"."""

    key: int
    desa: str
    sectors: frozenset[str] = frozenset()
    sectors_from: str = "none"


@dataclass(frozen=True)
class Site:
    """A host KUBE: its village's code, business sector, classification score (0-100) and capacity."""

    key: int
    desa: str
    sector: str
    score: float
    capacity: int = 1


@dataclass(frozen=True)
class Reason:
    """One part of a suitability: which part, a code the pages put into words, the points and their numbers."""

    part: str
    code: str
    points: float
    params: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"part": self.part, "code": self.code, "points": self.points, "params": dict(self.params)}


@dataclass(frozen=True)
class Fit:
    points: float
    reasons: tuple[Reason, ...]


def kecamatan_of(desa: str) -> str:
    return desa[:8]  # 35.78.01.1001 -> 35.78.01


def regency_of(desa: str) -> str:
    return desa[:5]


def location_part(trainee: Trainee, site: Site) -> Reason:
    if kecamatan_of(trainee.desa) == kecamatan_of(site.desa):
        return Reason("location", "same_kecamatan", SAME_KECAMATAN, {"kecamatan": kecamatan_of(site.desa)})
    if regency_of(trainee.desa) == regency_of(site.desa):
        return Reason("location", "same_regency", SAME_REGENCY, {"regency": regency_of(site.desa)})
    return Reason("location", "elsewhere", 0.0, {"regency": regency_of(site.desa)})


def sector_part(trainee: Trainee, site: Site) -> Reason:
    params = {"sector": site.sector, "source": trainee.sectors_from}
    if not trainee.sectors:
        return Reason("sector", "sector_unknown", 0.0, params)
    if site.sector in trainee.sectors:
        return Reason("sector", "sector_match", SECTOR_MATCH, params)
    return Reason("sector", "sector_other", 0.0, params)


def host_part(site: Site) -> Reason:
    score = min(max(float(site.score), 0.0), 100.0)
    return Reason("host", "host_score", round(score / 100 * HOST_SCORE_MAX, 2), {"score": round(score, 2)})


def suitability(trainee: Trainee, site: Site) -> Fit:
    reasons = (location_part(trainee, site), sector_part(trainee, site), host_part(site))
    return Fit(round(sum(r.points for r in reasons), 2), reasons)


def suitability_matrix(trainees: Sequence[Trainee], sites: Sequence[Site]) -> NDArray[np.float64]:
    """Trainees × sites (not slots): every slot of a site is worth the same to a trainee."""
    matrix = np.zeros((len(trainees), len(sites)), dtype=np.float64)
    for i, trainee in enumerate(trainees):
        for j, site in enumerate(sites):
            matrix[i, j] = suitability(trainee, site).points
    return matrix


@dataclass(frozen=True)
class Matching:
    """`pairs`: trainee key -> site key; `fits`: trainee key -> the fit of their pair; `unplaced`: the trainees
    left without a slot (only when the round is infeasible)."""

    pairs: dict[int, int]
    fits: dict[int, Fit]
    unplaced: tuple[int, ...]
    total: float
    trainees: int
    slots: int

    @property
    def shortfall(self) -> int:
        """How many trainees cannot be placed: the slots to add to make the round feasible."""
        return max(self.trainees - self.slots, 0)

    @property
    def feasible(self) -> bool:
        return self.shortfall == 0


def slots_of(sites: Sequence[Site]) -> list[int]:
    """Each site's index, once per unit of its capacity."""
    return [j for j, site in enumerate(sites) for _ in range(max(site.capacity, 0))]


def match(trainees: Sequence[Trainee], sites: Sequence[Site]) -> Matching:
    """The placement with the highest total suitability, no site above its capacity. With fewer slots than
    trainees, every slot is filled and the trainees whose absence costs least are left out."""
    slots = slots_of(sites)
    if not trainees or not slots:
        return Matching({}, {}, tuple(t.key for t in trainees), 0.0, len(trainees), len(slots))
    per_site = suitability_matrix(trainees, sites)
    rows, cols = linear_sum_assignment(per_site[:, slots], maximize=True)
    pairs: dict[int, int] = {}
    fits: dict[int, Fit] = {}
    for i, k in zip(rows.tolist(), cols.tolist(), strict=True):
        trainee, site = trainees[i], sites[slots[k]]
        pairs[trainee.key], fits[trainee.key] = site.key, suitability(trainee, site)
    unplaced = tuple(t.key for t in trainees if t.key not in pairs)
    total = round(sum(fit.points for fit in fits.values()), 2)
    return Matching(pairs, fits, unplaced, total, len(trainees), len(slots))


def suggest_sites(trainees: Sequence[Trainee], candidates: Sequence[Site], *, limit: int = 5) -> list[Site]:
    """The candidate hosts that would suit the given trainees best: by the best suitability they offer any of
    them, then by their own score. For an infeasible round, to say which KUBE to add."""

    def best(site: Site) -> float:
        return max((suitability(t, site).points for t in trainees), default=0.0)

    return sorted(candidates, key=lambda s: (-best(s), -s.score, s.key))[:limit]
