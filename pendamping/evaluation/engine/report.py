"""Write an analysis result to a folder: JSON, the two tables as CSV and XLSX, descriptives, HTML.

Files (see docs/evaluation/README.md for their contents):
``results.json``, ``original_table.csv``, ``original_table.xlsx``, ``design_table.csv``,
``design_table.xlsx``, ``descriptives.csv``, ``report.html``.
"""

from __future__ import annotations

import json
from pathlib import Path

from pendamping.evaluation.engine.export import (
    descriptive_table,
    design_table_rows,
    original_table_rows,
    write_csv,
    write_xlsx,
)
from pendamping.evaluation.engine.report_html import render_html
from pendamping.evaluation.engine.result import AnalysisResult

__all__ = ["OUTPUT_FILES", "write_report"]

OUTPUT_FILES = (
    "results.json",
    "original_table.csv",
    "original_table.xlsx",
    "design_table.csv",
    "design_table.xlsx",
    "descriptives.csv",
    "report.html",
)


def write_report(result: AnalysisResult, out: str | Path) -> dict[str, Path]:
    """Write every output file into ``out`` (created if missing); returns name -> path."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / name for name in OUTPUT_FILES}
    data = result.to_dict()
    paths["results.json"].write_text(json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False), "utf-8")
    original = original_table_rows(result)
    footnotes = [f"{r.aspect_title} — {r.label}: {r.footnote}" for r in result.original if r.footnote]
    write_csv(paths["original_table.csv"], original)
    write_xlsx(paths["original_table.xlsx"], original, sheet_name="original", notes=footnotes)
    design = design_table_rows(result)
    write_csv(paths["design_table.csv"], design)
    write_xlsx(paths["design_table.xlsx"], design, sheet_name="design", notes=[f"inputs_hash {result.inputs_hash}"])
    write_csv(paths["descriptives.csv"], descriptive_table(result))
    paths["report.html"].write_text(render_html(result), "utf-8")
    return paths
