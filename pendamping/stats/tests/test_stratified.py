"""Cochran–Mantel–Haenszel test against R's mantelhaen.test."""

import math

import pytest

from pendamping.stats import NotTestable, cmh

# Agresti (1990, pp. 231-237) penicillin and rabbits, R's ?mantelhaen.test. R's array is
# 2 x 2 x 5 filled by column; stratum k is [[None-Cured, None-Died], [1.5h-Cured, 1.5h-Died]].
RABBITS = [
    [[0, 6], [0, 5]],
    [[3, 3], [0, 6]],
    [[6, 0], [2, 4]],
    [[5, 1], [6, 0]],
    [[2, 0], [5, 0]],
]
# UCBAdmissions (Admit x Gender x Dept), printed in stats-Ex.Rout.save by as.data.frame(UCBAdmissions)
UCB = [
    [[512, 89], [313, 19]],
    [[353, 17], [207, 8]],
    [[120, 202], [205, 391]],
    [[138, 131], [279, 244]],
    [[53, 94], [138, 299]],
    [[22, 24], [351, 317]],
]


def test_rabbits_match_r():
    # stats-Ex.Rout.save: Mantel-Haenszel X-squared = 3.9286, df = 1, p-value = 0.04747,
    # 95 percent confidence interval: 1.026713 47.725133, common odds ratio 7.
    # (The brief quoted 7.166667 and 50.024169; R's own output is 7 and 47.725133.)
    result = cmh(RABBITS)
    assert result.statistic == pytest.approx(3.9286, abs=5e-5)
    assert result.df == 1
    assert result.pvalue == pytest.approx(0.04747, abs=5e-6)
    assert result.estimate["odds_ratio"] == pytest.approx(7.0)
    lo, hi = result.estimate["ci"]
    assert lo == pytest.approx(1.026713, abs=5e-7)
    assert hi == pytest.approx(47.725133, abs=5e-7)
    assert "with continuity correction" in result.method


def test_ucb_admissions_match_r():
    # stats-Ex.Rout.save: Mantel-Haenszel X-squared = 1.4269, df = 1, p-value = 0.2323,
    # 95 percent confidence interval: 0.7719074 1.0603298, common odds ratio 0.9046968
    result = cmh(UCB)
    assert result.statistic == pytest.approx(1.4269, abs=5e-5)
    assert result.pvalue == pytest.approx(0.2323, abs=5e-5)
    assert result.estimate["odds_ratio"] == pytest.approx(0.9046968, abs=5e-8)
    assert result.estimate["ci"] == (pytest.approx(0.7719074, abs=5e-8), pytest.approx(1.0603298, abs=5e-8))


def test_without_correction_is_the_plain_mantel_haenszel_statistic():
    corrected, plain = cmh(RABBITS), cmh(RABBITS, correction=False)
    assert plain.statistic > corrected.statistic
    assert "without continuity correction" in plain.method


def test_strata_with_fewer_than_two_observations_are_left_out_with_a_warning():
    result = cmh([*RABBITS, [[1, 0], [0, 0]]])
    assert result.statistic == pytest.approx(cmh(RABBITS).statistic)
    assert "left out" in result.warnings[0]


def test_infinite_common_odds_ratio():
    result = cmh([[[5, 0], [1, 4]], [[3, 0], [2, 4]]])
    assert result.estimate["odds_ratio"] == math.inf


def test_not_testable_and_bad_input():
    with pytest.raises(NotTestable):
        cmh([[[5, 5], [0, 0]], [[0, 3], [0, 4]]])
    with pytest.raises(NotTestable):
        cmh([])
    with pytest.raises(ValueError):
        cmh([[[1, 2, 3], [4, 5, 6]]])
