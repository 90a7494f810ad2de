"""Benchmark of the exact Fisher–Freeman–Halton test in ``pendamping.stats`` (prints figures).

Targets (issue 3, "Performance"): a 2 x 5 table (arm x answer) with 10,000 per arm in under
2 s, any r x c table with n <= 100 in under 5 s; beyond the documented network limits the test
falls back to a seeded Monte Carlo p-value, which the "kind" column shows.

Run: .venv/bin/python bench/stats_exact.py [--tables 60] [--seed 1]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import stats

from pendamping.stats import fisher_exact

ANSWERS = np.array([0.10, 0.20, 0.30, 0.25, 0.15])
SHIFTS = {
    "no difference": [0.0, 0.0, 0.0, 0.0, 0.0],
    "small shift": [-0.005, -0.01, 0.0, 0.01, 0.005],
    "moderate shift": [-0.01, -0.01, 0.0, 0.01, 0.01],
    "treatment effect": [-0.05, -0.05, 0.0, 0.05, 0.05],
}


def timed(table: np.ndarray) -> tuple[float, str, float]:
    start = time.perf_counter()
    result = fisher_exact(table)
    elapsed = time.perf_counter() - start
    kind = "Monte Carlo" if "Monte Carlo" in result.method else "exact"
    return elapsed, kind, result.pvalue


def two_by_five(rng: np.random.Generator) -> None:
    print("2 x 5 tables, 10,000 per arm (target < 2 s)")
    print(f"  {'association':<18} {'chi2 p':>10} {'FFH p':>12} {'kind':>12} {'seconds':>8}")
    for label, shift in SHIFTS.items():
        control = rng.multinomial(10_000, ANSWERS)
        treated = rng.multinomial(10_000, ANSWERS + np.asarray(shift))
        table = np.vstack([control, treated])
        elapsed, kind, pvalue = timed(table)
        asymptotic = stats.chi2_contingency(table, correction=False)[1]
        print(f"  {label:<18} {asymptotic:>10.3g} {pvalue:>12.4g} {kind:>12} {elapsed:>8.2f}")


def random_table(rng: np.random.Generator) -> np.ndarray:
    rows, cols = int(rng.integers(2, 8)), int(rng.integers(2, 10))
    shape = rng.integers(0, 3)
    if shape == 0:
        weights = np.ones(rows * cols)
    elif shape == 1:
        weights = rng.dirichlet(np.ones(rows * cols))
    else:
        weights = np.outer(rng.dirichlet(np.full(rows, 2.0)), rng.dirichlet(np.full(cols, 2.0))).ravel()
    n = int(rng.integers(10, 101))
    table = rng.multinomial(n, weights / weights.sum()).reshape(rows, cols)
    return table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]


def random_tables(rng: np.random.Generator, count: int) -> None:
    print(f"\n{count} random r x c tables with n <= 100 (target < 5 s each)")
    times: dict[str, list[float]] = {"exact": [], "Monte Carlo": []}
    slowest: tuple[float, tuple[int, ...], int, str] = (0.0, (), 0, "")
    done = 0
    while done < count:
        table = random_table(rng)
        if min(table.shape) < 2:
            continue
        elapsed, kind, _ = timed(table)
        times[kind].append(elapsed)
        if elapsed > slowest[0]:
            slowest = (elapsed, table.shape, int(table.sum()), kind)
        done += 1
    for kind, values in times.items():
        if values:
            print(f"  {kind:<12} {len(values):>4} tables, median {np.median(values):.3f} s, max {max(values):.3f} s")
    print(f"  slowest: {slowest[1][0]} x {slowest[1][1]}, n = {slowest[2]}, {slowest[3]}, {slowest[0]:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=60, help="number of random r x c tables")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    two_by_five(rng)
    random_tables(rng, args.tables)


if __name__ == "__main__":
    main()
