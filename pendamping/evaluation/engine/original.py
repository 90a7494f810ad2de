"""The original-style table: the analysis exactly as the study reported it.

Per aspect, Pearson's chi-square test of independence (no continuity correction, as SPSS's
"Pearson Chi-Square" line) on the aspect's pooled answer counts — every answer to every item of
the aspect counted as one observation, answer categories as columns — for three comparisons:
the treatment arm's pre-test vs post-test, the control arm's, and treatment vs control at the
post-test. Like SPSS Crosstabs, a category nobody chose in the compared rows is not a column.
The columns printed: χ² hitung (the statistic), df, χ² tabel (the critical value at alpha),
Asymp. Sig. (the p-value), the decision, and SPSS's footnote on expected counts below 5.

This table is kept because people compare against the published study; the design-correct table
(:mod:`design`) is the one to trust, and :mod:`explain` says why they can differ.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from pendamping.evaluation.engine.measures import Counts
from pendamping.evaluation.engine.model import AnalysisOptions, Aspect, Instrument
from pendamping.evaluation.engine.result import OriginalRow
from pendamping.evaluation.engine.text import fmt, t
from pendamping.stats import NotTestable, chi2_critical, chi2_independence

__all__ = ["COMPARISONS", "original_table"]

COMPARISONS = ("treatment_pre_post", "control_pre_post", "arms_post")


def _rows_for(
    comparison: str, pooled: NDArray[np.int64], waves: list[int], lang: str
) -> tuple[list[str], NDArray[np.int64]]:
    """The two rows of counts compared, and their labels; a missing wave gives a row of zeros."""

    def at(arm: int, wave: int) -> NDArray[np.int64]:
        return pooled[arm, wave] if wave >= 0 else np.zeros(pooled.shape[-1], dtype=np.int64)

    pre, post = waves
    if comparison == "arms_post":
        return [t("treatment", lang), t("control", lang)], np.vstack([at(0, post), at(1, post)])
    arm = 0 if comparison == "treatment_pre_post" else 1
    return ["pre-test", "post-test"], np.vstack([at(arm, pre), at(arm, post)])


def footnote(cells: int, size: int, minimum: float, lang: str) -> str:
    """SPSS's footnote under a chi-square table."""
    return t("footnote", lang, cells=cells, percent=fmt(100.0 * cells / size, lang, 1), minimum=fmt(minimum, lang, 2))


def _row(
    aspect: Aspect, comparison: str, table: NDArray[np.int64], labels: list[str], codes: list[str], lang: str
) -> dict[str, Any]:
    used = table.sum(axis=0) > 0  # SPSS shows only the categories that occur
    return {
        "aspect": aspect.code,
        "aspect_title": aspect.title,
        "comparison": comparison,
        "label": t(comparison, lang),
        "row_labels": labels,
        "columns": [c for c, u in zip(codes, used, strict=True) if u],
        "counts": table[:, used].tolist(),
        "n": int(table.sum()),
    }


def _one(
    aspect: Aspect,
    comparison: str,
    table: NDArray[np.int64],
    labels: list[str],
    codes: list[str],
    opts: AnalysisOptions,
) -> OriginalRow:
    lang = opts.lang
    base = _row(aspect, comparison, table, labels, codes, lang)
    try:
        res = chi2_independence(np.asarray(base["counts"], dtype=np.int64))
    except NotTestable as exc:
        text = t("not_testable", lang, reason=str(exc))
        return OriginalRow(**base, chi2=None, df=None, chi2_table=None, pvalue=None, decision=None,
                           decision_text=text, footnote="", not_testable=str(exc))  # fmt: skip
    assert res.df is not None and res.statistic is not None
    decision = "reject" if res.pvalue < opts.alpha else "not_reject"
    expected = np.asarray(res.estimate["expected"])
    note = footnote(int(res.estimate["cells_expected_below_5"]), expected.size, float(expected.min()), lang)
    return OriginalRow(
        **base,
        chi2=res.statistic,
        df=res.df,
        chi2_table=chi2_critical(res.df, opts.alpha),
        pvalue=res.pvalue,
        decision=decision,
        decision_text=t(decision, lang),
        footnote=note,
        warnings=list(res.warnings),
    )


def original_table(instrument: Instrument, counts: Counts, opts: AnalysisOptions) -> list[OriginalRow]:
    """Three chi-square tests per aspect, in instrument order."""
    waves = [counts.waves.index(w) if w in counts.waves else -1 for w in opts.waves]
    rows = []
    for a, aspect in enumerate(instrument.aspects):
        for comparison in COMPARISONS:
            labels, table = _rows_for(comparison, counts.pooled[a], waves, opts.lang)
            rows.append(_one(aspect, comparison, table, labels, counts.categories[a], opts))
    return rows
