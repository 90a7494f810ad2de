"""Benchmark: the full evaluation of a large study, without a database.

A study of 10,000 respondents per arm, 40 items (8 aspects of 5 items: yes/no and 4-point Likert)
and two waves — 1.6 million answers — simulated with ``simulate_study`` (seed 2019). The script
times ``analyse`` (validation, both tables, descriptives, the inputs hash) and ``write_report``
(results.json, CSV, XLSX, the HTML report) separately and together. Issue 3 sets the target at
under 10 s for the analysis with all tables and the report.

    .venv/bin/python bench/evaluation_full.py [--per-arm 10000] [--items-per-aspect 5] [--aspects 8]
"""

from __future__ import annotations

import argparse
import tempfile
import time

from pendamping.evaluation.engine.analysis import analyse
from pendamping.evaluation.engine.model import Aspect, Instrument, Item, Option
from pendamping.evaluation.engine.report import write_report
from pendamping.evaluation.engine.simulate import simulate_study

YES_NO = (Option("ya", "Ya", True), Option("tidak", "Tidak", False))
LIKERT = tuple(
    Option(code, label, score >= 3, float(score))
    for score, (code, label) in enumerate(
        [("STS", "Sangat tidak setuju"), ("TS", "Tidak setuju"), ("S", "Setuju"), ("SS", "Sangat setuju")], 1
    )
)


def bench_instrument(aspects: int, items_per_aspect: int) -> Instrument:
    """``aspects`` aspects of ``items_per_aspect`` items, yes/no and Likert in turn."""
    return Instrument(
        "BENCH",
        1,
        "Benchmark instrument",
        tuple(
            Aspect(
                f"A{a}",
                f"Aspect {a}",
                tuple(
                    Item(f"A{a}.{i}", f"Item {a}.{i}", "binary", YES_NO)
                    if i % 2
                    else Item(f"A{a}.{i}", f"Item {a}.{i}", "likert", LIKERT, True)
                    for i in range(1, items_per_aspect + 1)
                ),
            )
            for a in range(1, aspects + 1)
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-arm", type=int, default=10_000)
    parser.add_argument("--aspects", type=int, default=8)
    parser.add_argument("--items-per-aspect", type=int, default=5)
    args = parser.parse_args()
    instrument = bench_instrument(args.aspects, args.items_per_aspect)
    start = time.perf_counter()
    answers = simulate_study(instrument, n_per_arm=args.per_arm, seed=2019, effect=0.3)
    simulated = time.perf_counter()
    print(f"simulate_study: {len(answers):,} answers in {simulated - start:.2f} s (not part of the target)")
    result = analyse(instrument, answers)
    analysed = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        write_report(result, out)
    written = time.perf_counter()
    print(
        f"analyse: {analysed - simulated:.2f} s ({len(result.original)} chi-square tests, {len(result.design)} tests)"
    )
    print(f"write_report (JSON, CSV, XLSX, HTML): {written - analysed:.2f} s")
    total = written - simulated
    print(f"analysis + all tables + report: {total:.2f} s (target < 10 s): {'OK' if total < 10 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
