"""Adjusted p-values for a family of tests, exactly as R's ``p.adjust``.

Methods (R source ``src/library/stats/R/p.adjust.R``):

- "holm": Holm (1979) step-down, min(1, cummax((m - i + 1) p_(i))) — plain Holm, *not* the
  Holm–Šidák variant some libraries use by default;
- "bh": Benjamini & Hochberg (1995) false discovery rate, min(1, cummin(m / i p_(i))) from the
  largest p down (alias "fdr");
- "bonferroni": min(1, m p).

Ties keep R's order (a stable sort), so the result equals R's to the last bit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["adjust_pvalues"]

_ALIASES = {"holm": "holm", "bh": "bh", "fdr": "bh", "bonferroni": "bonferroni"}


def adjust_pvalues(pvalues: Sequence[float], *, method: str = "holm") -> list[float]:
    """Adjust ``pvalues`` for multiplicity with "holm" (default), "bh" or "bonferroni".

    Returns the adjusted p-values in the input order; the family size is len(pvalues).
    """
    key = _ALIASES.get(method.lower())
    if key is None:
        raise ValueError(f"method must be 'holm', 'bh' or 'bonferroni', got {method!r}")
    p = np.asarray(list(pvalues), dtype=float)
    if p.ndim != 1:
        raise ValueError("pvalues must be a flat list of numbers")
    if np.any(np.isnan(p)) or np.any((p < 0) | (p > 1)):
        raise ValueError("p-values must be numbers between 0 and 1")
    m = len(p)
    if m <= 1:
        return [float(v) for v in p]
    if key == "bonferroni":
        adjusted = np.minimum(1.0, m * p)
    elif key == "holm":
        order = np.argsort(p, kind="stable")
        steps = (m - np.arange(m)) * p[order]
        adjusted = np.empty(m)
        adjusted[order] = np.minimum(1.0, np.maximum.accumulate(steps))
    else:
        order = np.argsort(-p, kind="stable")  # R: order(p, decreasing = TRUE)
        rank = np.arange(m, 0, -1)
        steps = m / rank * p[order]
        adjusted = np.empty(m)
        adjusted[order] = np.minimum(1.0, np.minimum.accumulate(steps))
    return [float(v) for v in adjusted]
