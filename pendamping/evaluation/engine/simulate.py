"""A simulated quasi-experiment shaped like the original study, deterministic for a given seed.

Model (an ordered-logit latent trait, documented so the demo can be reproduced and explained):

- each respondent has a trait θ ~ Normal(baseline, 1), the same in both arms (so the arms are
  balanced at the pre-test), plus independent noise ~ Normal(0, ``noise``) in each wave;
- at the post-test the treatment arm's trait shifts by ``effect`` and the control arm's by
  ``control_effect`` (default 0: the control arm does not change); ``effect`` may be one number
  or a mapping aspect code -> shift;
- each item has a difficulty δ ~ Normal(0, 0.5); its options are put in order from worst to best
  (by score when the item is scored, else unfavourable options before favourable ones), and
  the answer is the option k with P(answer ≥ k) = logistic(θ − δ − τ_k), thresholds τ evenly
  spaced over [−1.5, 1.5];
- ``missing`` is the chance that a respondent skips a whole wave after the first (0 by default).

All random numbers come from ``numpy.random.default_rng(seed)`` in a fixed order, so the same
arguments give the same answers on every machine. Respondents are named T01…T20 (treatment) and
K01…K20 (control, "kontrol"), with more digits for bigger arms; the answers come
respondent by respondent (treatment first), pre before post, items in instrument order.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from pendamping.evaluation.engine.model import Answer, Instrument, Item

__all__ = ["simulate_study"]


def _ordered_options(item: Item) -> list[str]:
    """Option codes from worst to best."""
    if item.scored:
        return [opt.code for opt in sorted(item.options, key=lambda o: float(o.score or 0.0))]
    return [opt.code for opt in item.options if not opt.favourable] + [
        opt.code for opt in item.options if opt.favourable
    ]


def _answer_index(rng: np.random.Generator, latent: NDArray[np.float64], n_options: int) -> NDArray[np.int64]:
    """Ordered-logit draw: index 0 (worst) .. n_options - 1 (best)."""
    thresholds = np.linspace(-1.5, 1.5, n_options - 1) if n_options > 2 else np.zeros(1)
    at_least = 1.0 / (1.0 + np.exp(-(latent[:, None] - thresholds[None, :])))
    u = rng.random(latent.size)
    return (u[:, None] < at_least).sum(axis=1).astype(np.int64)


def _draw_wave(
    rng: np.random.Generator,
    instrument: Instrument,
    trait: NDArray[np.float64],
    noise: float,
    shifts: tuple[float | Mapping[str, float], float] | None,
    is_treatment: NDArray[np.bool_],
    difficulty: NDArray[np.float64],
) -> list[list[str]]:
    """One wave's answers, [item][respondent] -> option code; ``shifts`` (treatment, control) at post."""
    state = trait + rng.normal(0.0, noise, trait.size)
    per_item: list[list[str]] = []
    for aspect in instrument.aspects:
        latent = state
        if shifts is not None:
            effect, control_effect = shifts
            shift = effect.get(aspect.code, 0.0) if isinstance(effect, Mapping) else effect
            latent = state + np.where(is_treatment, shift, control_effect)
        for item in aspect.items:
            order = _ordered_options(item)
            drawn = _answer_index(rng, latent - difficulty[len(per_item)], len(order))
            per_item.append([order[k] for k in drawn.tolist()])
    return per_item


def simulate_study(
    instrument: Instrument,
    n_per_arm: int = 20,
    seed: int = 2019,
    effect: float | Mapping[str, float] = 2.0,
    *,
    control_effect: float = 0.0,
    baseline: float = -0.3,
    noise: float = 0.5,
    waves: tuple[str, str] = ("pre", "post"),
    missing: float = 0.0,
) -> list[Answer]:
    """Answers of ``n_per_arm`` treatment and ``n_per_arm`` control respondents in both waves."""
    if n_per_arm < 1:
        raise ValueError("n_per_arm must be at least 1")
    rng = np.random.default_rng(seed)
    width = max(2, len(str(n_per_arm)))
    names = [f"T{i:0{width}d}" for i in range(1, n_per_arm + 1)] + [f"K{i:0{width}d}" for i in range(1, n_per_arm + 1)]
    arms = ["treatment"] * n_per_arm + ["control"] * n_per_arm
    is_treatment = np.arange(2 * n_per_arm) < n_per_arm
    trait = rng.normal(baseline, 1.0, 2 * n_per_arm)
    present = np.ones((2, 2 * n_per_arm), dtype=bool)
    present[1] = rng.random(2 * n_per_arm) >= missing
    items = [item for aspect in instrument.aspects for item in aspect.items]
    difficulty = rng.normal(0.0, 0.5, len(items))  # per item, the same in both waves
    shifts = (effect, control_effect)
    chosen = [
        _draw_wave(rng, instrument, trait, noise, shifts if w == 1 else None, is_treatment, difficulty)
        for w in range(len(waves))
    ]
    return [
        Answer(names[r], arms[r], wave, item.code, chosen[w][i][r])
        for r in range(len(names))
        for w, wave in enumerate(waves)
        if present[w, r]
        for i, item in enumerate(items)
    ]
