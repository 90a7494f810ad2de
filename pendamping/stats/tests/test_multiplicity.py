"""adjust_pvalues against R's p.adjust, including R's own documentation example."""

import numpy as np
import pytest
from scipy import stats

from pendamping.stats import adjust_pvalues


def r_rnorm(seed: int, means: list[float]) -> np.ndarray:
    """R's set.seed(seed); rnorm(length(means), mean = means): Mersenne-Twister with R's seed
    scrambling (RNG.c: 50 LCG steps, then 625 words with mti = 624) and inversion normals
    (snorm.c: u = (int)(2^27 * unif_rand()) + unif_rand(); qnorm(u / 2^27))."""
    s = seed & 0xFFFFFFFF
    for _ in range(50):
        s = (69069 * s + 1) & 0xFFFFFFFF
    words = []
    for _ in range(625):
        s = (69069 * s + 1) & 0xFFFFFFFF
        words.append(s)
    bits = np.random.MT19937()
    bits.state = {"bit_generator": "MT19937", "state": {"key": np.array(words[1:], dtype=np.uint32), "pos": 624}}
    big = 134217728

    def unif() -> float:
        return float(bits.random_raw()) * 2.3283064365386963e-10

    out = []
    for mean in means:
        u = int(big * unif()) + unif()
        out.append(mean + float(stats.norm.ppf(u / big)))
    return np.array(out)


def column(printed: str) -> list[str]:
    return printed.split()


# ?p.adjust: set.seed(123); x <- rnorm(50, mean = c(rep(0, 25), rep(3, 25)));
# p <- 2*pnorm(sort(-abs(x))); noquote(apply(p.adj, 2, format.pval, digits = 3)), as printed in
# R's tests/Examples/stats-Ex.Rout.save (columns holm, bonferroni, BH, none).
HOLM = (
    column("""1.18e-05 0.00103 0.00124 0.00461 0.00484 0.00559 0.00583 0.00674 0.00947 0.01556 0.02446
0.06294 0.12549 0.13092 0.18853 0.23912 0.24001 0.29057 0.30083 0.35024 0.63451""")
    + ["1.00000"] * 29
)
BONFERRONI = (
    column("""1.18e-05 0.00105 0.00129 0.00491 0.00526 0.00621 0.00663 0.00784 0.01127 0.01898 0.03057
0.08070 0.16512 0.17692 0.26185 0.34160 0.35296 0.44026 0.47005 0.56490""")
    + ["1.00000"] * 30
)
BH = column("""1.18e-05 0.000429 0.000429 0.000947 0.000947 0.000947 0.000947 0.000980 0.001253 0.001898 0.002780
0.006725 0.012637 0.012637 0.017457 0.020762 0.020762 0.024459 0.024740 0.028245 0.050358 0.111880 0.130463
0.130463 0.147903 0.159252 0.159877 0.212617 0.325999 0.343082 0.356325 0.446250 0.461954 0.683577 0.683577
0.683577 0.718845 0.741435 0.741435 0.762606 0.762606 0.762606 0.762606 0.782487 0.798874 0.880265 0.880265
0.930478 0.930478 0.943789""")
NONE = column("""2.35e-07 2.10e-05 2.58e-05 9.81e-05 0.000105 0.000124 0.000133 0.000157 0.000225 0.000380 0.000611
0.001614 0.003302 0.003538 0.005237 0.006832 0.007059 0.008805 0.009401 0.011298 0.021150 0.049227 0.060533
0.062622 0.073952 0.082811 0.086333 0.119065 0.189080 0.205849 0.220921 0.285600 0.304889 0.466068 0.483081
0.492175 0.531945 0.575155 0.578319 0.618589 0.636362 0.644859 0.655841 0.688588 0.718986 0.817954 0.827449
0.897130 0.911868 0.943789""")


def half_unit(printed: str) -> float:
    """Half a unit in the last printed digit of ``printed``."""
    mantissa, _, exponent = printed.partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals)


@pytest.fixture(scope="module")
def r_example_pvalues() -> np.ndarray:
    x = r_rnorm(123, [0.0] * 25 + [3.0] * 25)
    return 2 * stats.norm.cdf(np.sort(-np.abs(x)))


def test_the_reproduced_r_data_are_r_s(r_example_pvalues):
    assert len(NONE) == 50
    for value, printed in zip(r_example_pvalues, NONE, strict=True):
        assert abs(value - float(printed)) <= half_unit(printed)


@pytest.mark.parametrize(("method", "column"), [("holm", HOLM), ("bonferroni", BONFERRONI), ("bh", BH)])
def test_r_documentation_example(r_example_pvalues, method, column):
    adjusted = adjust_pvalues(list(r_example_pvalues), method=method)
    for value, printed in zip(adjusted, column, strict=True):
        assert abs(value - float(printed)) <= half_unit(printed), (method, value, printed)


def test_small_vectors_by_the_definition():
    p = [0.01, 0.04, 0.03, 0.02]
    assert adjust_pvalues(p) == pytest.approx([0.04, 0.06, 0.06, 0.06])
    assert adjust_pvalues(p, method="bh") == pytest.approx([0.04, 0.04, 0.04, 0.04])
    assert adjust_pvalues(p, method="bonferroni") == pytest.approx([0.04, 0.16, 0.12, 0.08])
    assert adjust_pvalues([0.5, 0.6], method="holm") == [1.0, 1.0]


def test_holm_is_not_holm_sidak():
    # Holm-Sidak would give 1 - (1 - 0.01)^4 = 0.0394 for the smallest p; Holm gives 0.04
    assert adjust_pvalues([0.01, 0.5, 0.6, 0.7])[0] == pytest.approx(0.04)


def test_order_is_kept_and_edge_cases():
    assert adjust_pvalues([]) == []
    assert adjust_pvalues([0.03]) == [0.03]
    assert adjust_pvalues([0.2, 0.01, 0.2], method="holm") == pytest.approx([0.4, 0.03, 0.4])
    assert adjust_pvalues([0.01, 0.02], method="FDR") == pytest.approx([0.02, 0.02])


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        adjust_pvalues([0.1, 0.2], method="hommel")
    with pytest.raises(ValueError):
        adjust_pvalues([0.1, 1.2])
    with pytest.raises(ValueError):
        adjust_pvalues([0.1, float("nan")])
