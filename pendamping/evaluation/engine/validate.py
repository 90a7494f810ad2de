"""Check answers against an instrument before analysing them.

Every problem names the row it came from (the line number in the source file when ``io`` read
the answers, else the answer's position counting from 1), the respondent, the field and the
value, in a sentence an office user can act on.

- **Blocking** (``Problem.blocking``): an arm ("treatment" or "control") with no respondents.
  The analysis must not run.
- **Rows left out**: an arm that is neither "treatment" nor "control", an item the instrument
  does not have, an answer that is not one of the item's options, a respondent who appears in
  both arms (all their answers), duplicate rows (the same respondent, wave and item twice: every
  copy is reported and left out, since we cannot know which one is right).
- **Reported, still analysed**: a post answer without a pre answer (it counts in the pooled
  and descriptive tables, and as a missing pair in the paired tests); a wave other than the
  two compared (descriptive tables only); a compared wave with no answers.

Checks run on integer columns (:mod:`frame`), so a million answers take well under a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pendamping.evaluation.engine.frame import ARMS, Frame, encode
from pendamping.evaluation.engine.model import Answer, Instrument, Item

__all__ = ["ARMS", "Problem", "blocking", "instrument_errors", "item_errors", "validate_answers", "validate_frame"]

Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input. ``blocking`` problems stop the analysis."""

    row: int | None
    respondent: str
    field: str
    value: str
    message: str
    blocking: bool = False
    code: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "row": self.row,
            "respondent": self.respondent,
            "field": self.field,
            "value": self.value,
            "message": self.message,
            "blocking": self.blocking,
            "code": self.code,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Problem:
        """Inverse of :meth:`to_dict`."""
        row = data.get("row")
        return cls(
            row=int(str(row)) if row is not None else None,
            respondent=str(data["respondent"]),
            field=str(data["field"]),
            value=str(data["value"]),
            message=str(data["message"]),
            blocking=bool(data.get("blocking", False)),
            code=str(data.get("code", "")),
        )


def blocking(problems: Sequence[Problem]) -> list[Problem]:
    """The problems that stop the analysis."""
    return [p for p in problems if p.blocking]


def _value_problem(
    instrument: Instrument, items: dict[str, Item], ans: Answer, row: int, frame: Frame, i: int
) -> Problem:
    if frame.arm[i] < 0:
        msg = f"arm '{ans.arm}' is neither 'treatment' nor 'control'; the row is left out"
        return Problem(row, ans.respondent, "arm", ans.arm, msg, code="unknown_arm")
    if frame.item[i] < 0:
        msg = f"item '{ans.item}' is not in instrument {instrument.code} v{instrument.version}; the row is left out"
        return Problem(row, ans.respondent, "item", ans.item, msg, code="unknown_item")
    item = items[ans.item]
    allowed = ", ".join(opt.code for opt in item.options)
    msg = f"answer '{ans.answer}' is not an option of item '{item.code}' (allowed: {allowed}); the row is left out"
    return Problem(row, ans.respondent, "answer", ans.answer, msg, code="unknown_option")


def _check_values(instrument: Instrument, answers: Sequence[Answer], frame: Frame) -> tuple[Mask, list[Problem]]:
    bad = (frame.arm < 0) | (frame.item < 0) | (frame.opt < 0)
    items = instrument.items()
    problems = [
        _value_problem(instrument, items, answers[i], int(frame.rows[i]), frame, i)
        for i in np.flatnonzero(bad).tolist()
    ]
    return ~bad, problems


def _check_arms(answers: Sequence[Answer], frame: Frame, keep: Mask) -> tuple[Mask, list[Problem]]:
    """Leave out respondents found in both arms; one problem per respondent, at their first row."""
    n = len(frame.respondents)
    in_arm = [np.bincount(frame.resp[keep & (frame.arm == a)], minlength=n) > 0 for a in range(len(ARMS))]
    both = in_arm[0] & in_arm[1]
    if not both.any():
        return keep, []
    hit = keep & both[frame.resp]
    _, first = np.unique(frame.resp[hit], return_index=True)
    problems = []
    for i in np.flatnonzero(hit)[first].tolist():
        ans = answers[i]
        msg = f"respondent '{ans.respondent}' appears in both arms; all their answers are left out"
        problems.append(Problem(int(frame.rows[i]), ans.respondent, "arm", ans.arm, msg, code="both_arms"))
    return keep & ~hit, problems


def _check_duplicates(answers: Sequence[Answer], frame: Frame, keep: Mask) -> tuple[Mask, list[Problem]]:
    """Leave out every copy of an answer given twice (same respondent, wave and item), naming all rows."""
    n_items = max(int(frame.item.max()) + 1, 1) if len(frame) else 1
    keys = (frame.resp * len(frame.waves) + frame.wave) * n_items + frame.item
    idx = np.flatnonzero(keep)
    _, inverse, counts = np.unique(keys[idx], return_inverse=True, return_counts=True)
    dup = idx[counts[inverse] > 1]
    if dup.size == 0:
        return keep, []
    order = dup[np.argsort(keys[dup], kind="stable")]
    groups: dict[int, list[int]] = {}
    for i in order.tolist():
        groups.setdefault(int(keys[i]), []).append(i)
    problems = []
    for members in groups.values():
        where = ", ".join(str(int(frame.rows[i])) for i in members)
        for i in members:
            ans = answers[i]
            msg = (
                f"respondent '{ans.respondent}' answered item '{ans.item}' in wave '{ans.wave}' more than once "
                f"(rows {where}); every copy is left out"
            )
            problems.append(Problem(int(frame.rows[i]), ans.respondent, "item", ans.item, msg, code="duplicate"))
    out = keep.copy()
    out[dup] = False
    return out, problems


def _wave_index(frame: Frame, name: str) -> int:
    return frame.waves.index(name) if name in frame.waves else -1


def _check_pairs(answers: Sequence[Answer], frame: Frame, keep: Mask, waves: tuple[str, str]) -> list[Problem]:
    """Report (without leaving out) later-wave answers that have no earlier-wave answer to pair with."""
    first, second = (_wave_index(frame, w) for w in waves)
    if second < 0:
        return []
    n_items = max(int(frame.item.max()) + 1, 1) if len(frame) else 1
    keys = frame.resp * n_items + frame.item
    before = keys[keep & (frame.wave == first)] if first >= 0 else keys[:0]
    later = np.flatnonzero(keep & (frame.wave == second))
    lonely = later[~np.isin(keys[later], before)]
    problems = []
    for i in lonely.tolist():
        ans = answers[i]
        msg = (
            f"respondent '{ans.respondent}' answered item '{ans.item}' in wave '{waves[1]}' but not in "
            f"wave '{waves[0]}'; analysed as a missing pair"
        )
        problems.append(Problem(int(frame.rows[i]), ans.respondent, "wave", ans.wave, msg, code="unpaired"))
    return problems


def _check_waves(answers: Sequence[Answer], frame: Frame, keep: Mask, waves: tuple[str, str]) -> list[Problem]:
    problems = []
    for w, name in enumerate(frame.waves):
        rows = np.flatnonzero(keep & (frame.wave == w))
        if name not in waves and rows.size:
            msg = f"wave '{name}' is not one of the compared waves ({', '.join(waves)}); descriptive tables only"
            first = int(rows[0])
            problems.append(Problem(int(frame.rows[first]), answers[first].respondent, "wave", name, msg, code="wave"))
    for name in waves:
        w = _wave_index(frame, name)
        if w < 0 or not (keep & (frame.wave == w)).any():
            msg = f"wave '{name}' has no valid answers; the tests that need it are not testable"
            problems.append(Problem(None, "", "wave", name, msg, code="empty_wave"))
    return problems


def _check_empty_arms(frame: Frame, keep: Mask) -> list[Problem]:
    present = set(np.unique(frame.arm[keep]).tolist())
    return [
        Problem(None, "", "arm", arm, f"arm '{arm}' has no respondents with valid answers", True, "empty_arm")
        for a, arm in enumerate(ARMS)
        if a not in present
    ]


def validate_frame(
    instrument: Instrument, answers: Sequence[Answer], frame: Frame, waves: tuple[str, str] = ("pre", "post")
) -> tuple[Mask, list[Problem]]:
    """The rows fit to analyse (a mask over ``frame``) and every problem found, in check order."""
    keep, problems = _check_values(instrument, answers, frame)
    keep, arm_problems = _check_arms(answers, frame, keep)
    keep, dup_problems = _check_duplicates(answers, frame, keep)
    problems += arm_problems + dup_problems
    problems += _check_pairs(answers, frame, keep, waves)
    problems += _check_waves(answers, frame, keep, waves)
    problems += _check_empty_arms(frame, keep)
    return keep, problems


def validate_answers(
    instrument: Instrument,
    answers: Sequence[Answer],
    *,
    rows: Sequence[int] | None = None,
    waves: tuple[str, str] = ("pre", "post"),
) -> tuple[list[Answer], list[Problem]]:
    """The answers fit to analyse, and every problem found.

    ``rows`` gives each answer's line number in its source file (``io`` supplies them); without
    it, problems number the answers from 1. If any problem is blocking (see :func:`blocking`)
    the analysis must not run.
    """
    frame = encode(instrument, answers, rows)
    keep, problems = validate_frame(instrument, answers, frame, waves)
    return [answers[i] for i in np.flatnonzero(keep).tolist()], problems


def item_errors(item: Item, where: str) -> list[str]:
    errors = []
    codes = [opt.code for opt in item.options]
    if item.kind not in ("binary", "categorical", "likert"):
        errors.append(f"{where}: kind '{item.kind}' is not binary, categorical or likert")
    if len(codes) < 2:
        errors.append(f"{where}: needs at least two answer options")
    if len(set(codes)) != len(codes):
        errors.append(f"{where}: option codes repeat")
    if item.kind == "binary" and len(codes) != 2:
        errors.append(f"{where}: a binary item has exactly two options, found {len(codes)}")
    if item.kind == "likert" and not item.scored:
        errors.append(f"{where}: every option of a likert item needs a score")
    if not any(opt.favourable for opt in item.options):
        errors.append(f"{where}: no option is marked favourable")
    return errors


def instrument_errors(instrument: Instrument) -> list[str]:
    """What makes an instrument unusable for analysis (an empty list when it is fine)."""
    errors = [] if instrument.aspects else ["the instrument has no aspects"]
    seen_aspects: set[str] = set()
    seen_items: set[str] = set()
    for aspect in instrument.aspects:
        if aspect.code in seen_aspects:
            errors.append(f"aspect '{aspect.code}': the code is used twice")
        seen_aspects.add(aspect.code)
        if not aspect.items:
            errors.append(f"aspect '{aspect.code}': has no items")
        for item in aspect.items:
            if item.code in seen_items:
                errors.append(f"item '{item.code}': the code is used twice")
            seen_items.add(item.code)
            errors += item_errors(item, f"item '{item.code}'")
    return errors
