"""Wilcoxon signed-rank, Mann–Whitney and the paired t-test against R."""

import pytest
from scipy import stats

from pendamping.stats import NotTestable, mann_whitney, paired_t, wilcoxon_signed_rank

# ?wilcox.test, Hollander & Wolfe (1973, p. 29f): Hamilton depression scale, first (x) and
# second (y) visit of 9 patients.
FIRST = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
SECOND = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
# ?wilcox.test, Hollander & Wolfe (1973, p. 69f): permeability constants, term (x) and 12-26 weeks (y).
TERM = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
EARLY = [1.15, 0.88, 0.90, 0.74, 1.21]
# "An Introduction to R", section 8.3: latent heat of fusion of ice, Rice (1995, p. 490).
METHOD_A = [79.98, 80.04, 80.02, 80.04, 80.03, 80.03, 80.04, 79.97, 80.05, 80.03, 80.02, 80.00, 80.02]
METHOD_B = [80.02, 79.94, 79.98, 79.97, 79.97, 80.03, 79.95, 79.97]
# ?sleep / ?t.test: extra hours of sleep with drug 1 and drug 2, 10 patients.
DRUG1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
DRUG2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_signed_rank_depression_matches_r():
    # wilcox.test(x, y, paired = TRUE): V = 40, p-value = 0.03906 (R output, "Wilcoxon signed
    # rank exact test"); alternative = "greater": V = 40, p-value = 0.01953 (stats-Ex.Rout.save)
    two = wilcoxon_signed_rank(FIRST, SECOND)
    assert two.statistic == 40
    assert two.pvalue == pytest.approx(0.03906, abs=5e-6)
    assert "exact" in two.method
    assert wilcoxon_signed_rank(FIRST, SECOND, alternative="greater").pvalue == pytest.approx(0.01953, abs=5e-6)
    # wilcox.test(y - x, alternative = "less"): V = 5, p-value = 0.01953
    swapped = wilcoxon_signed_rank(SECOND, FIRST, alternative="less")
    assert swapped.statistic == 5
    assert swapped.pvalue == pytest.approx(0.01953, abs=5e-6)


def test_signed_rank_with_zeros_and_ties_uses_the_corrected_normal_approximation():
    # R: a <- c(106, 115, 96, 88, 91, 88, 81, 104, 99, 68, 104, 100, 77, 98, 96, 104, 82, 94, 72, 96);
    # wilcox.test(a, mu = 100, alternative = "less"): "Wilcoxon signed rank test with continuity
    # correction", V = 40, p-value = 0.01385 (R output quoted in Accord.NET's documentation).
    a = [106, 115, 96, 88, 91, 88, 81, 104, 99, 68, 104, 100, 77, 98, 96, 104, 82, 94, 72, 96]
    result = wilcoxon_signed_rank(a, [100] * len(a), alternative="less")
    assert result.statistic == 40
    assert result.pvalue == pytest.approx(0.01385, abs=5e-6)
    assert "continuity correction" in result.method
    assert result.estimate["zeros"] == 1
    assert "zero differences" in result.warnings[0]


def test_signed_rank_exact_agrees_with_scipy():
    before = [5.1, 3.2, 8.8, 1.4, 6.0, 7.7, 2.5, 9.3]
    after = [4.0, 3.9, 6.1, 1.0, 6.6, 5.2, 2.6, 8.0]
    expected = stats.wilcoxon(before, after, method="exact").pvalue
    assert wilcoxon_signed_rank(before, after).pvalue == pytest.approx(expected)


def test_signed_rank_normal_approximation_agrees_with_scipy():
    before = [3, 4, 4, 5, 2, 3, 4, 5, 1, 2, 3, 3]
    after = [4, 4, 5, 5, 3, 3, 5, 5, 2, 2, 4, 5]
    ours = wilcoxon_signed_rank(before, after)
    theirs = stats.wilcoxon(before, after, zero_method="wilcox", correction=True, method="approx")
    assert ours.pvalue == pytest.approx(theirs.pvalue)


def test_signed_rank_no_change_and_missing_pairs():
    result = wilcoxon_signed_rank([3, 4, 5], [3, 4, 5])
    assert result.pvalue == 1.0 and any("no change" in w for w in result.warnings)
    dropped = wilcoxon_signed_rank([*FIRST, None], [*SECOND, 2.0])
    assert dropped.pvalue == pytest.approx(wilcoxon_signed_rank(FIRST, SECOND).pvalue)
    assert "1 incomplete pair" in dropped.warnings[0]
    with pytest.raises(NotTestable):
        wilcoxon_signed_rank([None], [1.0])
    with pytest.raises(ValueError):
        wilcoxon_signed_rank([1, 2], [1])


def test_mann_whitney_matches_r():
    # wilcox.test(x, y, alternative = "g"): W = 35, p-value = 0.1272 (stats-Ex.Rout.save)
    greater = mann_whitney(TERM, EARLY, alternative="greater")
    assert greater.statistic == 35
    assert greater.pvalue == pytest.approx(0.1272, abs=5e-5)
    assert "exact" in greater.method
    # two-sided: twice the smaller tail
    assert mann_whitney(TERM, EARLY).pvalue == pytest.approx(2 * greater.pvalue)


def test_mann_whitney_with_ties_matches_r_intro():
    # An Introduction to R, 8.3: wilcox.test(A, B): "Wilcoxon rank sum test with continuity
    # correction", W = 89, p-value = 0.007497, with the warning about ties.
    result = mann_whitney(METHOD_A, METHOD_B)
    assert result.statistic == 89
    assert result.pvalue == pytest.approx(0.007497, abs=5e-7)
    assert "continuity correction" in result.method
    assert "ties" in result.warnings[0]


def test_mann_whitney_agrees_with_scipy():
    x, y = [1.1, 2.3, 0.4, 5.6, 3.3, 2.2], [4.4, 6.1, 5.0, 7.2, 3.9]
    expected = stats.mannwhitneyu(x, y, method="exact").pvalue
    assert mann_whitney(x, y).pvalue == pytest.approx(expected)
    big_x, big_y = list(range(0, 120, 2)), list(range(1, 100, 2))  # n >= 50: normal approximation
    expected = stats.mannwhitneyu(big_x, big_y, method="asymptotic", use_continuity=True).pvalue
    assert mann_whitney(big_x, big_y).pvalue == pytest.approx(expected)


def test_mann_whitney_not_testable():
    with pytest.raises(NotTestable):
        mann_whitney([], [1.0, 2.0])
    with pytest.raises(NotTestable):
        mann_whitney([3.0, 3.0], [3.0, 3.0, 3.0])


def test_paired_t_matches_r_sleep_example():
    # t.test(extra ~ group, data = sleep, paired = TRUE): t = -4.0621, df = 9, p-value = 0.002833,
    # 95 percent confidence interval: -2.4598858 -0.7001142, mean difference -1.58.
    result = paired_t(DRUG1, DRUG2)
    assert result.statistic == pytest.approx(-4.0621, abs=5e-5)
    assert result.df == 9
    assert result.pvalue == pytest.approx(0.002833, abs=5e-7)
    assert result.estimate["mean_difference"] == pytest.approx(-1.58)
    assert result.estimate["ci"] == (pytest.approx(-2.4598858, abs=5e-8), pytest.approx(-0.7001142, abs=5e-8))


def test_paired_t_not_testable_without_variation():
    with pytest.raises(NotTestable):
        paired_t([1, 2, 3], [2, 3, 4])
    with pytest.raises(NotTestable):
        paired_t([1], [2])
