"""Counts and per-respondent measures, computed with ``np.bincount`` over the encoded answers.

- :class:`Counts`: answers per item, arm, wave and option; pooled per aspect over the aspect's
  answer categories (the union of its items' option codes, in instrument order) — the table the
  original study fed to its chi-square tests; favourable answers per aspect, arm and wave.
- :class:`Measures`: for each respondent, aspect and compared wave (pre, post):
  the **favourable share** (favourable answers / answers given to the aspect's items), the
  **aspect score** on a 0-100 scale — the mean over the aspect's answered items of the option's
  points: (score - lowest score) / (highest - lowest) x 100 for scored items (Likert), 100 for a
  favourable and 0 for an unfavourable option of an unscored item (a "percent of maximum"
  score, so yes/no and Likert items of one aspect count alike; for an aspect of unscored items it
  is the favourable share x 100) — and, for an aspect made of one categorical item, the option
  chosen. Items a respondent skipped are left out of their share and score, not counted as
  unfavourable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pendamping.evaluation.engine.frame import ARMS, Frame, ItemTables
from pendamping.evaluation.engine.model import Instrument

__all__ = ["Counts", "Measures", "aspect_categories", "count", "measure", "single_categorical"]

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]


def aspect_categories(instrument: Instrument) -> list[list[str]]:
    """Per aspect, the union of its items' option codes in instrument order."""
    out = []
    for aspect in instrument.aspects:
        codes: list[str] = []
        for item in aspect.items:
            codes += [opt.code for opt in item.options if opt.code not in codes]
        out.append(codes)
    return out


def single_categorical(instrument: Instrument) -> dict[int, int]:
    """Aspect index -> global item index, for aspects made of one categorical item with > 2 options."""
    out = {}
    position = 0
    for a, aspect in enumerate(instrument.aspects):
        if len(aspect.items) == 1 and aspect.items[0].kind == "categorical" and len(aspect.items[0].options) > 2:
            out[a] = position
        position += len(aspect.items)
    return out


@dataclass(frozen=True)
class Counts:
    """Answer counts: ``item[i, arm, wave, option]``, ``pooled[a][arm, wave, category]``.

    ``favourable`` and ``total`` are indexed [aspect, arm, wave].
    """

    waves: list[str]
    categories: list[list[str]]
    item: Ints
    pooled: list[Ints]
    favourable: Ints
    total: Ints


def count(instrument: Instrument, frame: Frame, tables: ItemTables) -> Counts:
    """Every count the original-style and descriptive tables need, from one bincount."""
    n_items, width = tables.favourable.shape
    n_waves, n_arms = max(len(frame.waves), 1), len(ARMS)
    keys = ((frame.item * n_arms + frame.arm) * n_waves + frame.wave) * width + frame.opt
    size = n_items * n_arms * n_waves * width
    item = np.bincount(keys, minlength=size).reshape(n_items, n_arms, n_waves, width).astype(np.int64)
    categories = aspect_categories(instrument)
    pooled = [np.zeros((n_arms, n_waves, len(cats)), dtype=np.int64) for cats in categories]
    for i, it in enumerate(tables.items):
        a = int(tables.aspect[i])
        for j, opt in enumerate(it.options):
            pooled[a][:, :, categories[a].index(opt.code)] += item[i, :, :, j]
    n_aspects = len(instrument.aspects)
    fav_item = (item * tables.favourable[:, None, None, :]).sum(axis=3)
    favourable = np.zeros((n_aspects, n_arms, n_waves), dtype=np.int64)
    total = np.zeros((n_aspects, n_arms, n_waves), dtype=np.int64)
    np.add.at(favourable, tables.aspect, fav_item)
    np.add.at(total, tables.aspect, item.sum(axis=3))
    return Counts(list(frame.waves), categories, item, pooled, favourable, total)


@dataclass(frozen=True)
class Measures:
    """Per respondent r, aspect a and compared wave w (0 = pre, 1 = post); NaN or -1 when missing."""

    arm: Ints  # [r]: 0 treatment, 1 control
    share: Floats  # [r, a, w]
    score: Floats  # [r, a, w]
    category: dict[int, Ints]  # aspect -> [r, w] option index of its single categorical item
    graded: NDArray[np.bool_]  # [a]: the score takes more than two values (several items, or one with > 2 options)


def _per_respondent(keys: Ints, weights: Floats | None, size: int) -> Floats:
    return np.bincount(keys, weights=weights, minlength=size).astype(float)


def measure(instrument: Instrument, frame: Frame, tables: ItemTables, waves: tuple[str, str]) -> Measures:
    """Favourable shares, aspect scores and categories per respondent, aspect and compared wave."""
    n_resp, n_aspects = len(frame.respondents), len(instrument.aspects)
    arm = np.full(n_resp, -1, dtype=np.int64)
    arm[frame.resp] = frame.arm
    wave2 = np.full(max(len(frame.waves), 1), -1, dtype=np.int64)
    for w, name in enumerate(waves):
        if name in frame.waves:
            wave2[frame.waves.index(name)] = w
    w2 = wave2[frame.wave] if len(frame) else frame.wave
    sel = w2 >= 0
    aspect = tables.aspect[frame.item[sel]]
    keys = (frame.resp[sel] * n_aspects + aspect) * 2 + w2[sel]
    size = n_resp * n_aspects * 2
    item, opt = frame.item[sel], frame.opt[sel]
    answered = _per_respondent(keys, None, size)
    fav = _per_respondent(keys, tables.favourable[item, opt].astype(float), size)
    points = _per_respondent(keys, tables.points[item, opt], size)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(answered > 0, fav / answered, np.nan).reshape(n_resp, n_aspects, 2)
        score = np.where(answered > 0, points / answered, np.nan).reshape(n_resp, n_aspects, 2)
    sizes = [(len(aspect.items), len(aspect.items[0].options) if aspect.items else 0) for aspect in instrument.aspects]
    graded = np.asarray([n_items > 1 or n_opts > 2 for n_items, n_opts in sizes], dtype=bool)
    category = {}
    for a, i in single_categorical(instrument).items():
        chosen = np.full((n_resp, 2), -1, dtype=np.int64)
        rows = item == i
        chosen[frame.resp[sel][rows], w2[sel][rows]] = opt[rows]
        category[a] = chosen
    return Measures(arm, share, score, category, graded)
