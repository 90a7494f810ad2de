"""What an analysis returns: rows of the two tables, descriptives, chart data, and provenance.

Everything serialises to plain JSON (``to_dict``) and back (``from_dict``). Numbers JSON cannot
hold are written as strings: an infinite odds ratio (perfect separation) is ``"inf"``; NaN
(undefined, e.g. 0/0) becomes ``null``. Tuples become lists.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from pendamping.evaluation.engine.validate import Problem

__all__ = ["SCHEMA", "AnalysisResult", "DescriptiveRow", "DesignRow", "OriginalRow", "json_safe"]

SCHEMA = "pendamping.evaluation.result/1"


def json_safe(value: Any) -> Any:
    """``value`` with tuples as lists, infinities as "inf"/"-inf", NaN as None, numpy scalars as Python ones."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
    return value


@dataclass(frozen=True)
class OriginalRow:
    """One line of the original-style table: Pearson's chi-square on pooled answers, as SPSS printed it."""

    aspect: str
    aspect_title: str
    comparison: str  # "treatment_pre_post" | "control_pre_post" | "arms_post"
    label: str
    row_labels: list[str]
    columns: list[str]
    counts: list[list[int]]
    n: int
    chi2: float | None
    df: int | None
    chi2_table: float | None
    pvalue: float | None
    decision: str | None  # "reject" | "not_reject"; None when not testable
    decision_text: str
    footnote: str
    warnings: list[str] = field(default_factory=list)
    not_testable: str | None = None


@dataclass(frozen=True)
class DesignRow:
    """One test of the design-correct table."""

    aspect: str
    aspect_title: str
    comparison: str  # "within_treatment" | "within_control" | "between_pre" | "between_post" | "did"
    label: str
    outcome: str  # "favourable" | "score" | "categories" | "change"
    test: str  # short name, e.g. "McNemar (mid-p)"
    method: str  # the statistics core's full method name
    n: int
    statistic: float | None
    df: int | None
    pvalue: float | None
    p_adjusted: float | None
    family: str
    effect_sizes: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    decision: str | None = None
    decision_text: str = ""
    not_testable: str | None = None


@dataclass(frozen=True)
class DescriptiveRow:
    """Answers of one arm and wave in one category; ``item`` is "" for the aspect's pooled answers."""

    aspect: str
    item: str
    arm: str
    wave: str
    category: str
    label: str
    n: int
    total: int
    percent: float | None


_ROWS = {"original": OriginalRow, "design": DesignRow, "descriptives": DescriptiveRow}


@dataclass(frozen=True)
class AnalysisResult:
    """The whole analysis; ``to_dict`` is what ``results.json`` holds."""

    instrument: dict[str, Any]
    options: dict[str, Any]
    inputs_hash: str
    software: dict[str, str]
    summary: dict[str, Any]
    problems: list[Problem]
    original: list[OriginalRow]
    design: list[DesignRow]
    descriptives: list[DescriptiveRow]
    charts: dict[str, Any]
    explanation: dict[str, list[str]]
    disagreements: list[dict[str, Any]]
    schema: str = SCHEMA

    @property
    def lang(self) -> str:
        return str(self.options.get("lang", "id"))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (see the module docstring for non-finite numbers)."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data["problems"] = [p.to_dict() for p in self.problems]
        for key in _ROWS:
            data[key] = [dataclasses.asdict(row) for row in data[key]]
        out: dict[str, Any] = json_safe(data)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnalysisResult:
        """Rebuild a result from :meth:`to_dict` output (e.g. a stored ``results.json``)."""
        values = dict(data)
        values["problems"] = [Problem.from_dict(p) for p in data["problems"]]
        for key, row_type in _ROWS.items():
            values[key] = [row_type(**row) for row in data[key]]
        return cls(**values)
