"""Fisher's exact test: 2 x 2 against R's fisher.test, r x c against R and brute force."""

import itertools
import math

import numpy as np
import pytest
from scipy import stats
from scipy.special import gammaln

from pendamping.stats import NotTestable, fisher_exact, network, twobyc

# R's ?fisher.test examples (src/library/stats/man/fisher.test.Rd); printed outputs from R's
# tests/Examples/stats-Ex.Rout.save. R fills matrices by column: matrix(c(3, 1, 1, 3), 2).
TEA = [[3, 1], [1, 3]]
CONVICTIONS = [[2, 15], [10, 3]]  # matrix(c(2, 10, 15, 3), nrow = 2)
# Agresti (2002, p. 57) job satisfaction: matrix(c(1,2,1,0, 3,3,6,1, 10,10,14,9, 6,7,12,11), 4, 4)
JOB = np.array([[1, 2, 1, 0], [3, 3, 6, 1], [10, 10, 14, 9], [6, 7, 12, 11]]).T
# 6th example in Mehta & Patel's JASA paper, in newer versions of ?fisher.test
MP6 = [
    [1, 2, 2, 1, 1, 0, 1],
    [2, 0, 0, 2, 3, 0, 0],
    [0, 1, 1, 1, 2, 7, 3],
    [1, 1, 2, 0, 0, 0, 1],
    [0, 1, 1, 1, 1, 0, 0],
]


def test_tea_tasting_two_sided_matches_r():
    # fisher.test(TeaTasting): p-value = 0.4857, 95 percent confidence interval: 0.2117329 621.9337505,
    # odds ratio 6.408309 (R output as reprinted in many R tutorials, e.g. the two-sided test
    # on tab <- matrix(c(3,1,1,3),2,2)). NB: not 0.3135693-308.5568338 as the brief said; 0.3135693
    # is the one-sided ("greater") lower limit.
    result = fisher_exact(TEA)
    assert result.pvalue == pytest.approx(0.4857, abs=5e-5)
    assert result.estimate["odds_ratio"] == pytest.approx(6.408309, abs=5e-7)
    lo, hi = result.estimate["ci"]
    assert lo == pytest.approx(0.2117329, abs=5e-8)
    assert hi == pytest.approx(621.9337505, abs=5e-7)


def test_tea_tasting_one_sided_matches_r():
    # fisher.test(TeaTasting, alternative = "greater"): p-value = 0.2429,
    # 95 percent confidence interval: 0.3135693 Inf, odds ratio 6.408309 (stats-Ex.Rout.save)
    greater = fisher_exact(TEA, alternative="greater")
    assert greater.pvalue == pytest.approx(0.2429, abs=5e-5)
    assert greater.estimate["ci"][0] == pytest.approx(0.3135693, abs=5e-8)
    assert greater.estimate["ci"][1] == math.inf
    # fisher.test(TeaTasting, alternative = "less"): p-value = 0.9857, CI 0.0000 306.2469
    less = fisher_exact(TEA, alternative="less")
    assert less.pvalue == pytest.approx(0.9857, abs=5e-5)
    assert less.estimate["ci"] == (0.0, pytest.approx(306.2469, abs=5e-5))


def test_convictions_match_r():
    # stats-Ex.Rout.save: alternative = "less": p-value = 0.0004652, CI 0.0000000 0.2849601,
    # odds ratio 0.04693661; two-sided p-value = 0.0005367; conf.int 0.003325764 0.363182271;
    # conf.level = 0.99: 0.001386333 0.578851645
    less = fisher_exact(CONVICTIONS, alternative="less")
    assert less.pvalue == pytest.approx(0.0004652, abs=5e-8)
    assert less.estimate["ci"][1] == pytest.approx(0.2849601, abs=5e-8)
    two = fisher_exact(CONVICTIONS)
    assert two.pvalue == pytest.approx(0.0005367, abs=5e-8)
    assert two.estimate["odds_ratio"] == pytest.approx(0.04693661, abs=5e-9)
    assert two.estimate["ci"] == (pytest.approx(0.003325764, abs=5e-10), pytest.approx(0.363182271, abs=5e-10))
    wide = fisher_exact(CONVICTIONS, conf_level=0.99)
    assert wide.estimate["ci"] == (pytest.approx(0.001386333, abs=5e-10), pytest.approx(0.578851645, abs=5e-10))


def test_perfect_separation_is_a_tiny_valid_p_with_infinite_odds_ratio():
    result = fisher_exact([[20, 0], [0, 20]])
    assert result.pvalue == pytest.approx(2 / math.comb(40, 20), rel=1e-9)
    assert 0 < result.pvalue < 1e-10
    assert result.estimate["odds_ratio"] == math.inf
    lo, hi = result.estimate["ci"]
    assert math.isfinite(lo) and lo > 1 and hi == math.inf
    assert fisher_exact([[0, 20], [20, 0]]).estimate["odds_ratio"] == 0.0


def test_two_by_two_agrees_with_scipy():
    for table in ([[7, 2], [3, 9]], [[1, 9], [11, 3]], [[0, 5], [5, 0]], [[12, 5], [7, 7]]):
        for alternative in ("two-sided", "less", "greater"):
            expected = stats.fisher_exact(table, alternative=alternative).pvalue
            assert fisher_exact(table, alternative=alternative).pvalue == pytest.approx(expected, rel=1e-9)


def test_job_satisfaction_matches_r():
    # fisher.test(Job) # 0.7827 (chisq example comment and stats-Ex.Rout.save: p-value = 0.7827)
    result = fisher_exact(JOB)
    assert result.pvalue == pytest.approx(0.7827, abs=5e-5)
    assert result.method.startswith("Fisher-Freeman-Halton exact test")
    assert result.warnings == ()


def test_mehta_patel_example_6():
    # fisher.test(MP6): p-value = 0.03929 (value reported for R's example in third-party test
    # suites; cross-checked below against brute force on smaller tables, not re-run in R here).
    assert fisher_exact(MP6).pvalue == pytest.approx(0.03929, abs=5e-6)


def brute_force_pvalue(table):
    """Sum P over every table with the same margins and P <= P_obs (1 + 1e-7), by enumeration."""
    table = np.asarray(table)
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    const = gammaln(rows + 1).sum() + gammaln(cols + 1).sum() - gammaln(table.sum() + 1)
    observed = const - gammaln(table + 1).sum()
    total = 0.0

    def fill(i, remaining, acc):
        nonlocal total
        if i == len(rows) - 1:
            log_p = const + acc - gammaln(np.asarray(remaining) + 1).sum()
            if log_p <= observed + math.log1p(1e-7):
                total += math.exp(log_p)
            return
        for row in itertools.product(*(range(c + 1) for c in remaining)):
            if sum(row) == rows[i]:
                rest = [c - a for c, a in zip(remaining, row, strict=True)]
                fill(i + 1, rest, acc - gammaln(np.asarray(row) + 1).sum())

    fill(0, list(cols), 0.0)
    return total


@pytest.mark.parametrize(
    "table",
    [
        [[1, 2, 1], [0, 3, 2], [2, 0, 4]],
        [[3, 1, 0, 2], [0, 2, 3, 1], [1, 1, 1, 4]],
        [[2, 0, 1], [1, 3, 0], [0, 1, 4], [3, 1, 1]],
        [[2, 3, 4, 1, 1], [1, 2, 1, 3, 4]],
        [[5, 0, 3, 2], [1, 4, 2, 6]],
        [[10, 1, 1], [1, 10, 2]],
    ],
)
def test_r_by_c_equals_brute_force_enumeration(table):
    assert fisher_exact(table).pvalue == pytest.approx(brute_force_pvalue(table), rel=1e-9)


def test_two_by_five_with_ten_thousand_per_row_is_exact():
    # a null-like arm x answer table with 10,000 per arm: exact, and close to the chi-square p
    table = [[985, 1940, 3032, 2536, 1507], [1045, 1962, 2993, 2514, 1486]]
    result = fisher_exact(table)
    assert "Monte Carlo" not in result.method
    assert result.pvalue == pytest.approx(stats.chi2_contingency(table)[1], abs=2e-3)


def test_beyond_the_exact_limit_falls_back_to_a_seeded_monte_carlo(monkeypatch):
    monkeypatch.setattr(network, "MAX_WORK", 0)
    first = fisher_exact(JOB)
    second = fisher_exact(JOB)
    assert first == second  # fixed seed: reproducible
    assert "Monte Carlo" in first.method and "100,000 random tables" in first.method
    assert "too large for the exact calculation" in first.warnings[0]
    assert first.pvalue == pytest.approx(0.7827, abs=0.006)  # 4 standard errors
    monkeypatch.setattr(twobyc, "MAX_STATES", 0)
    assert "Monte Carlo" in fisher_exact([[3, 4, 5], [5, 1, 2]]).method


def test_monte_carlo_says_when_no_random_table_was_as_extreme(monkeypatch):
    monkeypatch.setattr(twobyc, "MAX_STATES", 0)
    result = fisher_exact([[40, 0, 0], [0, 40, 40]])
    assert result.pvalue == pytest.approx(1 / 100_001)
    assert "p < 1e-05" in result.warnings[0]


def test_one_sided_alternative_only_for_two_by_two():
    with pytest.raises(ValueError):
        fisher_exact(JOB, alternative="greater")
    with pytest.raises(ValueError):
        fisher_exact(TEA, alternative="bigger")


def test_zero_margin_is_not_testable():
    with pytest.raises(NotTestable):
        fisher_exact([[3, 0, 2], [1, 0, 4]])
