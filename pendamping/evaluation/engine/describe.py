"""Descriptive tables (answer distribution per aspect, arm and wave) and the data behind the charts.

Charts get summaries, not raw answers: favourable shares per aspect, arm and wave, and the
distribution of change scores as (value, count) pairs with quartiles — a few hundred numbers
whether the study has 40 respondents or 20,000.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from pendamping.evaluation.engine.frame import ARMS
from pendamping.evaluation.engine.measures import Counts, Measures
from pendamping.evaluation.engine.model import Instrument
from pendamping.evaluation.engine.result import DescriptiveRow

__all__ = ["chart_data", "descriptive_rows"]


def _labels(instrument: Instrument) -> list[dict[str, str]]:
    """Per aspect, category code -> label (the first item that offers the code names it)."""
    out = []
    for aspect in instrument.aspects:
        labels: dict[str, str] = {}
        for item in aspect.items:
            for opt in item.options:
                labels.setdefault(opt.code, opt.label)
        out.append(labels)
    return out


def _block(aspect: str, item: str, counts: NDArray[np.int64], codes: list[str], labels: dict[str, str],
           waves: list[str]) -> list[DescriptiveRow]:  # fmt: skip
    """Rows for one [arm, wave, category] count array; waves nobody answered are skipped."""
    rows = []
    for a, arm in enumerate(ARMS):
        for w, wave in enumerate(waves):
            total = int(counts[a, w].sum())
            if total == 0:
                continue
            for c, code in enumerate(codes):
                n = int(counts[a, w, c])
                rows.append(DescriptiveRow(aspect, item, arm, wave, code, labels.get(code, code), n, total,
                                           100.0 * n / total))  # fmt: skip
    return rows


def descriptive_rows(instrument: Instrument, counts: Counts) -> list[DescriptiveRow]:
    """Per aspect (pooled over its items, ``item`` = "") and per item: n and % of each answer."""
    rows: list[DescriptiveRow] = []
    labels = _labels(instrument)
    position = 0
    for a, aspect in enumerate(instrument.aspects):
        rows += _block(aspect.code, "", counts.pooled[a], counts.categories[a], labels[a], counts.waves)
        for item in aspect.items:
            codes = [opt.code for opt in item.options]
            item_counts = counts.item[position][:, :, : len(codes)]
            rows += _block(aspect.code, item.code, item_counts, codes, labels[a], counts.waves)
            position += 1
    return rows


def _distribution(values: NDArray[np.float64]) -> dict[str, Any]:
    if values.size == 0:
        return {"n": 0, "values": [], "counts": []}
    distinct, freq = np.unique(np.round(values, 6), return_counts=True)
    q1, median, q3 = (float(v) for v in np.quantile(values, [0.25, 0.5, 0.75]))
    return {
        "n": int(values.size), "mean": float(values.mean()), "min": float(values.min()), "q1": q1,
        "median": median, "q3": q3, "max": float(values.max()),
        "values": distinct.tolist(), "counts": freq.tolist(),
    }  # fmt: skip


def chart_data(instrument: Instrument, counts: Counts, meas: Measures, waves: tuple[str, str]) -> dict[str, Any]:
    """Favourable answer shares per aspect/arm/wave, and change-score distributions per aspect/arm."""
    favourable = []
    change = []
    for a, aspect in enumerate(instrument.aspects):
        for arm_index, arm in enumerate(ARMS):
            for wave in waves:
                w = counts.waves.index(wave) if wave in counts.waves else -1
                fav = int(counts.favourable[a, arm_index, w]) if w >= 0 else 0
                total = int(counts.total[a, arm_index, w]) if w >= 0 else 0
                favourable.append({"aspect": aspect.code, "arm": arm, "wave": wave, "favourable": fav,
                                   "total": total, "share": fav / total if total else None})  # fmt: skip
            score = meas.score[meas.arm == arm_index, a]
            both = ~np.isnan(score).any(axis=1)
            dist = _distribution(score[both, 1] - score[both, 0])
            change.append({"aspect": aspect.code, "arm": arm, **dist})
    return {"favourable": favourable, "change": change}
