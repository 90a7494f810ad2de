"""Pearson's chi-square, the G test, Cramér's V and the chi-square critical value."""

import numpy as np
import pytest
from scipy import stats

from pendamping.stats import chi2_critical, chi2_independence, cramers_v, g_test

# Agresti (2007) p. 39, party identification by gender, the first example of R's
# ?chisq.test (src/library/stats/man/chisq.test.Rd). R prints (tests/Examples/stats-Ex.Rout.save):
#   X-squared = 30.0701, df = 2, p-value = 2.954e-07
PARTY = [[762, 327, 468], [484, 239, 477]]


def test_party_identification_matches_r():
    result = chi2_independence(PARTY)
    assert result.statistic == pytest.approx(30.0701, abs=5e-5)
    assert result.df == 2
    assert result.pvalue == pytest.approx(2.954e-07, rel=5e-4)
    assert result.warnings == ()
    # Xsq$expected in the same R output: 703.6714 319.6453 533.6834 / 542.3286 246.3547 411.3166
    assert np.allclose(result.estimate["expected"], [[703.6714, 319.6453, 533.6834], [542.3286, 246.3547, 411.3166]])


def test_yates_correction_matches_r_example():
    # ?chisq.test: x <- matrix(c(12, 5, 7, 7), ncol = 2); chisq.test(x)$p.value  # 0.4233
    result = chi2_independence([[12, 7], [5, 7]], yates=True)
    assert result.pvalue == pytest.approx(0.4233, abs=5e-5)
    assert "Yates" in result.method


def test_yates_is_ignored_beyond_two_by_two_as_in_r():
    assert chi2_independence(PARTY, yates=True).statistic == chi2_independence(PARTY).statistic


def test_agrees_with_scipy_without_correction():
    table = [[10, 20, 30], [25, 15, 5], [8, 9, 12]]
    ours = chi2_independence(table)
    theirs = stats.chi2_contingency(table, correction=False)
    assert ours.statistic == pytest.approx(theirs.statistic)
    assert ours.pvalue == pytest.approx(theirs.pvalue)
    assert ours.df == theirs.dof


def test_warns_about_small_expected_counts_with_how_many_and_the_minimum():
    result = chi2_independence([[3, 1], [1, 3]])
    (warning,) = result.warnings
    assert "4 of 4 cells (100.0%)" in warning
    assert "minimum expected count is 2.00" in warning
    assert result.estimate["cells_expected_below_5"] == 4


def test_g_test_agrees_with_scipy_log_likelihood_and_is_never_corrected():
    table = [[12, 7], [5, 7]]
    ours = g_test(table)
    theirs = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert ours.statistic == pytest.approx(theirs.statistic)
    assert ours.pvalue == pytest.approx(theirs.pvalue)


def test_g_test_handles_zero_cells():
    result = g_test([[10, 0], [0, 10]])
    assert result.statistic == pytest.approx(2 * 20 * np.log(2))
    assert 0 <= result.pvalue < 1e-5


def test_cramers_v_agrees_with_scipy():
    table = np.array([[10, 20, 30], [25, 15, 5]])
    expected = stats.contingency.association(table, method="cramer")
    assert cramers_v(table) == pytest.approx(expected)


@pytest.mark.parametrize("table", [[[5, 0], [0, 7]], [[5, 0, 3], [0, 4, 0]], [[0, 9], [6, 0], [0, 1]]])
def test_cramers_v_is_one_when_one_variable_determines_the_other(table):
    assert cramers_v(table) == 1.0


def test_cramers_v_uses_the_uncorrected_statistic_even_for_2x2():
    table = [[12, 7], [5, 7]]
    x2 = chi2_independence(table).statistic
    assert cramers_v(table) == pytest.approx(np.sqrt(x2 / 31))


def test_bias_corrected_cramers_v_follows_bergsma_2013():
    # Bergsma (2013): phi2~ = max(0, phi2 - (r-1)(c-1)/(n-1)), r~ = r - (r-1)^2/(n-1),
    # c~ = c - (c-1)^2/(n-1), V~ = sqrt(phi2~ / min(r~ - 1, c~ - 1)). Worked by hand for PARTY:
    n, phi2 = 2757, 30.070149095754672 / 2757
    phi2_t = phi2 - 1 * 2 / (n - 1)
    r_t, c_t = 2 - 1 / (n - 1), 3 - 4 / (n - 1)
    assert cramers_v(PARTY, bias_corrected=True) == pytest.approx(np.sqrt(phi2_t / min(r_t - 1, c_t - 1)))


def test_bias_corrected_cramers_v_cross_check_with_clickhouse():
    # ClickHouse's cramersV / cramersVBiasCorrected (the Wikipedia/Bergsma correction) document
    # SELECT cramersV(a, b), cramersVBiasCorrected(a, b) FROM (SELECT number % 10 AS a,
    # number % 4 AS b FROM numbers(150)) -> 0.5798088336225178, 0.5305112825189074 (current
    # docs; an older English page printed other numbers for the same query).
    table = np.zeros((10, 4), dtype=int)
    for i in range(150):
        table[i % 10, i % 4] += 1
    assert cramers_v(table) == pytest.approx(0.5798088336225178, rel=1e-12)
    assert cramers_v(table, bias_corrected=True) == pytest.approx(0.5305112825189074, rel=1e-12)


def test_bias_corrected_cramers_v_is_zero_without_association():
    assert cramers_v([[10, 10], [10, 10]], bias_corrected=True) == 0.0


@pytest.mark.parametrize(("df", "value"), [(1, 3.841), (2, 5.991), (3, 7.815), (4, 9.488), (10, 18.307)])
def test_chi2_critical_matches_the_printed_table(df, value):
    # "Upper critical values of chi-square distribution", NIST/SEMATECH e-Handbook of Statistical
    # Methods, section 1.3.6.7.4, column 0.05.
    assert chi2_critical(df, 0.05) == pytest.approx(value, abs=5e-4)


def test_chi2_critical_rejects_nonsense():
    with pytest.raises(ValueError):
        chi2_critical(0)
    with pytest.raises(ValueError):
        chi2_critical(2, 1.5)
