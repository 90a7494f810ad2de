"""Input checks shared by the tests: count tables and numeric samples.

Malformed input (negative or fractional counts, ragged rows, text) is a programming error and
raises ``ValueError``. Data that are well formed but carry no information (an empty table, an
answer category nobody chose, a single category) raise :class:`NotTestable` with a sentence an
office user can read, so that no p-value is ever shown for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pendamping.stats.result import NotTestable

__all__ = [
    "IntTable",
    "as_count_table",
    "as_sample",
    "independence_table",
    "paired_differences",
    "paired_square_table",
]

IntTable = NDArray[np.int64]


def as_count_table(table: Any, *, what: str = "table") -> IntTable:
    """Return ``table`` as a 2-D array of non-negative integers, or raise ``ValueError``."""
    try:
        arr = np.asarray(table, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the {what} must contain numbers only") from exc
    if arr.ndim != 2:
        raise ValueError(f"the {what} must be two-dimensional (rows x columns), got {arr.ndim} dimension(s)")
    if arr.size == 0:
        raise NotTestable(f"no data: the {what} has no cells; not testable")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"the {what} contains missing or infinite counts")
    if np.any(arr < 0):
        raise ValueError(f"the {what} contains negative counts")
    if np.any(arr != np.round(arr)):
        raise ValueError(f"the {what} contains counts that are not whole numbers")
    return arr.astype(np.int64)


def _empty_lines(sums: NDArray[np.int64]) -> list[int]:
    return [int(i) + 1 for i in np.flatnonzero(sums == 0)]


def independence_table(table: Any) -> IntTable:
    """Check a table for a test of independence (rows = groups, columns = answers).

    Raises :class:`NotTestable` for an all-zero table, a single row or answer category, or an
    empty row or column: such a table has no variation to test.
    """
    arr = as_count_table(table)
    if arr.sum() == 0:
        raise NotTestable("no data: every count in the table is zero; not testable")
    rows, cols = arr.shape
    if rows < 2 or cols < 2:
        what = "group" if rows < 2 else "answer category"
        raise NotTestable(f"no variation: the table has a single {what}; not testable")
    empty_rows = _empty_lines(arr.sum(axis=1))
    empty_cols = _empty_lines(arr.sum(axis=0))
    if empty_rows or empty_cols:
        parts = []
        if empty_rows:
            parts.append(f"row(s) {', '.join(map(str, empty_rows))} have no answers")
        if empty_cols:
            parts.append(f"answer column(s) {', '.join(map(str, empty_cols))} were never chosen")
        raise NotTestable(
            "no variation: " + " and ".join(parts) + "; not testable (remove the empty rows or columns first)"
        )
    return arr


def paired_square_table(table: Any) -> IntTable:
    """Check a k x k table of paired answers (rows = first answer, columns = second answer).

    Raises ``ValueError`` if the table is not square and :class:`NotTestable` if it is empty or
    if only one answer category was ever used (then nobody could have changed).
    """
    arr = as_count_table(table, what="paired table")
    if arr.shape[0] != arr.shape[1]:
        raise ValueError(f"a paired table must be square (same categories before and after), got {arr.shape}")
    if arr.sum() == 0:
        raise NotTestable("no data: every count in the paired table is zero; not testable")
    used = (arr.sum(axis=0) + arr.sum(axis=1)) > 0
    if arr.shape[0] < 2 or int(used.sum()) < 2:
        raise NotTestable("no variation: only one answer category was used, before and after; not testable")
    return arr


def as_sample(values: Sequence[float | None] | NDArray[Any], *, what: str) -> NDArray[np.float64]:
    """Return ``values`` as a 1-D float array; missing values (``None``/NaN) become NaN."""
    try:
        arr = np.asarray([np.nan if v is None else v for v in values], dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must contain numbers only") from exc
    if arr.ndim != 1:
        raise ValueError(f"{what} must be a flat list of numbers")
    if np.any(np.isinf(arr)):
        raise ValueError(f"{what} contains infinite values")
    return arr


def paired_differences(before: Any, after: Any) -> tuple[NDArray[np.float64], tuple[str, ...]]:
    """before - after for the complete pairs, and a warning if incomplete pairs were dropped."""
    x = as_sample(before, what="before")
    y = as_sample(after, what="after")
    if len(x) != len(y):
        raise ValueError(f"before and after must have the same length ({len(x)} vs {len(y)})")
    complete = ~(np.isnan(x) | np.isnan(y))
    dropped = int((~complete).sum())
    warnings = (f"{dropped} incomplete pair(s) were left out.",) if dropped else ()
    return x[complete] - y[complete], warnings
