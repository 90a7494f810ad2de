"""Validation: every kind of bad input gives a clear problem; only an empty arm blocks."""

from __future__ import annotations

import pytest

from pendamping.evaluation.engine.analysis import AnalysisBlocked, analyse
from pendamping.evaluation.engine.model import AnalysisOptions, Answer, Aspect, Instrument, Item, Option
from pendamping.evaluation.engine.tests.helpers import YES_NO, answers, yes_no_instrument
from pendamping.evaluation.engine.validate import blocking, instrument_errors, validate_answers

INSTRUMENT = yes_no_instrument(2)


def _study() -> list[Answer]:
    out = []
    for arm in ("treatment", "control"):
        for wave in ("pre", "post"):
            for item in ("I1", "I2"):
                out += answers(arm, wave, item, ["ya", "tidak", "ya"])
    return out


def _codes(problems: list) -> list[str]:
    return [p.code for p in problems]


def test_clean_answers_have_no_problems() -> None:
    kept, problems = validate_answers(INSTRUMENT, _study())
    assert problems == []
    assert len(kept) == 24


def test_answer_outside_the_options_is_left_out_with_its_row() -> None:
    data = [*_study(), Answer("T1", "treatment", "post", "I1", "mungkin")]
    kept, problems = validate_answers(INSTRUMENT, data, rows=list(range(2, len(data) + 2)))
    assert _codes(problems) == ["unknown_option"]  # left out first, so not also a duplicate
    bad = problems[0]
    assert (bad.row, bad.respondent, bad.field, bad.value) == (len(data) + 1, "T1", "answer", "mungkin")
    assert "not an option of item 'I1'" in bad.message and "ya, tidak" in bad.message
    assert not bad.blocking


def test_answer_matches_option_label_or_code_ignoring_case() -> None:
    data = [a if a.answer != "ya" else Answer(a.respondent, a.arm, a.wave, a.item, "YA") for a in _study()]
    _, problems = validate_answers(INSTRUMENT, data)
    assert problems == []


def test_unknown_item() -> None:
    data = [*_study(), Answer("K9", "control", "pre", "I99", "ya")]
    kept, problems = validate_answers(INSTRUMENT, data)
    assert _codes(problems) == ["unknown_item"]
    assert "item 'I99' is not in instrument T v1" in problems[0].message
    assert len(kept) == 24


def test_unknown_arm() -> None:
    data = [*_study(), Answer("X1", "placebo", "pre", "I1", "ya")]
    _, problems = validate_answers(INSTRUMENT, data)
    assert _codes(problems) == ["unknown_arm"]
    assert problems[0].field == "arm" and problems[0].value == "placebo"


def test_respondent_in_both_arms_is_left_out_and_reported_once() -> None:
    data = [*_study(), Answer("T1", "control", "pre", "I1", "ya")]
    kept, problems = validate_answers(INSTRUMENT, data)
    assert _codes(problems) == ["both_arms"]
    assert problems[0].respondent == "T1" and problems[0].row == 1
    assert all(a.respondent != "T1" for a in kept)


def test_duplicate_rows_are_all_reported_with_both_rows() -> None:
    data = _study()
    data.append(Answer("T2", "treatment", "pre", "I1", "ya"))  # T2 answered I1 "tidak" at pre already (row 2)
    kept, problems = validate_answers(INSTRUMENT, data)
    assert _codes(problems) == ["duplicate", "duplicate", "unpaired"]  # with both copies gone, post I1 is unpaired
    assert sorted(p.row for p in problems[:2]) == [2, 25]
    assert all("rows 2, 25" in p.message for p in problems[:2])
    assert not any(a.respondent == "T2" and a.wave == "pre" and a.item == "I1" for a in kept)


def test_post_without_pre_is_reported_and_analysed_as_missing_pair() -> None:
    data = [*_study(), Answer("T4", "treatment", "post", "I1", "ya"), Answer("T4", "treatment", "post", "I2", "ya")]
    kept, problems = validate_answers(INSTRUMENT, data)
    assert _codes(problems) == ["unpaired", "unpaired"]
    assert not blocking(problems)
    assert "analysed as a missing pair" in problems[0].message
    assert len(kept) == 26  # kept: it counts in the pooled tables
    result = analyse(INSTRUMENT, data, AnalysisOptions(lang="en"))
    mcnemar = next(r for r in result.design if r.comparison == "within_treatment")
    assert mcnemar.n == 3
    assert any("missing pairs" in w for w in mcnemar.warnings)


def test_arm_with_no_respondents_blocks() -> None:
    data = [a for a in _study() if a.arm == "treatment"]
    _, problems = validate_answers(INSTRUMENT, data)
    assert [p.code for p in blocking(problems)] == ["empty_arm"]
    assert "arm 'control' has no respondents" in blocking(problems)[0].message
    with pytest.raises(AnalysisBlocked, match="arm 'control' has no respondents"):
        analyse(INSTRUMENT, data)


def test_arm_whose_answers_are_all_invalid_blocks() -> None:
    data = [a if a.arm == "treatment" else Answer(a.respondent, a.arm, a.wave, a.item, "??") for a in _study()]
    with pytest.raises(AnalysisBlocked) as info:
        analyse(INSTRUMENT, data)
    assert info.value.problems[0].blocking


def test_other_waves_are_reported_but_not_blocking() -> None:
    data = [*_study(), *answers("treatment", "follow-up", "I1", ["ya", "ya", "ya"])]
    _, problems = validate_answers(INSTRUMENT, data)
    assert _codes(problems) == ["wave"]
    assert "descriptive tables only" in problems[0].message


def test_instrument_errors() -> None:
    bad = Instrument(
        "B", 1, "Bad",
        (Aspect("A", "A", (
            Item("x", "x", "binary", (Option("1", "1", True),)),
            Item("x", "x", "likert", YES_NO),
            Item("z", "z", "essay", YES_NO),
        )),),
    )  # fmt: skip
    errors = " | ".join(instrument_errors(bad))
    assert "needs at least two answer options" in errors
    assert "item 'x': the code is used twice" in errors
    assert "every option of a likert item needs a score" in errors
    assert "kind 'essay'" in errors
    with pytest.raises(ValueError, match="the instrument cannot be used"):
        analyse(bad, [])
