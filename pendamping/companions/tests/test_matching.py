"""The internship matching (companions.matching): the suitability parts, the optimum against brute force on small
rounds, capacities never exceeded, and an infeasible round reported with its best partial matching."""

import itertools
import random

import pytest

from pendamping.companions import matching
from pendamping.companions.matching import Site, Trainee, match, suggest_sites, suitability

HOME = "35.78.01.1001"  # Karang Pilang, kec. Karang Pilang, Kota Surabaya
SAME_KEC = "35.78.01.1002"
SAME_REGENCY = "35.78.05.1001"
ELSEWHERE = "35.07.01.2001"  # Kabupaten Malang


def site(key: int, desa: str = HOME, sector: str = "trade", score: float = 0.0, capacity: int = 1) -> Site:
    return Site(key, desa, sector, score, capacity)


def test_suitability_is_the_sum_of_location_sector_and_host_score() -> None:
    trainee = Trainee(1, HOME, frozenset({"livestock"}), "awaiting")
    fit = suitability(trainee, site(9, SAME_KEC, "livestock", 85.0))
    assert [(r.part, r.code, r.points) for r in fit.reasons] == [
        ("location", "same_kecamatan", 50.0),
        ("sector", "sector_match", 30.0),
        ("host", "host_score", 17.0),
    ]
    assert fit.points == 97.0


@pytest.mark.parametrize(
    ("desa", "code", "points"), [(SAME_REGENCY, "same_regency", 30.0), (ELSEWHERE, "elsewhere", 0)]
)
def test_location_prefers_the_same_kecamatan_then_the_same_regency(desa: str, code: str, points: float) -> None:
    reason = matching.location_part(Trainee(1, HOME), site(2, desa))
    assert (reason.code, reason.points) == (code, points)


def test_a_trainee_without_known_sectors_gets_no_sector_points_and_is_told_why() -> None:
    reason = matching.sector_part(Trainee(1, HOME), site(2, sector="trade"))
    assert (reason.code, reason.points, reason.params["source"]) == ("sector_unknown", 0.0, "none")
    other = matching.sector_part(Trainee(1, HOME, frozenset({"crafts"}), "assignments"), site(2, sector="trade"))
    assert (other.code, other.points) == ("sector_other", 0.0)


def test_the_host_score_adds_at_most_twenty_points() -> None:
    assert matching.host_part(site(1, score=100)).points == 20.0
    assert matching.host_part(site(1, score=42.5)).points == 8.5
    assert matching.host_part(site(1, score=140)).points == 20.0  # a score is 0-100; nothing beyond counts


def test_reasons_are_plain_json() -> None:
    fit = suitability(Trainee(1, HOME, frozenset({"trade"}), "awaiting"), site(2, score=50))
    assert fit.reasons[1].as_json() == {
        "part": "sector",
        "code": "sector_match",
        "points": 30.0,
        "params": {"sector": "trade", "source": "awaiting"},
    }


DESAS = [HOME, SAME_KEC, SAME_REGENCY, ELSEWHERE]
SECTORS = ["trade", "livestock", "crafts"]


def random_round(rng: random.Random) -> tuple[list[Trainee], list[Site]]:
    """1-6 trainees and 1-4 hosts with 1-6 slots in all."""
    trainees = [
        Trainee(i, rng.choice(DESAS), frozenset(rng.sample(SECTORS, rng.randint(0, 2))), "awaiting")
        for i in range(rng.randint(1, 6))
    ]
    capacities = [rng.randint(1, 3) for _ in range(rng.randint(1, 4))]
    while sum(capacities) > 6:
        capacities.pop()
    sites = [
        Site(100 + j, rng.choice(DESAS), rng.choice(SECTORS), rng.randint(0, 100), c) for j, c in enumerate(capacities)
    ]
    return trainees, sites


def brute_force_best(trainees: list[Trainee], sites: list[Site]) -> float:
    """Every way of pairing trainees with slots (each slot and each trainee used at most once), the best total."""
    slots = [s for s in sites for _ in range(s.capacity)]
    value = [[suitability(t, s).points for s in slots] for t in trainees]
    if len(trainees) <= len(slots):  # trainee i takes slot chosen[i]
        pairings = [list(enumerate(c)) for c in itertools.permutations(range(len(slots)), len(trainees))]
    else:  # slot k goes to trainee chosen[k]
        pairings = [[(i, k) for k, i in enumerate(c)] for c in itertools.permutations(range(len(trainees)), len(slots))]
    return round(max(sum(value[i][k] for i, k in pairing) for pairing in pairings), 2)


@pytest.mark.parametrize("seed", range(60))
def test_the_matching_reaches_the_brute_force_optimum_without_exceeding_any_capacity(seed: int) -> None:
    trainees, sites = random_round(random.Random(seed))
    result = match(trainees, sites)
    assert result.total == pytest.approx(brute_force_best(trainees, sites), abs=0.011)
    placed = {key: list(result.pairs.values()).count(key) for key in {s.key for s in sites}}
    assert all(placed[s.key] <= s.capacity for s in sites)
    assert len(result.pairs) == min(len(trainees), sum(s.capacity for s in sites))
    assert result.total == pytest.approx(sum(f.points for f in result.fits.values()))


def test_the_matching_is_not_greedy() -> None:
    """Taking the best pair first (A at x, 80) leaves B with y (30): 110. The optimum gives x to B: 60 + 60."""
    a = Trainee(1, HOME, frozenset({"trade", "crafts"}), "awaiting")
    b = Trainee(2, "35.78.03.1001", frozenset({"crafts"}), "awaiting")  # Surabaya, a third kecamatan
    x, y = site(10, SAME_KEC, "crafts"), site(11, SAME_REGENCY, "trade")
    assert [suitability(t, s).points for t in (a, b) for s in (x, y)] == [80, 60, 60, 30]
    result = match([a, b], [x, y])
    assert result.pairs == {1: 11, 2: 10} and result.total == 120


def test_an_infeasible_round_says_how_many_cannot_be_placed_and_still_matches_the_best_it_can() -> None:
    trainees = [Trainee(i, HOME if i < 2 else ELSEWHERE, frozenset({"trade"}), "awaiting") for i in range(5)]
    sites = [site(10, SAME_KEC, "trade", 80, capacity=2), site(11, SAME_REGENCY, "trade", 60, capacity=1)]
    result = match(trainees, sites)
    assert not result.feasible and result.shortfall == 2 and (result.trainees, result.slots) == (5, 3)
    assert len(result.pairs) == 3 and len(result.unplaced) == 2
    assert set(result.pairs) >= {0, 1}  # the two who live nearby are the ones worth placing
    assert result.total == pytest.approx(brute_force_best(trainees, sites))


def test_an_empty_round_places_nobody() -> None:
    assert match([], [site(1)]).pairs == {}
    nobody = match([Trainee(1, HOME)], [])
    assert (nobody.unplaced, nobody.shortfall) == ((1,), 1)


def test_suggested_hosts_are_those_that_would_suit_the_trainees_best() -> None:
    trainees = [Trainee(1, HOME, frozenset({"trade"}), "awaiting")]
    candidates = [site(1, ELSEWHERE, "crafts", 99), site(2, SAME_KEC, "trade", 10), site(3, SAME_REGENCY, "trade", 10)]
    assert [s.key for s in suggest_sites(trainees, candidates, limit=2)] == [2, 3]
