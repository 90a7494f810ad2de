"""McNemar (four versions), Bowker and Stuart–Maxwell for paired answers."""

import pytest
from scipy import stats

from pendamping.stats import NotTestable, bowker, mcnemar, stuart_maxwell

# Agresti (1990, p. 350) presidential approval, R's ?mcnemar.test:
# matrix(c(794, 86, 150, 570), nrow = 2) -> rows 1st survey, columns 2nd survey.
PERFORMANCE = [[794, 150], [86, 570]]
# Fagerland, Lydersen & Laake (2013, BMC Med Res Methodol 13:91), Table 1: airway
# hyper-responsiveness before (rows) and after (columns) stem cell transplantation, 21 children.
AHR = [[1, 1], [7, 12]]
# Stuart (1953, 1955) unaided distance vision of 7477 women, right eye (rows) x left eye.
VISION = [[1520, 266, 124, 66], [234, 1512, 432, 78], [117, 362, 1772, 205], [36, 82, 179, 492]]


def test_corrected_matches_r_mcnemar_test():
    # stats-Ex.Rout.save (R 2.13): McNemar's chi-squared = 16.8178, df = 1, p-value = 4.115e-05.
    # (The brief quoted 34.712 / 3.822e-09; R's own saved output says otherwise.)
    result = mcnemar(PERFORMANCE, method="corrected")
    assert result.statistic == pytest.approx(16.8178, abs=5e-5)
    assert result.df == 1
    assert result.pvalue == pytest.approx(4.115e-05, rel=2e-4)
    assert result.estimate["b"] == 150 and result.estimate["c"] == 86


def test_asymptotic_is_the_uncorrected_statistic():
    # mcnemar.test(Performance, correct = FALSE): (150 - 86)^2 / 236 = 17.356, p = 3.099e-05
    result = mcnemar(PERFORMANCE, method="asymptotic")
    assert result.statistic == pytest.approx(64**2 / 236)
    assert result.pvalue == pytest.approx(3.099e-05, rel=2e-4)


def test_fagerland_example_all_four_methods():
    # Supplementary "How to calculate the McNemar mid-p test": exact p = 2 * binomcdf(n12, n, 0.5),
    # mid-p = exact p - binompdf(n12, n, 0.5), with n12 = 1, n = 8 -> exact 18/256, mid-p 10/256.
    # The paper reports P = 0.070 (exact), 0.039 (mid-p), 0.034 (asymptotic), 0.077 (corrected).
    assert mcnemar(AHR, method="exact").pvalue == pytest.approx(18 / 256)
    assert mcnemar(AHR, method="midp").pvalue == pytest.approx(10 / 256)
    assert mcnemar(AHR).pvalue == pytest.approx(10 / 256)  # mid-p is the default
    assert mcnemar(AHR, method="asymptotic").pvalue == pytest.approx(0.034, abs=5e-4)
    assert mcnemar(AHR, method="corrected").pvalue == pytest.approx(0.077, abs=5e-4)


def test_exact_agrees_with_scipy_binomtest():
    for b, c in [(3, 11), (0, 6), (9, 2), (20, 31)]:
        expected = stats.binomtest(b, b + c, 0.5).pvalue
        assert mcnemar([[5, b], [c, 5]], method="exact").pvalue == pytest.approx(expected)


@pytest.mark.parametrize("method", ["asymptotic", "corrected", "exact", "midp"])
def test_no_discordant_pairs_gives_p_one_and_a_no_change_warning(method):
    result = mcnemar([[12, 0], [0, 8]], method=method)
    assert result.pvalue == 1.0
    assert any("no change" in w for w in result.warnings)


def test_corrected_with_equal_discordant_counts_gives_zero_and_one():
    result = mcnemar([[10, 6], [6, 10]], method="corrected")
    assert result.statistic == 0.0
    assert result.pvalue == 1.0


def test_midp_with_equal_discordant_counts():
    # Fagerland et al.: if n12 = n21 the mid-p-value equals 1 - 0.5 * binompdf(n12, n, 0.5)
    assert mcnemar([[1, 3], [3, 1]]).pvalue == pytest.approx(1 - 0.5 * stats.binom.pmf(3, 6, 0.5))
    assert mcnemar([[1, 3], [3, 1]], method="exact").pvalue == 1.0


def test_mcnemar_refuses_what_it_cannot_test():
    with pytest.raises(NotTestable):
        mcnemar([[0, 0], [0, 0]])
    with pytest.raises(NotTestable):
        mcnemar([[20, 0], [0, 0]])  # one answer category only
    with pytest.raises(ValueError):
        mcnemar(VISION)
    with pytest.raises(ValueError):
        mcnemar(PERFORMANCE, method="yates")


def test_everyone_starting_in_one_category_is_still_testable():
    result = mcnemar([[10, 6], [0, 0]])
    assert result.estimate["b"] == 6 and 0 < result.pvalue < 0.05


def test_stuart_maxwell_vision_matches_published_value():
    # Stuart (1955); coin's ?vision: "Asymptotic Stuart(-Maxwell) test (Q = 11.96)", df = 3.
    result = stuart_maxwell(VISION)
    assert result.statistic == pytest.approx(11.96, abs=5e-3)
    assert result.df == 3
    assert result.pvalue == pytest.approx(stats.chi2.sf(result.statistic, 3))
    assert result.warnings == ()


def test_stuart_maxwell_and_bowker_reduce_to_mcnemar_for_two_categories():
    uncorrected = mcnemar(PERFORMANCE, method="asymptotic")
    assert stuart_maxwell(PERFORMANCE).statistic == pytest.approx(uncorrected.statistic)
    assert bowker(PERFORMANCE).statistic == pytest.approx(uncorrected.statistic)


def test_stuart_maxwell_drops_a_category_never_used():
    with_unused = [[5, 3, 0], [1, 6, 0], [0, 0, 0]]
    result = stuart_maxwell(with_unused)
    assert result.df == 1
    assert result.statistic == pytest.approx(stuart_maxwell([[5, 3], [1, 6]]).statistic)
    assert "left out" in result.warnings[0]


def test_stuart_maxwell_category_without_changes_is_dropped():
    # category 3 is used (n33 = 4) but nobody moved in or out of it: singular covariance
    result = stuart_maxwell([[5, 3, 0], [1, 6, 0], [0, 0, 4]])
    assert result.df == 1
    assert "category 3 had no changes" in result.warnings[0].lower()


def test_stuart_maxwell_separate_groups_of_changes_are_summed():
    table = [[5, 4, 0, 0], [1, 5, 0, 0], [0, 0, 5, 0], [0, 0, 6, 5]]
    result = stuart_maxwell(table)
    expected = stuart_maxwell([[5, 4], [1, 5]]).statistic + stuart_maxwell([[5, 0], [6, 5]]).statistic
    assert result.statistic == pytest.approx(expected)
    assert result.df == 2
    assert "separate groups" in result.warnings[0]


def test_stuart_maxwell_no_change_and_not_testable():
    assert stuart_maxwell([[4, 0, 0], [0, 3, 0], [0, 0, 2]]).pvalue == 1.0
    with pytest.raises(NotTestable):
        stuart_maxwell([[0, 0, 0], [0, 9, 0], [0, 0, 0]])


def test_bowker_vision_formula():
    # R's mcnemar.test on a k x k table computes Bowker's statistic:
    # sum over i < j of (n_ij - n_ji)^2 / (n_ij + n_ji), df = k(k-1)/2
    expected = sum(
        (VISION[i][j] - VISION[j][i]) ** 2 / (VISION[i][j] + VISION[j][i]) for i in range(4) for j in range(i + 1, 4)
    )
    result = bowker(VISION)
    assert result.statistic == pytest.approx(expected)
    assert result.df == 6
    assert result.warnings == ()


def test_bowker_skips_empty_pairs_but_keeps_df():
    result = bowker([[5, 3, 0], [1, 6, 0], [0, 0, 4]])
    assert result.df == 3
    assert result.statistic == pytest.approx((3 - 1) ** 2 / 4)
    assert result.estimate["pairs_skipped"] == 2
    assert "2 of 3 pairs" in result.warnings[0] and "stay 3" in result.warnings[0]


def test_bowker_no_change():
    result = bowker([[3, 0, 0], [0, 4, 0], [0, 0, 5]])
    assert result.pvalue == 1.0 and "no change" in result.warnings[0]
