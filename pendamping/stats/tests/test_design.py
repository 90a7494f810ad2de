"""Study design helpers: stratified randomisation, optimal matching of controls, baseline balance."""

import itertools
import math
from collections import Counter
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pendamping.stats import NotTestable, balance, match_controls, randomise
from pendamping.stats.design import BEYOND_CALIPER, EDUCATION_RANK, NOT_ENOUGH_CANDIDATES

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REGENCIES = ["35.78", "35.07", "35.15"]


def companions(n, seed=0, start=1):
    rng = np.random.default_rng(seed)
    return [
        {
            "id": start + i,
            "regency": REGENCIES[int(rng.integers(3))],
            "education": list(EDUCATION_RANK)[int(rng.integers(6))],
            "experience_years": int(rng.integers(0, 15)),
            "baseline_score": float(rng.normal(60, 10)),
        }
        for i in range(n)
    ]


# Randomisation.


def test_randomisation_is_reproducible_from_the_seed_whatever_the_listing_order():
    people = companions(40)
    first = randomise(people, strata_key="regency", seed=2024)
    assert randomise(people, strata_key="regency", seed=2024) == first
    assert randomise(list(reversed(people)), strata_key="regency", seed=2024) == first
    assert randomise(people, strata_key="regency", seed=2025) != first


@FAST
@given(
    sizes=st.lists(st.integers(0, 15), min_size=1, max_size=4),
    arms=st.sampled_from([("treatment", "control"), ("a", "b", "c")]),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_respondent_is_assigned_once_and_arms_are_balanced_within_each_stratum(sizes, arms, seed):
    people = [{"id": f"r{s}-{i}", "regency": f"reg{s}"} for s, size in enumerate(sizes) for i in range(size)]
    assignment = randomise(people, strata_key="regency", seed=seed, arms=arms)
    assert list(assignment) == [p["id"] for p in people]
    assert set(assignment.values()) <= set(arms)
    for s, size in enumerate(sizes):
        counts = Counter(assignment[f"r{s}-{i}"] for i in range(size))
        per_arm = [counts.get(arm, 0) for arm in arms]
        assert max(per_arm) - min(per_arm) <= 1


def test_each_respondent_has_an_even_chance_even_in_an_odd_stratum():
    people = [{"id": i, "regency": "35.78"} for i in range(3)]
    draws = [randomise(people, strata_key="regency", seed=seed) for seed in range(3000)]
    treated = Counter(rid for assignment in draws for rid, arm in assignment.items() if arm == "treatment")
    for rid in ("0", "1", "2"):
        assert treated[rid] / 3000 == pytest.approx(0.5, abs=0.04)


def test_randomisation_accepts_objects_and_no_strata():
    people = [SimpleNamespace(id=i) for i in range(10)]
    assignment = randomise(people, strata_key=None, seed=7)
    assert Counter(assignment.values()) == {"treatment": 5, "control": 5}


@pytest.mark.parametrize(
    "people, arms, words",
    [
        ([{"id": 1, "regency": "a"}, {"id": 1, "regency": "b"}], ("t", "c"), "more than once"),
        ([{"id": 1}], ("t", "c"), "has no regency"),
        ([{"regency": "a"}], ("t", "c"), "needs an id"),
        ([{"id": 1, "regency": "a"}], ("t",), "two distinct arms"),
        ([{"id": 1, "regency": "a"}], ("t", "t"), "two distinct arms"),
    ],
)
def test_randomisation_refuses_bad_input(people, arms, words):
    with pytest.raises(ValueError, match=words):
        randomise(people, strata_key="regency", seed=1, arms=arms)


# Matching: optimal, checked by brute force over every assignment.


def standardised_euclidean(treated, candidates):
    pooled = np.vstack([treated, candidates])
    sd = pooled.std(axis=0, ddof=1)
    keep = sd > 0
    diff = treated[:, None, keep] - candidates[None, :, keep]
    return np.sqrt(((diff / sd[keep]) ** 2).sum(axis=2))


def mahalanobis(treated, candidates):
    inverse = np.linalg.inv(np.cov(np.vstack([treated, candidates]), rowvar=False))
    diff = treated[:, None, :] - candidates[None, :, :]
    return np.sqrt(np.einsum("ijk,kl,ijl->ij", diff, inverse, diff))


def brute_force(distance, mismatch, caliper):
    """Best (beyond-caliper pairs, mismatches, total distance) over all maximal assignments."""
    t, c = distance.shape
    pairings = (
        [list(zip(range(t), cols, strict=True)) for cols in itertools.permutations(range(c), t)]
        if c >= t
        else [list(zip(rows, range(c), strict=True)) for rows in itertools.permutations(range(t), c)]
    )
    best = None
    for pairs in pairings:
        inside = [(i, j) for i, j in pairs if caliper is None or distance[i, j] <= caliper]
        key = (len(pairs) - len(inside), sum(mismatch[i, j] for i, j in inside), sum(distance[i, j] for i, j in inside))
        best = key if best is None or key[:2] < best[:2] or (key[:2] == best[:2] and key[2] < best[2]) else best
    return best


def people_from(matrix, regencies, prefix):
    return [{"id": f"{prefix}{i}", "regency": regencies[i], "x": row[0], "y": row[1]} for i, row in enumerate(matrix)]


@FAST
@given(
    t=st.integers(1, 6),
    c=st.integers(0, 7),
    seed=st.integers(0, 10_000),
    caliper=st.one_of(st.none(), st.floats(0.3, 2.5)),
)
def test_matching_is_optimal_against_brute_force(t, c, seed, caliper):
    rng = np.random.default_rng(seed)
    treated_x = rng.integers(0, 5, size=(t, 2)).astype(float)
    candidate_x = rng.integers(0, 5, size=(c, 2)).astype(float)
    treated_r, candidate_r = rng.choice(["a", "b"], size=t), rng.choice(["a", "b"], size=c)
    treated, candidates = people_from(treated_x, treated_r, "t"), people_from(candidate_x, candidate_r, "c")
    matches = match_controls(treated, candidates, covariates=("x", "y"), metric="euclidean", caliper=caliper, seed=seed)
    distance = standardised_euclidean(treated_x, candidate_x) if c else np.zeros((t, 0))
    mismatch = (treated_r[:, None] != candidate_r[None, :]).astype(int)
    pairs = [(int(m.treated_id[1:]), int(cid[1:])) for m in matches for cid in m.control_ids]
    assert len({j for _, j in pairs}) == len(pairs)  # without replacement
    got = (min(t, c) - len(pairs), sum(mismatch[i, j] for i, j in pairs), sum(distance[i, j] for i, j in pairs))
    best = brute_force(distance, mismatch, caliper)
    assert got[:2] == best[:2]
    assert got[2] == pytest.approx(best[2], abs=1e-9)
    for m in matches:
        for cid, d, exact in zip(m.control_ids, m.distances, m.exact, strict=True):
            i, j = int(m.treated_id[1:]), int(cid[1:])
            assert d == pytest.approx(distance[i, j])
            assert exact == (treated_r[i] == candidate_r[j])


@pytest.mark.parametrize("seed", range(8))
def test_mahalanobis_matching_is_optimal_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    treated_x, candidate_x = rng.normal(size=(5, 2)), rng.normal(size=(6, 2))
    same = ["a"] * 5
    treated, candidates = people_from(treated_x, same, "t"), people_from(candidate_x, same + ["a"], "c")
    matches = match_controls(treated, candidates, covariates=("x", "y"))
    distance = mahalanobis(treated_x, candidate_x)
    total = sum(distance[int(m.treated_id[1:]), int(m.control_ids[0][1:])] for m in matches)
    assert total == pytest.approx(brute_force(distance, np.zeros((5, 6)), None)[2], abs=1e-9)
    assert [m.distances[0] for m in matches] == pytest.approx(
        [distance[int(m.treated_id[1:]), int(m.control_ids[0][1:])] for m in matches]
    )


def test_matching_is_optimal_where_greedy_is_not():
    # Greedy (t1 first) takes c1 at 0.6 and leaves t2 with c2 at 2.0; optimal pairs t1-c2, t2-c1 (1.0 + 0.4).
    treated = [{"id": "t1", "s": 0.0}, {"id": "t2", "s": 1.0}]
    candidates = [{"id": "c1", "s": 0.6}, {"id": "c2", "s": -1.0}]
    matches = match_controls(treated, candidates, exact=(), covariates=("s",), metric="euclidean")
    assert [(m.treated_id, m.control_ids) for m in matches] == [("t1", ("c2",)), ("t2", ("c1",))]


def test_exact_keys_win_over_closer_covariates_and_mismatches_are_flagged():
    treated = [{"id": 1, "regency": "35.78", "score": 50.0}, {"id": 2, "regency": "35.07", "score": 50.0}]
    candidates = [
        {"id": 10, "regency": "35.07", "score": 50.0},  # identical score, wrong regency for 1
        {"id": 11, "regency": "35.78", "score": 80.0},  # far score, right regency for 1
        {"id": 12, "regency": "35.15", "score": 51.0},
    ]
    one, two = match_controls(treated, candidates, covariates=("score",))
    assert one.control_ids == ("11",) and one.exact == (True,)
    assert two.control_ids == ("10",) and two.exact == (True,)
    lonely = match_controls([{"id": 3, "regency": "35.01", "score": 50.0}], candidates, covariates=("score",))
    assert lonely[0].control_ids == ("10",) and lonely[0].exact == (False,)


def test_unmatched_treated_respondents_are_reported():
    treated = companions(4, seed=1)
    candidates = companions(2, seed=2, start=100)
    matches = match_controls(treated, candidates)
    assert sum(m.matched for m in matches) == 2
    assert {m.note for m in matches if not m.matched} == {NOT_ENOUGH_CANDIDATES}
    assert all(m.note == "" for m in matches if m.matched)
    assert all(m.note == NOT_ENOUGH_CANDIDATES for m in match_controls(treated, []))


def test_a_caliper_leaves_distant_respondents_unmatched():
    treated = [{"id": "near", "s": 1.0}, {"id": "far", "s": 10.0}]
    candidates = [{"id": "c1", "s": 1.1}, {"id": "c2", "s": 1.2}]
    near, far = match_controls(treated, candidates, exact=(), covariates=("s",), metric="euclidean", caliper=0.5)
    assert near.control_ids == ("c1",) and near.distances[0] <= 0.5
    assert not far.matched and far.note == BEYOND_CALIPER


def test_ratio_matching_gives_distinct_controls_closest_first():
    treated = companions(5, seed=3)
    candidates = companions(12, seed=4, start=100)
    matches = match_controls(treated, candidates, ratio=2)
    used = [cid for m in matches for cid in m.control_ids]
    assert all(len(m.control_ids) == 2 for m in matches) and len(set(used)) == 10
    assert all(list(m.distances) == sorted(m.distances) for m in matches)
    assert [m.treated_id for m in matches] == [str(p["id"]) for p in treated]


def test_ties_are_broken_reproducibly_by_the_seed():
    treated = [{"id": "t", "regency": "a", "s": 1.0}]
    candidates = [{"id": f"c{i}", "regency": "a", "s": 1.0} for i in range(6)]
    picks = {match_controls(treated, candidates, covariates=("s",), seed=seed)[0].control_ids for seed in range(30)}
    assert len(picks) > 1
    first = match_controls(treated, candidates, covariates=("s",), seed=5)
    assert match_controls(treated, list(reversed(candidates)), covariates=("s",), seed=5) == first


def test_education_is_matched_as_an_ordinal_code():
    treated = [{"id": "t", "education": "s1"}]
    candidates = [{"id": "sma", "education": "SMA"}, {"id": "s2", "education": "s2"}, {"id": "sd", "education": "sd"}]
    match = match_controls(treated, candidates, exact=(), covariates=("education",), metric="euclidean")[0]
    assert match.control_ids in {("sma",), ("s2",)}  # one rank away, never sd
    with pytest.raises(ValueError, match="education level"):
        match_controls([{"id": "t", "education": "phd"}], candidates, exact=(), covariates=("education",))


def test_matching_refuses_a_respondent_on_both_sides():
    with pytest.raises(ValueError, match="both treated and control"):
        match_controls([{"id": 1, "s": 1}], [{"id": 1, "s": 2}], exact=(), covariates=("s",))


# Balance (Austin 2009).


def test_smd_of_a_continuous_covariate_by_hand():
    # treatment 2, 4, 6: mean 4, variance 4; control 1, 3: mean 2, variance 2.
    # d = (4 - 2) / sqrt((4 + 2) / 2) = 2 / sqrt(3); variance ratio 4 / 2.
    groups = {"treatment": [{"s": 2}, {"s": 4}, {"s": 6}], "control": [{"s": 1}, {"s": 3}, {"s": None}]}
    (row,) = balance(groups, covariates=["s"])
    assert row.kind == "continuous"
    assert row.means == {"treatment": 4.0, "control": 2.0}
    assert row.n == {"treatment": 3, "control": 2}
    assert row.smd == pytest.approx(2 / math.sqrt(3))
    assert row.variance_ratio == pytest.approx(2.0)
    assert row.imbalanced


def test_smd_of_a_binary_covariate_uses_the_proportion_formula():
    # shares 0.5 and 0.25: d = 0.25 / sqrt((0.25 + 0.1875) / 2) = 0.5345
    groups = {"treatment": [{"f": v} for v in (True, True, False, False)], "control": [{"f": v} for v in (1, 0, 0, 0)]}
    (row,) = balance(groups, covariates=["f"])
    assert row.kind == "binary" and row.variance_ratio is None
    assert row.means == {"treatment": 0.5, "control": 0.25}
    assert row.smd == pytest.approx(0.25 / math.sqrt(0.21875))


def test_categories_get_one_row_per_level_and_education_is_ordinal():
    groups = {
        "treatment": [{"regency": "35.78", "education": "s1"}, {"regency": "35.07", "education": "sma"}],
        "control": [{"regency": "35.78", "education": "s1"}, {"regency": "35.78", "education": "sma"}],
    }
    rows = {row.covariate: row for row in balance(groups, covariates=["regency", "education"])}
    assert set(rows) == {"regency: 35.07", "regency: 35.78", "education"}
    assert rows["regency: 35.78"].means == {"treatment": 0.5, "control": 1.0}
    assert rows["education"].smd == 0.0 and not rows["education"].imbalanced


def test_the_flag_is_strictly_beyond_a_tenth():
    groups = {"t": [{"s": v} for v in (0.1, 2.1)], "c": [{"s": v} for v in (0.0, 2.0)]}
    (row,) = balance(groups, covariates=["s"])  # d = 0.1 / sqrt(2) = 0.07
    assert not row.imbalanced
    groups = {"t": [{"s": v} for v in (0.3, 2.3)], "c": [{"s": v} for v in (0.0, 2.0)]}
    assert balance(groups, covariates=["s"])[0].imbalanced  # d = 0.21


def test_balance_on_constant_covariates_and_bad_input():
    same = {"t": [{"s": 5}, {"s": 5}], "c": [{"s": 5}, {"s": 5}]}
    assert balance(same, covariates=["s"])[0].smd == 0.0
    with pytest.raises(NotTestable, match="at least two"):
        balance({"t": [{"s": 5}], "c": [{"s": 3}, {"s": 4}]}, covariates=["s"])
    with pytest.raises(NotTestable, match="no values"):
        balance({"t": [{"s": None}], "c": [{"s": 3}, {"s": 4}]}, covariates=["s"])
    with pytest.raises(ValueError, match="exactly two arms"):
        balance({"a": [], "b": [], "c": []}, covariates=["s"])


def test_randomised_arms_are_balanced_on_average():
    people = companions(400, seed=9)
    assignment = randomise(people, strata_key="regency", seed=11)
    groups = {arm: [p for p in people if assignment[str(p["id"])] == arm] for arm in ("treatment", "control")}
    rows = balance(groups, covariates=["education", "experience_years", "baseline_score", "regency"])
    regency_rows = [row for row in rows if row.covariate.startswith("regency")]
    assert all(abs(row.smd) < 0.02 for row in regency_rows)  # stratified: within one per regency
    assert all(abs(row.smd) < 0.25 for row in rows)
