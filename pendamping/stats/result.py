"""The result every test returns, and the exception for data that cannot be tested.

The shape follows R's ``htest`` objects (statistic, parameter, p.value, method), with the
degrees of freedom as an integer, the warnings a reader must see next to the p-value, and a
dictionary of estimates (odds ratios with their confidence intervals, counts, effect sizes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

__all__ = ["NotTestable", "TestResult"]

_ROUNDING = 1e-9


class NotTestable(ValueError):
    """The data carry no information for the test, so no p-value may be given.

    The message is written for an office user, e.g. "no variation: every answer is 'Ya';
    not testable". Callers show it in place of the p-value.
    """


@dataclass(frozen=True)
class TestResult:
    """Outcome of one statistical test.

    ``statistic`` and ``df`` are ``None`` for tests without them (exact tests); ``pvalue`` is
    always in [0, 1]; ``warnings`` are plain sentences about assumptions that failed or data
    that were set aside; ``estimate`` holds effect sizes, e.g. ``{"odds_ratio": 6.41,
    "ci": (0.21, 621.9)}``.
    """

    __test__ = False  # not a pytest test class, whatever its name says

    statistic: float | None
    df: int | None
    pvalue: float
    method: str
    warnings: tuple[str, ...] = ()
    estimate: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        pvalue = float(self.pvalue)
        if math.isnan(pvalue) or not (-_ROUNDING <= pvalue <= 1.0 + _ROUNDING):
            raise ValueError(f"p-value {self.pvalue!r} is outside [0, 1]")
        object.__setattr__(self, "pvalue", min(1.0, max(0.0, pvalue)))  # sums may overshoot by an ulp
        if self.df is not None and self.df < 0:
            raise ValueError(f"degrees of freedom {self.df!r} are negative")
        object.__setattr__(self, "warnings", tuple(self.warnings))
