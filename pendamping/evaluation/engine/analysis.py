"""``analyse``: from an instrument and answers to both tables, descriptives, and provenance.

Steps: encode the answers as integer columns (:mod:`frame`); validate them (:mod:`validate`,
blocking problems raise :class:`AnalysisBlocked`); count (:mod:`measures`); the original-style
table (:mod:`original`); the design-correct table (:mod:`design`) with p-values adjusted within
the declared family; descriptives and chart data (:mod:`describe`); the explanation
(:mod:`explain`). The result carries ``inputs_hash`` — the SHA-256 of a canonical serialisation
of instrument, answers and options (see :func:`inputs_hash`) — and the software versions, so a
stored result can be checked against its inputs and re-run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import platform
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy

import pendamping
from pendamping.evaluation.engine.describe import chart_data, descriptive_rows
from pendamping.evaluation.engine.design import design_table
from pendamping.evaluation.engine.explain import disagreements, explanation
from pendamping.evaluation.engine.frame import ARMS, FIELDS, Columns, encode, item_tables
from pendamping.evaluation.engine.measures import count, measure
from pendamping.evaluation.engine.model import AnalysisOptions, Answer, Instrument
from pendamping.evaluation.engine.original import original_table
from pendamping.evaluation.engine.result import AnalysisResult, DesignRow
from pendamping.evaluation.engine.text import LANGS, t
from pendamping.evaluation.engine.validate import Problem, blocking, instrument_errors, validate_frame
from pendamping.stats import adjust_pvalues

__all__ = ["AnalysisBlocked", "adjust_family", "analyse", "check_options", "inputs_hash", "software_versions"]

FAMILIES = ("all", "aspect", "comparison")
ADJUSTMENTS = ("holm", "bh", "bonferroni")


class AnalysisBlocked(ValueError):
    """The input cannot be analysed; ``problems`` says why (the blocking ones first)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: not p.blocking)
        super().__init__("; ".join(p.message for p in self.problems if p.blocking))


def check_options(options: AnalysisOptions) -> None:
    """Raise ``ValueError`` for options the analysis cannot use."""
    if not 0.0 < options.alpha < 1.0:
        raise ValueError(f"alpha must be between 0 and 1, got {options.alpha!r}")
    if options.lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {options.lang!r}")
    if options.adjust not in ADJUSTMENTS:
        raise ValueError(f"adjust must be one of {', '.join(ADJUSTMENTS)}, got {options.adjust!r}")
    if options.family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(FAMILIES)}, got {options.family!r}")
    if len(options.waves) != 2 or options.waves[0] == options.waves[1]:
        raise ValueError(f"waves must be two different wave names, got {options.waves!r}")


def software_versions() -> dict[str, str]:
    """Versions that can change a result."""
    return {
        "pendamping": pendamping.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "python": platform.python_version(),
    }


def _numbers_as_floats(value: Any) -> Any:
    """Scores as floats: an instrument built in code (score 1) and the same one read back from YAML or the
    database (score 1.0) are the same input and must hash alike. Booleans stay booleans."""
    if isinstance(value, dict):
        return {k: _numbers_as_floats(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_numbers_as_floats(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def inputs_hash(
    instrument: Instrument, answers: Sequence[Answer], options: AnalysisOptions, columns: Columns | None = None
) -> str:
    """SHA-256 (hex) of a canonical serialisation of the inputs; the order of the answers does not matter.

    The bytes hashed, in order: the UTF-8 JSON (sorted keys, no spaces, non-ASCII kept) of
    ``{"instrument": ..., "options": ...}`` (the dataclasses as dictionaries); for each field
    respondent, arm, wave, item, answer, the JSON list of its distinct values sorted by code
    point; then the answers as rows of five 64-bit little-endian integers — each value's position
    in its field's sorted list — with the rows sorted.
    """
    head = {"instrument": _numbers_as_floats(dataclasses.asdict(instrument)), "options": dataclasses.asdict(options)}
    dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
    digest = hashlib.sha256(dumps(head).encode())
    cols = columns or Columns.of(answers)
    ranks = []
    for name in FIELDS:
        names = cols.names[name]
        order = sorted(range(len(names)), key=names.__getitem__)
        digest.update(dumps([names[i] for i in order]).encode())
        rank = np.empty(len(names), dtype=np.int64)
        rank[order] = np.arange(len(names))
        ranks.append(rank[cols.codes[name]] if len(names) else cols.codes[name])
    table = np.column_stack(ranks) if ranks[0].size else np.zeros((0, len(FIELDS)), dtype=np.int64)
    table = table[np.lexsort(table.T[::-1])]
    digest.update(table.astype("<i8").tobytes())
    return digest.hexdigest()


def _check_inputs(instrument: Instrument, options: AnalysisOptions) -> None:
    check_options(options)
    errors = instrument_errors(instrument)
    if errors:
        raise ValueError("the instrument cannot be used: " + "; ".join(errors))


def _family_key(row: DesignRow, family: str) -> str:
    if family == "aspect":
        return f"aspect:{row.aspect}"
    if family == "comparison":
        return f"comparison:{row.comparison}"
    return "all"


def adjust_family(rows: Sequence[DesignRow], options: AnalysisOptions) -> list[DesignRow]:
    """Adjust p-values within each family and decide at alpha on the adjusted p-value."""
    groups: dict[str, list[int]] = defaultdict(list)
    out = [dataclasses.replace(row, family=_family_key(row, options.family)) for row in rows]
    for i, row in enumerate(out):
        if row.pvalue is not None:
            groups[row.family].append(i)
    for idx in groups.values():
        raw = [out[i].pvalue or 0.0 for i in idx]
        for i, p, p_raw in zip(idx, adjust_pvalues(raw, method=options.adjust), raw, strict=True):
            adjusted = max(float(p), p_raw)  # never below the raw p, even by rounding
            decision = "reject" if adjusted < options.alpha else "not_reject"
            out[i] = dataclasses.replace(
                out[i], p_adjusted=adjusted, decision=decision, decision_text=t(decision, options.lang)
            )
    return out


def _summary(answers: Sequence[Answer], used: int, problems: list[Problem], rows: list[DesignRow]) -> dict[str, Any]:
    return {
        "answers": len(answers),
        "answers_used": used,
        "answers_left_out": len(answers) - used,
        "problems": len(problems),
        "tests": len(rows),
        "tests_not_testable": sum(1 for r in rows if r.not_testable),
    }


def analyse(
    instrument: Instrument,
    answers: Sequence[Answer],
    options: AnalysisOptions | None = None,
    *,
    rows: Sequence[int] | None = None,
) -> AnalysisResult:
    """Analyse a study; ``rows`` (line numbers in the source file) make problems point at the file.

    Raises ``ValueError`` for unusable instrument or options, :class:`AnalysisBlocked` for answers
    that cannot be analysed (e.g. an arm without respondents)."""
    opts = options or AnalysisOptions()
    _check_inputs(instrument, opts)
    columns = Columns.of(answers)
    frame = encode(instrument, answers, rows, columns)
    keep, problems = validate_frame(instrument, answers, frame, opts.waves)
    if blocking(problems):
        raise AnalysisBlocked(problems)
    used = frame.take(keep)
    tables = item_tables(instrument)
    counts = count(instrument, used, tables)
    meas = measure(instrument, used, tables, opts.waves)
    original = original_table(instrument, counts, opts)
    design = adjust_family(design_table(instrument, meas, opts), opts)
    summary = _summary(answers, len(used), problems, design)
    summary["respondents"] = {arm: int((meas.arm == a).sum()) for a, arm in enumerate(ARMS)}
    return AnalysisResult(
        instrument=_instrument_summary(instrument),
        options=dataclasses.asdict(opts),
        inputs_hash=inputs_hash(instrument, answers, opts, columns),
        software=software_versions(),
        summary=summary,
        problems=problems,
        original=original,
        design=design,
        descriptives=descriptive_rows(instrument, counts),
        charts=chart_data(instrument, counts, meas, opts.waves),
        explanation=explanation(),
        disagreements=disagreements(original, design, opts.lang),
    )


def _instrument_summary(instrument: Instrument) -> dict[str, Any]:
    return {
        "code": instrument.code,
        "version": instrument.version,
        "title": instrument.title,
        "aspects": [
            {"code": a.code, "title": a.title, "items": [{"code": i.code, "text": i.text} for i in a.items]}
            for a in instrument.aspects
        ],
    }
