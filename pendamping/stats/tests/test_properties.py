"""Property tests: p-values in [0, 1], symmetries, and agreement with scipy where scipy is right."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from pendamping.stats import (
    adjust_pvalues,
    bowker,
    chi2_independence,
    cmh,
    fisher_exact,
    g_test,
    mann_whitney,
    mcnemar,
    stuart_maxwell,
    wilcoxon_signed_rank,
)
from pendamping.stats.tests.test_fisher import brute_force_pvalue

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def tables(draw, min_side=2, max_side=4, max_count=8):
    rows = draw(st.integers(min_side, max_side))
    cols = draw(st.integers(min_side, max_side))
    cells = draw(st.lists(st.integers(0, max_count), min_size=rows * cols, max_size=rows * cols))
    table = np.array(cells).reshape(rows, cols)
    assume(table.sum(axis=0).all() and table.sum(axis=1).all())
    return table


def in_unit_interval(p):
    return 0.0 <= p <= 1.0


@FAST
@given(tables(max_side=5, max_count=30))
def test_chi2_and_g_pvalues_in_range_symmetric_and_equal_to_scipy(table):
    ours = chi2_independence(table)
    assert in_unit_interval(ours.pvalue) and in_unit_interval(g_test(table).pvalue)
    assert chi2_independence(table.T).statistic == pytest.approx(ours.statistic)
    assert g_test(table.T).statistic == pytest.approx(g_test(table).statistic, abs=1e-9)
    theirs = stats.chi2_contingency(table, correction=False)
    assert ours.statistic == pytest.approx(theirs.statistic)
    assert ours.pvalue == pytest.approx(theirs.pvalue, abs=1e-12)


@FAST
@given(tables(min_side=2, max_side=2, max_count=25), st.sampled_from(["two-sided", "less", "greater"]))
def test_fisher_2x2_equals_scipy(table, alternative):
    ours = fisher_exact(table, alternative=alternative).pvalue
    assert in_unit_interval(ours)
    assert ours == pytest.approx(stats.fisher_exact(table, alternative=alternative).pvalue, rel=1e-9, abs=1e-15)


@FAST
@given(tables(max_side=4, max_count=5), st.randoms(use_true_random=False))
def test_fisher_rxc_is_symmetric_and_invariant_to_permutations(table, rnd):
    p = fisher_exact(table).pvalue
    assert in_unit_interval(p) and p > 0
    assert fisher_exact(table.T).pvalue == pytest.approx(p, rel=1e-9)
    rows, cols = list(range(table.shape[0])), list(range(table.shape[1]))
    rnd.shuffle(rows)
    rnd.shuffle(cols)
    assert fisher_exact(table[rows][:, cols]).pvalue == pytest.approx(p, rel=1e-9)


@settings(max_examples=25, deadline=None)
@given(tables(max_side=3, max_count=3))
def test_fisher_rxc_equals_brute_force(table):
    assume(table.sum() <= 14)
    assert fisher_exact(table).pvalue == pytest.approx(brute_force_pvalue(table), rel=1e-9)


@FAST
@given(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40), st.integers(0, 40))
def test_mcnemar_pvalues_in_range_and_ordered(a, b, c, d):
    assume(a + b + c + d > 0 and ((a + b > 0 and c + d > 0) or (a + c > 0 and b + d > 0)))
    results = {m: mcnemar([[a, b], [c, d]], method=m).pvalue for m in ("asymptotic", "corrected", "exact", "midp")}
    assert all(in_unit_interval(p) for p in results.values())
    assert results["midp"] <= results["exact"] + 1e-12  # mid-p is never more conservative
    assert results["asymptotic"] <= results["corrected"] + 1e-12


@FAST
@given(tables(min_side=3, max_side=3, max_count=15))
def test_paired_kxk_pvalues_in_range(table):
    table = table[:3, :3]
    assert in_unit_interval(bowker(table).pvalue)
    assert in_unit_interval(stuart_maxwell(table).pvalue)


@FAST
@given(st.lists(tables(min_side=2, max_side=2, max_count=12), min_size=1, max_size=5), st.booleans())
def test_cmh_pvalue_in_range(strata, correction):
    try:
        result = cmh(strata, correction=correction)
    except ValueError:
        return
    assert in_unit_interval(result.pvalue)


samples = st.lists(st.integers(-5, 5).map(float), min_size=1, max_size=30)


@FAST
@given(samples, samples)
def test_rank_tests_pvalues_in_range(x, y):
    n = min(len(x), len(y))
    assert in_unit_interval(wilcoxon_signed_rank(x[:n], y[:n]).pvalue)
    try:
        assert in_unit_interval(mann_whitney(x, y).pvalue)
    except ValueError:
        assert len(set(x) | set(y)) == 1


@FAST
@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_adjusted_pvalues_are_ordered_and_bounded(p):
    holm = adjust_pvalues(p)
    bh = adjust_pvalues(p, method="bh")
    bonferroni = adjust_pvalues(p, method="bonferroni")
    for raw, h, b, bon in zip(p, holm, bh, bonferroni, strict=True):
        assert raw <= b + 1e-15 <= h + 2e-15 <= bon + 3e-15 <= 1 + 3e-15
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(np.asarray(holm)[order]) >= -1e-15)
