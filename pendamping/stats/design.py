"""Study design helpers: stratified randomisation, optimal matching of controls, baseline balance.

When the office can randomise, :func:`randomise` assigns respondents to arms with permuted
blocks inside each stratum (e.g. regency). When it cannot, :func:`match_controls` picks, for
every treatment respondent, the closest control candidates (exact on regency where possible,
then Mahalanobis distance on the covariates), by optimal rather than greedy matching. Either
way :func:`balance` reports the standardised mean differences of Austin (2009) so the
quasi-experiment can be judged against a trial.

Respondents are mappings or objects with an ``id`` and the named fields (``respondent["regency"]``
or ``respondent.regency``). Education may be given as the registry's codes, which are ranked
by :data:`EDUCATION_RANK`.

References: Rosenbaum & Rubin (1985) *Am Stat* 39:33 (Mahalanobis matching with a caliper);
Rosenbaum (1989) *JASA* 84:1024 (optimal rather than greedy matching); Austin (2009) *Stat Med*
28:3083 (standardised differences and variance ratios); Normand et al. (2001) *J Clin Epidemiol*
54:387 (|d| > 0.1 as the mark of meaningful imbalance).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

from pendamping.stats.result import NotTestable

__all__ = ["EDUCATION_RANK", "SMD_THRESHOLD", "BalanceRow", "Match", "balance", "match_controls", "randomise"]

# The registry's education levels (companions.models.Companion.Education), lowest first.
EDUCATION_RANK: dict[str, int] = {"sd": 1, "smp": 2, "sma": 3, "diploma": 4, "s1": 5, "s2": 6, "s3": 7}
SMD_THRESHOLD = 0.1
_ILL_CONDITIONED = 1e10
NOT_ENOUGH_CANDIDATES = "not enough control candidates"
BEYOND_CALIPER = "no control candidate left within the caliper"


def _field(respondent: Any, key: str) -> Any:
    """A respondent's value for ``key``, from a mapping or an attribute; ``None`` when absent."""
    if isinstance(respondent, Mapping):
        return respondent.get(key)
    return getattr(respondent, key, None)


def _ids(respondents: Sequence[Any]) -> list[str]:
    """The respondents' ids as strings; every respondent needs one, and only once."""
    ids: list[str] = []
    for respondent in respondents:
        value = _field(respondent, "id")
        if value is None:
            raise ValueError("every respondent needs an id")
        ids.append(str(value))
    duplicates = sorted(rid for rid, count in Counter(ids).items() if count > 1)
    if duplicates:
        raise ValueError(f"respondent ids appear more than once: {', '.join(duplicates[:5])}")
    return ids


def _rng(seed: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(seed))


def randomise(
    respondents: Sequence[Any],
    *,
    strata_key: str | None,
    seed: int,
    arms: Sequence[str] = ("treatment", "control"),
) -> dict[str, str]:
    """Stratified randomisation with permuted blocks: ``{respondent id: arm}``.

    Within each stratum (the respondents sharing ``strata_key``, e.g. a regency; ``None`` puts
    everyone in one stratum) the members are put in random order and filled from consecutive
    blocks, each block a random permutation of ``arms``; so every arm's count in a stratum is
    within one of every other's (Friedman, Furberg & DeMets, *Fundamentals of Clinical Trials*,
    ch. 6). Strata are taken in sorted order and members in id order before drawing from a
    PCG64 generator seeded with ``seed``: the same respondents and seed give the same
    assignment whatever order they are listed in.
    """
    if len(arms) < 2 or len(set(arms)) != len(arms):
        raise ValueError("randomisation needs at least two distinct arms")
    ids = _ids(respondents)
    strata: dict[str, list[str]] = defaultdict(list)
    for respondent, rid in zip(respondents, ids, strict=True):
        stratum = "" if strata_key is None else _field(respondent, strata_key)
        if stratum is None:
            raise ValueError(f"respondent {rid} has no {strata_key}; every respondent needs a stratum")
        strata[str(stratum)].append(rid)
    rng = _rng(seed)
    assigned: dict[str, str] = {}
    for stratum in sorted(strata):
        members = sorted(strata[stratum])
        order = rng.permutation(len(members))
        n_blocks = -(-len(members) // len(arms))
        sequence = [arms[int(i)] for _ in range(n_blocks) for i in rng.permutation(len(arms))]
        for position, index in enumerate(order):
            assigned[members[int(index)]] = sequence[position]
    return {rid: assigned[rid] for rid in ids}


@dataclass(frozen=True)
class Match:
    """The controls matched to one treatment respondent.

    ``control_ids`` are closest first, with each pair's covariate ``distances`` and whether the
    pair agrees on every exact key (``exact``). A respondent who got fewer than ``ratio``
    controls carries a ``note`` saying why; one with none is unmatched.
    """

    treated_id: str
    control_ids: tuple[str, ...] = ()
    distances: tuple[float, ...] = ()
    exact: tuple[bool, ...] = ()
    note: str = ""

    @property
    def matched(self) -> bool:
        return bool(self.control_ids)


def _code(name: str, value: Any, who: str) -> float:
    """A covariate as a number: booleans as 0/1, education codes by :data:`EDUCATION_RANK`."""
    if value is None:
        raise ValueError(f"{who} has no {name}")
    if isinstance(value, str):
        rank = EDUCATION_RANK.get(value.strip().lower())
        if rank is None:
            levels = ", ".join(EDUCATION_RANK)
            raise ValueError(f"{name} of {who} is {value!r}: not a number nor an education level ({levels})")
        return float(rank)
    return float(value)


def _covariate_matrix(respondents: Sequence[Any], ids: Sequence[str], covariates: Sequence[str]) -> np.ndarray:
    rows = [
        [_code(name, _field(r, name), f"respondent {rid}") for name in covariates]
        for r, rid in zip(respondents, ids, strict=True)
    ]
    return np.array(rows, dtype=float).reshape(len(ids), len(covariates))


def _distances(treated: np.ndarray, candidates: np.ndarray, metric: str) -> np.ndarray:
    """Mahalanobis distances with the pooled sample covariance (Rosenbaum & Rubin 1985).

    Covariates that do not vary are left out (they cannot separate anyone). When the covariance
    is singular or ill-conditioned, or ``metric="euclidean"``, the standardised Euclidean
    distance (each covariate divided by its SD) is used instead.
    """
    pooled = np.vstack([treated, candidates])
    keep = pooled.var(axis=0, ddof=1) > 0 if len(pooled) > 1 else np.zeros(pooled.shape[1], dtype=bool)
    if not keep.any():
        return np.zeros((len(treated), len(candidates)))
    t, c, p = treated[:, keep], candidates[:, keep], pooled[:, keep]
    covariance = np.atleast_2d(np.cov(p, rowvar=False))
    if metric == "mahalanobis" and np.linalg.cond(covariance) < _ILL_CONDITIONED:
        return np.asarray(cdist(t, c, "mahalanobis", VI=np.linalg.inv(covariance)))
    sd = np.sqrt(np.diag(covariance))
    return np.asarray(cdist(t / sd, c / sd, "euclidean"))


def _mismatches(treated: Sequence[Any], candidates: Sequence[Any], exact: Sequence[str]) -> np.ndarray:
    """How many exact keys each (treated, candidate) pair disagrees on; a missing value never agrees."""
    counts = np.zeros((len(treated), len(candidates)))
    for key in exact:
        left = [_field(r, key) for r in treated]
        right = [_field(r, key) for r in candidates]
        counts += np.array([[a is None or a != b for b in right] for a in left], dtype=float)
    return counts


def _assignment_cost(distance: np.ndarray, mismatches: np.ndarray, caliper: float | None, pairs: int) -> np.ndarray:
    """Costs whose sum orders assignments lexicographically: pairs beyond the caliper, then
    exact-key mismatches, then total distance. Each penalty exceeds the largest possible sum of
    everything below it, so no saving in distance can buy a mismatch, nor a mismatch a forbidden pair.
    """
    exact_penalty = (float(distance.max(initial=0.0)) + 1.0) * (pairs + 1)
    cost = distance + exact_penalty * mismatches
    forbidden = (float(cost.max(initial=0.0)) + 1.0) * (pairs + 1)
    if caliper is not None:
        cost = np.where(distance > caliper, forbidden, cost)
    return cost


def _ordered(
    respondents: Sequence[Any], ids: Sequence[str], order: Sequence[int], covariates: Sequence[str]
) -> np.ndarray:
    return _covariate_matrix([respondents[i] for i in order], [ids[i] for i in order], covariates)


def _assign(cost: np.ndarray, ratio: int) -> dict[int, list[int]]:
    """Optimal assignment of candidates (columns) to ``ratio`` slots per treated respondent (rows)."""
    found: dict[int, list[int]] = defaultdict(list)
    slots, columns = linear_sum_assignment(np.repeat(cost, ratio, axis=0))
    for slot, column in zip(slots, columns, strict=True):
        found[int(slot) // ratio].append(int(column))
    return found


def _matching_ids(
    treated: Sequence[Any], candidates: Sequence[Any], ratio: int, caliper: float | None
) -> tuple[list[str], list[str]]:
    if ratio < 1:
        raise ValueError("ratio must be at least 1")
    if caliper is not None and not caliper >= 0:
        raise ValueError("caliper must be a non-negative distance")
    treated_ids, candidate_ids = _ids(treated), _ids(candidates)
    both = sorted(set(treated_ids) & set(candidate_ids))
    if both:
        raise ValueError(f"respondents are both treated and control candidates: {', '.join(both[:5])}")
    return treated_ids, candidate_ids


def _match(
    treated_id: str,
    found: list[int],
    distance: np.ndarray,
    mismatches: np.ndarray,
    names: Sequence[str],
    ratio: int,
    caliper: float | None,
) -> Match:
    """One treated respondent's row of the assignment: pairs beyond the caliper dropped, closest first."""
    kept = sorted((k for k in found if caliper is None or distance[k] <= caliper), key=lambda k: distance[k])
    short = BEYOND_CALIPER if len(kept) < len(found) else NOT_ENOUGH_CANDIDATES
    return Match(
        treated_id=treated_id,
        control_ids=tuple(names[k] for k in kept),
        distances=tuple(float(distance[k]) for k in kept),
        exact=tuple(bool(mismatches[k] == 0) for k in kept),
        note="" if len(kept) == ratio else short,
    )


def match_controls(
    treated: Sequence[Any],
    candidates: Sequence[Any],
    *,
    exact: Sequence[str] = ("regency",),
    covariates: Sequence[str] = ("education", "experience_years", "baseline_score"),
    ratio: int = 1,
    caliper: float | None = None,
    metric: Literal["mahalanobis", "euclidean"] = "mahalanobis",
    seed: int = 0,
) -> list[Match]:
    """Optimal matching without replacement of ``ratio`` controls to each treatment respondent.

    Solves one assignment problem (``scipy.optimize.linear_sum_assignment``; Rosenbaum 1989)
    over all treated x candidates, each treated row repeated ``ratio`` times, minimising in
    order: the pairs beyond ``caliper`` (in distance units; they are then dropped), the pairs that
    disagree on an ``exact`` key (kept but flagged), and the total covariate distance. Ties are
    broken by a seeded random order of the candidates, so a seed always gives the same matches.
    One :class:`Match` per treated respondent, in the order given.
    """
    treated_ids, candidate_ids = _matching_ids(treated, candidates, ratio, caliper)
    rows = sorted(range(len(treated)), key=lambda i: treated_ids[i])
    by_id = sorted(range(len(candidates)), key=lambda j: candidate_ids[j])
    columns = [by_id[int(k)] for k in _rng(seed).permutation(len(by_id))]
    distance = _distances(
        _ordered(treated, treated_ids, rows, covariates),
        _ordered(candidates, candidate_ids, columns, covariates),
        metric,
    )
    mismatches = _mismatches([treated[i] for i in rows], [candidates[j] for j in columns], exact)
    found = _assign(_assignment_cost(distance, mismatches, caliper, len(rows) * ratio), ratio)
    names = [candidate_ids[j] for j in columns]
    matches = {
        i: _match(treated_ids[i], found[row], distance[row], mismatches[row], names, ratio, caliper)
        for row, i in enumerate(rows)
    }
    return [matches[i] for i in range(len(treated))]


@dataclass(frozen=True)
class BalanceRow:
    """Baseline balance of one covariate (or one level of a categorical covariate) between two arms.

    ``means`` are per-arm means, or shares for a binary covariate; ``smd`` is first arm minus
    second arm over the pooled SD; ``variance_ratio`` is first over second (``None`` for binary
    covariates, whose variance follows from the share, and when both variances are 0).
    """

    covariate: str
    kind: Literal["continuous", "binary"]
    means: dict[str, float]
    n: dict[str, int]
    smd: float
    variance_ratio: float | None
    imbalanced: bool


def _standardised_difference(first: np.ndarray, second: np.ndarray, binary: bool) -> tuple[float, float | None]:
    """The standardised difference and the variance ratio of Austin (2009)."""
    m1, m2 = float(first.mean()), float(second.mean())
    if binary:
        v1, v2 = m1 * (1.0 - m1), m2 * (1.0 - m2)
        ratio = None
    else:
        v1, v2 = float(first.var(ddof=1)), float(second.var(ddof=1))
        ratio = v1 / v2 if v2 > 0 else (math.inf if v1 > 0 else None)
    pooled = math.sqrt((v1 + v2) / 2.0)
    diff = m1 - m2
    if pooled > 0:
        return diff / pooled, ratio
    return (0.0 if diff == 0 else math.copysign(math.inf, diff)), ratio


def _balance_row(name: str, values: dict[str, np.ndarray]) -> BalanceRow:
    arms = list(values)
    for arm, x in values.items():
        if len(x) == 0:
            raise NotTestable(f"no values of {name} in arm {arm}: balance cannot be judged")
    binary = bool(np.isin(np.concatenate(list(values.values())), (0.0, 1.0)).all())
    if not binary and any(len(x) < 2 for x in values.values()):
        raise NotTestable(f"{name}: each arm needs at least two values to estimate a standard deviation")
    smd, ratio = _standardised_difference(values[arms[0]], values[arms[1]], binary)
    return BalanceRow(
        covariate=name,
        kind="binary" if binary else "continuous",
        means={arm: float(x.mean()) for arm, x in values.items()},
        n={arm: len(x) for arm, x in values.items()},
        smd=smd,
        variance_ratio=ratio,
        imbalanced=abs(smd) > SMD_THRESHOLD,
    )


def _is_categorical(raw: Sequence[Any]) -> bool:
    """Text that is not an education code is a category (e.g. a regency)."""
    return any(isinstance(v, str) and v.strip().lower() not in EDUCATION_RANK for v in raw)


def balance(groups: Mapping[str, Sequence[Any]], *, covariates: Sequence[str]) -> list[BalanceRow]:
    """Baseline balance between two arms, one row per covariate (Austin 2009).

    Continuous (and ordinal, e.g. education by rank): d = (x̄₁ − x̄₂) / √((s₁² + s₂²) / 2), with
    sample variances, and the variance ratio s₁² / s₂². Binary (values 0/1 or booleans):
    d = (p̂₁ − p̂₂) / √((p̂₁(1 − p̂₁) + p̂₂(1 − p̂₂)) / 2). A categorical covariate gives one binary
    row per level, named ``"regency: 35.78"``. |d| > 0.1 is flagged as imbalanced (Normand et al.
    2001). Missing values are left out per covariate (``n`` says how many remain). The first arm
    in ``groups`` is compared with the second: put the treatment arm first.
    """
    if len(groups) != 2:
        raise ValueError(f"balance compares exactly two arms, got {len(groups)}")
    rows: list[BalanceRow] = []
    for name in covariates:
        raw = {arm: [v for v in (_field(r, name) for r in members) if v is not None] for arm, members in groups.items()}
        if _is_categorical([v for values in raw.values() for v in values]):
            levels = sorted({str(v) for values in raw.values() for v in values})
            for level in levels:
                shares = {arm: np.array([str(v) == level for v in values], dtype=float) for arm, values in raw.items()}
                rows.append(_balance_row(f"{name}: {level}", shares))
        else:
            coded = {
                arm: np.array([_code(name, v, f"a respondent in {arm}") for v in values], dtype=float)
                for arm, values in raw.items()
            }
            rows.append(_balance_row(name, coded))
    return rows
