"""Power and sample size for the next study, and the power the current study had.

All tests are two-sided. Like R's ``power.t.test`` and ``power.prop.test`` with their default
``strict = FALSE``, power counts rejections in the direction of the effect only (the other tail
adds less than α/2, and nothing visible at the usual sizes). Sample sizes are the smallest whole
number whose power reaches the target, so ``power(n) >= target > power(n - 1)``; R prints the
real-valued root instead, which rounds up to the same n.

- McNemar (pairs): Connor (1987) *Biometrics* 43:207–211, the normal approximation to the test
  of H0: p01 = p10 given the two discordant proportions.
- Two independent proportions: R's ``power.prop.test`` (normal approximation, no continuity
  correction), i.e. Fleiss, Levin & Paik (2003, ch. 4) without the correction.
- Means: R's ``power.t.test`` (noncentral t) for paired and two-sample designs; the
  difference-in-differences on aspect scores is the two-sample t-test on change scores.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from scipy import stats

from pendamping.stats.result import NotTestable

__all__ = [
    "did_power",
    "did_sample_size",
    "mcnemar_power",
    "mcnemar_sample_size",
    "paired_t_power",
    "paired_t_sample_size",
    "two_proportions_power",
    "two_proportions_sample_size",
    "two_sample_t_power",
    "two_sample_t_sample_size",
]

_MAX_N = 10**12


def _check_level(name: str, value: float) -> None:
    if not 0.0 < value < 1.0:
        raise NotTestable(f"{name} must be between 0 and 1 (exclusive), got {value!r}")


def _check_n(n: float, minimum: int) -> None:
    if not n >= minimum or math.isinf(n):
        raise NotTestable(f"n must be a number of at least {minimum}, got {n!r}")


def _check_effect(delta: float, sd: float, sd_name: str = "sd") -> None:
    if not math.isfinite(delta):
        raise NotTestable(f"delta must be a number, got {delta!r}")
    if delta == 0:
        raise NotTestable("delta is 0: there is no difference to detect, so no sample is large enough")
    if not (sd > 0 and math.isfinite(sd)):
        raise NotTestable(f"{sd_name} must be a positive number, got {sd!r}")


def _discordant(p01: float, p10: float) -> tuple[float, float]:
    """ψ = p01 + p10 and δ = p10 − p01 of Connor (1987), checked."""
    _check_level("p01", p01)
    _check_level("p10", p10)
    if p01 + p10 > 1.0:
        raise NotTestable(f"the discordant proportions cannot add up to more than 1 (p01 + p10 = {p01 + p10:g})")
    if p01 == p10:
        raise NotTestable("p01 equals p10: no change is expected, so no number of pairs can detect one")
    return p01 + p10, p10 - p01


def _proportions(p1: float, p2: float, ratio: float) -> None:
    _check_level("p1", p1)
    _check_level("p2", p2)
    if p1 == p2:
        raise NotTestable("p1 equals p2: there is no difference to detect, so no sample is large enough")
    if not (ratio > 0 and math.isfinite(ratio)):
        raise NotTestable(f"ratio must be a positive number, got {ratio!r}")


def _smallest_n(power_at: Callable[[int], float], target: float, guess: float, minimum: int) -> int:
    """The smallest whole n >= ``minimum`` with ``power_at(n) >= target``; power rises with n.

    ``guess`` (a closed-form or normal approximation) only sets where the bracket starts; the
    answer comes from doubling and bisection on the exact power function.
    """
    if power_at(minimum) >= target:
        return minimum
    low, high = minimum, max(minimum + 1, math.ceil(guess) if math.isfinite(guess) else minimum + 1)
    while power_at(high) < target:
        if high > _MAX_N:
            raise NotTestable("the effect is too small: more than 10^12 respondents would be needed")
        low, high = high, 2 * high
    while high - low > 1:
        middle = (low + high) // 2
        if power_at(middle) >= target:
            high = middle
        else:
            low = middle
    return high


def mcnemar_power(*, n: float, p01: float, p10: float, alpha: float = 0.05) -> float:
    """Power of McNemar's test with ``n`` pairs (Connor 1987, p. 209).

    power = Φ((√n·|δ| − z₁₋α/₂·√ψ) / √(ψ − δ²)), where p01 and p10 are the expected shares of
    pairs that change one way (e.g. "no" before, "yes" after) and the other.
    """
    psi, delta = _discordant(p01, p10)
    _check_level("alpha", alpha)
    _check_n(n, 1)
    z = stats.norm.isf(alpha / 2.0)
    return float(stats.norm.cdf((math.sqrt(n) * abs(delta) - z * math.sqrt(psi)) / math.sqrt(psi - delta**2)))


def mcnemar_sample_size(*, p01: float, p10: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Pairs needed for McNemar's test (Connor 1987, p. 209).

    n = (z₁₋α/₂·√ψ + z₁₋β·√(ψ − δ²))² / δ², rounded up; ψ = p01 + p10, δ = p10 − p01. In a
    pre/post study the pairs are the respondents of one arm.
    """
    psi, delta = _discordant(p01, p10)
    _check_level("alpha", alpha)
    _check_level("power", power)
    z_alpha, z_beta = stats.norm.isf(alpha / 2.0), stats.norm.ppf(power)
    connor = (z_alpha * math.sqrt(psi) + z_beta * math.sqrt(psi - delta**2)) ** 2 / delta**2
    return _smallest_n(lambda n: mcnemar_power(n=n, p01=p01, p10=p10, alpha=alpha), power, connor, 1)


def two_proportions_power(*, n: float, p1: float, p2: float, alpha: float = 0.05, ratio: float = 1.0) -> float:
    """Power of the two-sided test of two independent proportions, ``n`` in arm 1, ``ratio·n`` in arm 2.

    power = Φ((|p1 − p2| − z₁₋α/₂·√(p̄q̄(1/n₁ + 1/n₂))) / √(p1q1/n₁ + p2q2/n₂)), with the pooled
    p̄ = (n₁p1 + n₂p2)/(n₁ + n₂). With ``ratio=1`` this is exactly R's ``power.prop.test``
    (``strict = FALSE``): no continuity correction.
    """
    _proportions(p1, p2, ratio)
    _check_level("alpha", alpha)
    _check_n(n, 1)
    n2 = ratio * n
    pooled = (p1 + ratio * p2) / (1.0 + ratio)
    null_se = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n + 1.0 / n2))
    alternative_se = math.sqrt(p1 * (1.0 - p1) / n + p2 * (1.0 - p2) / n2)
    z = stats.norm.isf(alpha / 2.0)
    return float(stats.norm.cdf((abs(p1 - p2) - z * null_se) / alternative_se))


def two_proportions_sample_size(
    *, p1: float, p2: float, alpha: float = 0.05, power: float = 0.8, ratio: float = 1.0
) -> int:
    """Respondents in arm 1 (expected proportion ``p1``) to detect ``p2`` in arm 2.

    Arm 2 needs ``ceil(ratio * n)``; with ``ratio=1`` (the default) n is per arm and is R's
    ``power.prop.test(p1 =, p2 =, power =)`` rounded up. Normal approximation without continuity
    correction, as R; a study analysed with Fisher's exact test needs a little more.
    """
    _proportions(p1, p2, ratio)
    _check_level("alpha", alpha)
    _check_level("power", power)
    z = stats.norm.isf(alpha / 2.0) + stats.norm.ppf(power)
    guess = z**2 * (p1 * (1.0 - p1) + p2 * (1.0 - p2) / ratio) / (p1 - p2) ** 2
    return _smallest_n(lambda n: two_proportions_power(n=n, p1=p1, p2=p2, alpha=alpha, ratio=ratio), power, guess, 1)


def _t_power(n: float, delta: float, sd: float, alpha: float, samples: int) -> float:
    """R's ``power.t.test`` body: P(T′ > t₁₋α/₂,ν) for T′ noncentral t with ν = (n − 1)·samples
    degrees of freedom and noncentrality √(n/samples)·|δ|/σ."""
    _check_effect(delta, sd)
    _check_level("alpha", alpha)
    _check_n(n, 2)
    nu = (n - 1.0) * samples
    critical = stats.t.isf(alpha / 2.0, nu)
    return float(stats.nct.sf(critical, nu, math.sqrt(n / samples) * abs(delta) / sd))


def _t_sample_size(delta: float, sd: float, alpha: float, power: float, samples: int) -> int:
    _check_effect(delta, sd)
    _check_level("alpha", alpha)
    _check_level("power", power)
    normal = samples * ((stats.norm.isf(alpha / 2.0) + stats.norm.ppf(power)) * sd / delta) ** 2
    return _smallest_n(lambda n: _t_power(n, delta, sd, alpha, samples), power, normal, 2)


def paired_t_power(*, n: float, delta: float, sd: float, alpha: float = 0.05) -> float:
    """Power of the paired t-test with ``n`` pairs; ``sd`` is the SD of the within-pair differences.

    R: ``power.t.test(n, delta, sd, sig.level = alpha, type = "paired")``.
    """
    return _t_power(n, delta, sd, alpha, 1)


def paired_t_sample_size(*, delta: float, sd: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Pairs needed for the paired t-test: R's ``power.t.test(delta, sd, power, type = "paired")`` rounded up."""
    return _t_sample_size(delta, sd, alpha, power, 1)


def two_sample_t_power(*, n: float, delta: float, sd: float, alpha: float = 0.05) -> float:
    """Power of the two-sample t-test (equal variances) with ``n`` per arm.

    R: ``power.t.test(n, delta, sd, sig.level = alpha)`` (type "two.sample").
    """
    return _t_power(n, delta, sd, alpha, 2)


def two_sample_t_sample_size(*, delta: float, sd: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Respondents per arm for the two-sample t-test: R's ``power.t.test(delta, sd, power)`` rounded up."""
    return _t_sample_size(delta, sd, alpha, power, 2)


def did_power(*, n: float, delta: float, sd_change: float, alpha: float = 0.05) -> float:
    """Power of the difference-in-differences on scores, ``n`` per arm.

    Each respondent's change (post − pre) is compared between arms by a two-sample t-test, so
    this is :func:`two_sample_t_power` with the SD of the change scores. ``delta`` is the
    expected difference between the arms' mean changes. When pre and post scores have SD σ and
    correlation ρ, ``sd_change`` = σ·√(2(1 − ρ)).
    """
    if not (sd_change > 0 and math.isfinite(sd_change)):
        raise NotTestable(f"sd_change must be a positive number, got {sd_change!r}")
    return _t_power(n, delta, sd_change, alpha, 2)


def did_sample_size(*, delta: float, sd_change: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Respondents per arm for the difference-in-differences on change scores (see :func:`did_power`)."""
    if not (sd_change > 0 and math.isfinite(sd_change)):
        raise NotTestable(f"sd_change must be a positive number, got {sd_change!r}")
    return _t_sample_size(delta, sd_change, alpha, power, 2)
