"""The two tables: the original-style chi-square by hand, paired tests, NotTestable cells, Holm, DiD."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import pytest
from scipy import stats as sp

from pendamping.evaluation.engine.analysis import analyse
from pendamping.evaluation.engine.design import welch_interval
from pendamping.evaluation.engine.model import AnalysisOptions, Answer
from pendamping.evaluation.engine.tests.helpers import answers, likert_instrument, mixed_instrument, yes_no_instrument

R = TypeVar("R")


def _row(rows: Sequence[R], **match: str) -> R:
    found = [r for r in rows if all(getattr(r, k) == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]


def _tiny() -> list[Answer]:
    """Treatment pre: 2 ya / 3 tidak; post: 4 ya / 1 tidak. Control: 3 / 2 both times."""
    return [
        *answers("treatment", "pre", "I1", ["ya", "ya", "tidak", "tidak", "tidak"]),
        *answers("treatment", "post", "I1", ["ya", "ya", "ya", "ya", "tidak"]),
        *answers("control", "pre", "I1", ["ya", "ya", "ya", "tidak", "tidak"]),
        *answers("control", "post", "I1", ["ya", "ya", "ya", "tidak", "tidak"]),
    ]


def test_original_table_reproduces_a_hand_computed_chi_square() -> None:
    # Table [[2, 3], [4, 1]]: margins 5, 5 and 6, 4; expected 3, 2, 3, 2.
    # X² = 1/3 + 1/2 + 1/3 + 1/2 = 5/3, df 1, χ² tabel 3.841, p = P(χ²₁ ≥ 5/3) = 0.19671.
    result = analyse(yes_no_instrument(), _tiny(), AnalysisOptions(lang="en"))
    row = _row(result.original, comparison="treatment_pre_post")
    assert row.counts == [[2, 3], [4, 1]] and row.columns == ["ya", "tidak"]
    assert row.chi2 == pytest.approx(5 / 3)
    assert row.df == 1
    assert row.chi2_table == pytest.approx(3.841459, abs=1e-6)
    assert row.pvalue == pytest.approx(0.196706, abs=1e-6)
    assert row.decision == "not_reject" and row.decision_text == "H0 not rejected"
    assert row.footnote == ("a. 4 cells (100.0%) have expected count less than 5. The minimum expected count is 2.00.")


def test_original_footnote_and_decision_in_indonesian() -> None:
    result = analyse(yes_no_instrument(), _tiny())
    row = _row(result.original, comparison="treatment_pre_post")
    assert row.decision_text == "H0 diterima"
    assert row.footnote == (
        "a. 4 sel (100,0%) memiliki frekuensi harapan kurang dari 5. Frekuensi harapan minimum adalah 2,00."
    )


def test_original_table_pools_the_items_of_an_aspect_and_drops_unused_categories() -> None:
    data = [
        *answers("treatment", "pre", "I1", ["ya", "tidak"]), *answers("treatment", "pre", "I2", ["ya", "ya"]),
        *answers("treatment", "post", "I1", ["ya", "ya"]), *answers("treatment", "post", "I2", ["ya", "ya"]),
        *answers("control", "pre", "I1", ["ya", "ya"]), *answers("control", "pre", "I2", ["ya", "ya"]),
        *answers("control", "post", "I1", ["ya", "ya"]), *answers("control", "post", "I2", ["ya", "ya"]),
    ]  # fmt: skip
    result = analyse(yes_no_instrument(2), data)
    assert _row(result.original, comparison="treatment_pre_post").counts == [[3, 1], [4, 0]]
    control = _row(result.original, comparison="control_pre_post")
    assert control.columns == ["ya"]  # SPSS shows only categories that occur: one column, nothing to test
    assert control.pvalue is None and control.chi2 is None and control.not_testable


def _pooled_versus_paired() -> list[Answer]:
    """20 treatment respondents x 10 yes/no items. Pre: 4 'ya' each. Post: 4 respondents answer 'ya' to all.

    Pooled: 80 vs 104 'ya' out of 200 -> X² = 5.80, p = 0.016 (significant).
    Paired: 4 respondents became favourable, none the other way -> McNemar mid-p 0.0625 (not significant).
    """
    out = []
    for arm, prefix in (("treatment", "T"), ("control", "K")):
        for r in range(20):
            for k in range(10):
                pre = "ya" if k < 4 else "tidak"
                post = "ya" if (arm == "treatment" and r < 4) or k < 4 else "tidak"
                out.append(Answer(f"{prefix}{r}", arm, "pre", f"I{k + 1}", pre))
                out.append(Answer(f"{prefix}{r}", arm, "post", f"I{k + 1}", post))
    return out


def test_pooled_chi_square_significant_but_mcnemar_not() -> None:
    result = analyse(yes_no_instrument(10), _pooled_versus_paired(), AnalysisOptions(lang="en"))
    original = _row(result.original, comparison="treatment_pre_post")
    assert original.counts == [[80, 120], [104, 96]]
    assert original.chi2 == pytest.approx(5.7971, abs=1e-4)
    assert original.pvalue < 0.05 and original.decision == "reject"
    mcnemar = _row(result.design, comparison="within_treatment", test="McNemar (mid-p)")
    assert mcnemar.n == 20  # respondents, not answers
    assert mcnemar.effect_sizes["direction"] == {"up": 4, "same": 16, "down": 0}
    assert mcnemar.effect_sizes["direction_text"] == "4 up / 16 same / 0 down"
    assert mcnemar.pvalue == pytest.approx(0.0625)
    assert mcnemar.decision == "not_reject"
    assert [d["original_comparison"] for d in result.disagreements] == ["treatment_pre_post", "arms_post"]
    assert "the original-style table says H0 rejected" in result.disagreements[0]["text"]


def test_direction_counts_in_indonesian() -> None:
    result = analyse(yes_no_instrument(10), _pooled_versus_paired())
    mcnemar = _row(result.design, comparison="within_treatment", test="McNemar (mid-p)")
    assert mcnemar.effect_sizes["direction_text"] == "4 naik / 16 tetap / 0 turun"


def test_not_testable_cells_never_get_a_p_value() -> None:
    # Control answers 'ya' to everything, both waves: no variation in any control or between-arm table at pre.
    data = [
        *answers("treatment", "pre", "I1", ["ya", "tidak", "tidak", "tidak"]),
        *answers("treatment", "post", "I1", ["ya", "ya", "ya", "tidak"]),
        *answers("control", "pre", "I1", ["ya"] * 4),
        *answers("control", "post", "I1", ["ya"] * 4),
    ]
    result = analyse(yes_no_instrument(), data, AnalysisOptions(lang="en"))
    untestable = [r for r in result.design if r.not_testable]
    assert {r.comparison for r in untestable} >= {"within_control"}
    for row in untestable:
        assert row.pvalue is None and row.p_adjusted is None and row.statistic is None and row.decision is None
        assert row.decision_text.startswith("not testable: ")
    control = _row(result.original, comparison="control_pre_post")
    assert control.pvalue is None and control.decision_text.startswith("not testable: ")
    data_json = result.to_dict()
    for row in data_json["design"] + data_json["original"]:
        if row["not_testable"]:
            assert row["pvalue"] is None


def test_holm_adjusted_p_is_at_least_the_raw_p_and_decides() -> None:
    result = analyse(mixed_instrument(), _mixed_study(seed=1))
    tested = [r for r in result.design if r.pvalue is not None]
    assert tested
    assert {r.family for r in tested} == {"all"}
    for row in tested:
        assert row.p_adjusted is not None and row.pvalue <= row.p_adjusted <= 1.0
        assert row.decision == ("reject" if row.p_adjusted < 0.05 else "not_reject")
    smallest = min(tested, key=lambda r: r.pvalue)
    assert smallest.p_adjusted == pytest.approx(min(1.0, smallest.pvalue * len(tested)))


def test_family_per_aspect() -> None:
    result = analyse(mixed_instrument(), _mixed_study(seed=1), AnalysisOptions(family="aspect"))
    assert {r.family for r in result.design} == {"aspect:A1", "aspect:A2", "aspect:A3"}


def _mixed_study(seed: int) -> list[Answer]:
    from pendamping.evaluation.engine.simulate import simulate_study

    return simulate_study(mixed_instrument(), n_per_arm=15, seed=seed)


def test_design_table_uses_the_right_tests_per_aspect_kind() -> None:
    result = analyse(mixed_instrument(), _mixed_study(seed=3))
    tests = {(r.aspect, r.comparison, r.test) for r in result.design}
    assert ("A1", "within_treatment", "Wilcoxon signed-rank") in tests
    assert ("A2", "within_treatment", "Stuart-Maxwell") in tests
    assert ("A2", "between_post", "Fisher-Freeman-Halton") in tests
    assert ("A3", "within_treatment", "Wilcoxon signed-rank") not in tests  # one yes/no item: McNemar says it all
    fisher = _row(result.design, aspect="A1", comparison="between_pre", test="Fisher exact")
    assert {"odds_ratio", "ci", "cramers_v"} <= fisher.effect_sizes.keys()


def test_did_estimate_and_welch_interval_by_hand() -> None:
    # Likert 1..5 -> points 0, 25, 50, 75, 100.
    # Treatment changes: 1->3, 2->3, 2->5 = +50, +25, +75 (mean 50). Control: 2->2, 3->2, 1->2 = 0, -25, +25 (mean 0).
    data = [
        *answers("treatment", "pre", "L", ["1", "2", "2"]), *answers("treatment", "post", "L", ["3", "3", "5"]),
        *answers("control", "pre", "L", ["2", "3", "1"]), *answers("control", "post", "L", ["2", "2", "2"]),
    ]  # fmt: skip
    result = analyse(likert_instrument(), data, AnalysisOptions(lang="en"))
    did = _row(result.design, comparison="did")
    assert did.effect_sizes["did_estimate"] == pytest.approx(50.0)
    assert did.effect_sizes["mean_change_treatment"] == pytest.approx(50.0)
    assert did.effect_sizes["mean_change_control"] == pytest.approx(0.0)
    # Welch: var(T) = var(C) = 625, se = sqrt(625/3 + 625/3) = 20.412, df = 4, t(0.975, 4) = 2.776445.
    half = 2.7764451 * math.sqrt(2 * 625 / 3)
    lo, hi = did.effect_sizes["ci"]
    assert (lo, hi) == (pytest.approx(50 - half, abs=1e-4), pytest.approx(50 + half, abs=1e-4))
    assert "Welch" in did.effect_sizes["ci_method"]
    assert did.test == "Mann-Whitney (change scores)" and did.n == 6
    assert did.effect_sizes["direction_treatment"] == {"up": 3, "same": 0, "down": 0}


def test_welch_interval_agrees_with_scipy() -> None:
    rng = np.random.default_rng(5)
    x, y = rng.normal(3, 2, 12), rng.normal(1, 5, 9)
    estimate, ci, notes = welch_interval(x, y)
    reference = sp.ttest_ind(x, y, equal_var=False).confidence_interval(0.95)
    assert ci == (pytest.approx(reference.low), pytest.approx(reference.high))
    assert estimate == pytest.approx(x.mean() - y.mean()) and notes == []


def test_the_inputs_hash_does_not_depend_on_integer_or_float_scores() -> None:
    import dataclasses

    from pendamping.evaluation.engine.analysis import inputs_hash

    instrument = likert_instrument()
    data = answers("treatment", "pre", "L", ["1", "2"]) + answers("control", "pre", "L", ["3", "4"])
    as_ints = dataclasses.replace(
        instrument,
        aspects=tuple(
            dataclasses.replace(
                a,
                items=tuple(
                    dataclasses.replace(
                        i,
                        options=tuple(
                            dataclasses.replace(o, score=int(o.score) if o.score is not None else None)  # type: ignore[arg-type]
                            for o in i.options
                        ),
                    )
                    for i in a.items
                ),
            )
            for a in instrument.aspects
        ),
    )
    assert inputs_hash(instrument, data, AnalysisOptions()) == inputs_hash(as_ints, data, AnalysisOptions())
