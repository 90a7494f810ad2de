"""The design-correct table: tests that respect who answered what, and when.

Each respondent counts once per aspect (see :mod:`measures`), and each is compared with
themselves:

- **within an arm, pre vs post** (paired): McNemar's mid-p test on "favourable" (at least half
  of the aspect's answers favourable); Stuart–Maxwell's test of marginal homogeneity when the
  aspect is one categorical item with more than two options; Wilcoxon's signed-rank test on the
  aspect score when the score is graded (a mean option score, or a share over several items).
  Effect size: how many went up, stayed, went down ("8 naik / 12 tetap / 0 turun").
- **between arms at pre (baseline balance) and at post**: Fisher's exact test on favourable by
  arm (odds ratio with its exact CI, Cramér's V); Fisher–Freeman–Halton on the categories of a
  one-categorical-item aspect. Exact, so small counts are no problem.
- **did the treatment arm change more?** — difference in differences of the aspect score:
  change = post − pre per respondent; Mann–Whitney test of the treatment changes against the
  control changes; the DiD estimate mean change(T) − mean change(C) with a 95% Welch
  t-interval.

P-values are adjusted (Holm by default) within the declared family (:mod:`family`); the decision
is taken on the adjusted p-value. A test that cannot be run says why and has no p-value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats as sp

from pendamping.evaluation.engine.measures import Measures
from pendamping.evaluation.engine.model import AnalysisOptions, Aspect, Instrument
from pendamping.evaluation.engine.result import DesignRow
from pendamping.evaluation.engine.text import t
from pendamping.stats import (
    NotTestable,
    TestResult,
    cramers_v,
    fisher_exact,
    mann_whitney,
    mcnemar,
    stuart_maxwell,
    wilcoxon_signed_rank,
)

__all__ = ["design_table", "direction", "welch_interval"]

Floats = NDArray[np.float64]
_EPS = 1e-9


def direction(before: Floats, after: Floats) -> dict[str, int]:
    """How many went up, stayed the same, went down from ``before`` to ``after``."""
    diff = after - before
    return {
        "up": int((diff > _EPS).sum()),
        "same": int((np.abs(diff) <= _EPS).sum()),
        "down": int((diff < -_EPS).sum()),
    }


def welch_interval(x: Floats, y: Floats, level: float = 0.95) -> tuple[float, tuple[float, float] | None, list[str]]:
    """mean(x) − mean(y) with its Welch t-interval (None when either group has fewer than 2 values)."""
    estimate = float(x.mean() - y.mean())
    if x.size < 2 or y.size < 2:
        return estimate, None, ["fewer than two changes in an arm: no confidence interval"]
    vx, vy = float(x.var(ddof=1)) / x.size, float(y.var(ddof=1)) / y.size
    se = (vx + vy) ** 0.5
    if se == 0.0:
        return estimate, (estimate, estimate), ["every change in each arm is the same: the interval has zero width"]
    df = (vx + vy) ** 2 / (vx**2 / (x.size - 1) + vy**2 / (y.size - 1))
    half = float(sp.t.ppf(0.5 + level / 2.0, df)) * se
    return estimate, (estimate - half, estimate + half), []


class _Aspect:
    """The inputs of one aspect's tests, so each test is a short method."""

    def __init__(self, aspect: Aspect, index: int, meas: Measures, opts: AnalysisOptions) -> None:
        self.aspect, self.a, self.m, self.opts = aspect, index, meas, opts
        self.rows: list[DesignRow] = []

    def add(
        self, comparison: str, outcome: str, test: str, n: int, run: Callable[[], TestResult], **extra: Any
    ) -> None:
        lang = self.opts.lang
        base: dict[str, Any] = {
            "aspect": self.aspect.code, "aspect_title": self.aspect.title, "comparison": comparison,
            "label": t(comparison, lang), "outcome": outcome, "test": test, "n": n, "p_adjusted": None, "family": "",
        }  # fmt: skip
        try:
            res = run()
        except NotTestable as exc:
            text = t("not_testable", lang, reason=str(exc))
            self.rows.append(DesignRow(**base, method=test, statistic=None, df=None, pvalue=None,
                                       decision_text=text, not_testable=str(exc)))  # fmt: skip
            return
        effects = {**{k: v for k, v in res.estimate.items() if k != "expected"}, **extra}
        if "direction" in effects:
            effects["direction_text"] = t("direction", lang, **effects["direction"])
        warnings = [*res.warnings, *effects.pop("notes", [])]
        self.rows.append(DesignRow(**base, method=res.method, statistic=res.statistic, df=res.df,
                                   pvalue=res.pvalue, effect_sizes=effects, warnings=warnings))  # fmt: skip

    def pairs(self, arm: int, values: Floats) -> tuple[Floats, Floats, int]:
        """Complete pre/post pairs of one arm, and how many respondents had only one of the two."""
        mine = values[self.m.arm == arm, self.a]
        seen = ~np.isnan(mine)
        both = seen[:, 0] & seen[:, 1]
        return mine[both, 0], mine[both, 1], int((seen[:, 0] ^ seen[:, 1]).sum())

    def notes(self, missing: int) -> list[str]:
        return [t("missing_pairs", self.opts.lang, k=missing)] if missing else []

    def within(self, arm: int) -> None:
        comparison = ("within_treatment", "within_control")[arm]
        pre, post = self.pairs(arm, self.m.share)[:2]
        missing = self.pairs(arm, self.m.share)[2]
        fp, fq = pre >= 0.5 - _EPS, post >= 0.5 - _EPS
        table = [[int((~fp & ~fq).sum()), int((~fp & fq).sum())], [int((fp & ~fq).sum()), int((fp & fq).sum())]]
        moves = {"up": table[0][1], "same": table[0][0] + table[1][1], "down": table[1][0]}
        shares = {"favourable_pre": _share(fp), "favourable_post": _share(fq)}
        self.add(comparison, "favourable", "McNemar (mid-p)", int(pre.size), lambda: _paired(mcnemar, table, "midp"),
                 direction=moves, notes=self.notes(missing), table=table, **shares)  # fmt: skip
        if self.a in self.m.category:
            self.categories_within(arm, comparison)
        if self.graded():
            before, after, gone = self.pairs(arm, self.m.score)
            self.add(comparison, "score", "Wilcoxon signed-rank", int(before.size),
                     lambda: _require(before.size, wilcoxon_signed_rank, before.tolist(), after.tolist()),
                     direction=direction(before, after), notes=self.notes(gone),
                     mean_pre=_mean(before), mean_post=_mean(after), median_change=_median(after - before))  # fmt: skip

    def graded(self) -> bool:
        """The aspect score takes more than two values (else McNemar already says it all)."""
        return bool(self.m.graded[self.a])

    def categories_within(self, arm: int, comparison: str) -> None:
        chosen = self.m.category[self.a][self.m.arm == arm]
        both = (chosen >= 0).all(axis=1)
        k = len(self.aspect.items[0].options)
        table = np.bincount(chosen[both, 0] * k + chosen[both, 1], minlength=k * k).reshape(k, k)
        changed = int(both.sum() - np.trace(table))
        self.add(comparison, "categories", "Stuart-Maxwell", int(both.sum()), lambda: _paired(stuart_maxwell, table),
                 changed=changed, unchanged=int(np.trace(table)))  # fmt: skip

    def between(self, wave: int) -> None:
        comparison = ("between_pre", "between_post")[wave]
        share = self.m.share[:, self.a, wave]
        fav = [share[(self.m.arm == arm) & ~np.isnan(share)] >= 0.5 - _EPS for arm in (0, 1)]
        table = [[int(f.sum()), int((~f).sum())] for f in fav]
        extra = {"favourable_treatment": _share(fav[0]), "favourable_control": _share(fav[1]), "table": table}
        self.add(comparison, "favourable", "Fisher exact", sum(map(sum, table)), lambda: _between(table), **extra)
        if self.a in self.m.category:
            chosen = self.m.category[self.a][:, wave]
            k = len(self.aspect.items[0].options)
            rows = [np.bincount(chosen[(self.m.arm == arm) & (chosen >= 0)], minlength=k) for arm in (0, 1)]
            cats = np.vstack(rows)
            cats = cats[:, cats.sum(axis=0) > 0]
            self.add(comparison, "categories", "Fisher-Freeman-Halton", int(cats.sum()), lambda: _between(cats))

    def did(self) -> None:
        changes, moves, missing = [], {}, 0
        for arm, name in ((0, "treatment"), (1, "control")):
            before, after, gone = self.pairs(arm, self.m.score)
            changes.append(after - before)
            moves[f"direction_{name}"] = direction(before, after)
            missing += gone
        est, ci, notes = welch_interval(changes[0], changes[1]) if all(c.size for c in changes) else (None, None, [])
        extra = {
            "did_estimate": est, "ci": ci, "ci_method": t("welch", self.opts.lang),
            "mean_change_treatment": _mean(changes[0]), "mean_change_control": _mean(changes[1]),
            "n_treatment": int(changes[0].size), "n_control": int(changes[1].size), **moves,
        }  # fmt: skip
        for key in ("direction_treatment", "direction_control"):
            extra[key + "_text"] = t("direction", self.opts.lang, **moves[key])
        n = int(changes[0].size + changes[1].size)
        self.add("did", "change", "Mann-Whitney (change scores)", n,
                 lambda: _require(min(c.size for c in changes), mann_whitney, changes[0].tolist(), changes[1].tolist()),
                 notes=notes + self.notes(missing), **extra)  # fmt: skip


def _share(flags: NDArray[np.bool_]) -> float | None:
    return float(flags.mean()) if flags.size else None


def _mean(values: Floats) -> float | None:
    return float(values.mean()) if values.size else None


def _median(values: Floats) -> float | None:
    return float(np.median(values)) if values.size else None


def _require(n: int, test: Callable[..., TestResult], *args: Any) -> TestResult:
    if n == 0:
        raise NotTestable("no respondent has answers in both waves; not testable")
    return test(*args)


def _paired(test: Callable[..., TestResult], table: Any, method: str | None = None) -> TestResult:
    if int(np.sum(table)) == 0:
        raise NotTestable("no respondent of this arm answered the aspect in both waves; not testable")
    return test(table, method=method) if method else test(table)


def _between(table: Any) -> TestResult:
    """Fisher's exact test with Cramér's V (and, for 2 x 2, the odds ratio and its CI)."""
    res = fisher_exact(table)
    estimate = dict(res.estimate)
    estimate["cramers_v"] = cramers_v(table)
    return TestResult(res.statistic, res.df, res.pvalue, res.method, res.warnings, estimate)


def design_table(instrument: Instrument, meas: Measures, opts: AnalysisOptions) -> list[DesignRow]:
    """Every design-correct test, aspect by aspect (p-values not yet adjusted: see :mod:`family`)."""
    rows: list[DesignRow] = []
    for a, aspect in enumerate(instrument.aspects):
        one = _Aspect(aspect, a, meas, opts)
        one.within(0)
        one.within(1)
        one.between(0)
        one.between(1)
        one.did()
        rows += one.rows
    return rows
