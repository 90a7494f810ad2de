"""Reads only the evaluation pages need: an analysis result laid out for a page, and its downloads built in
memory. (The preview of a responses file is a dry run of the import: services.import_preview.)"""

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.utils.safestring import SafeString, mark_safe

from pendamping.evaluation.engine.charts import change_chart, favourable_bars
from pendamping.evaluation.engine.export import (
    design_table_rows,
    effect_text,
    original_table_rows,
    write_csv,
    write_xlsx,
)
from pendamping.evaluation.engine.report_html import render_html
from pendamping.evaluation.engine.result import AnalysisResult
from pendamping.evaluation.engine.text import fmt, fmt_p, t
from pendamping.evaluation.models import Analysis
from pendamping.evaluation.report_pdf import render_pdf
from pendamping.stats.power import did_power

DOWNLOADS = {
    "results.json": "application/json",
    "original_table.csv": "text/csv",
    "original_table.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "design_table.csv": "text/csv",
    "design_table.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "report.html": "text/html",
    "report.pdf": "application/pdf",
}


@dataclass
class ResultPage:
    """What the result page shows, every number already formatted in the result's language."""

    result: AnalysisResult
    original: list[dict[str, Any]]
    design: list[dict[str, Any]]
    footnotes: list[str]
    explanation: list[str]
    descriptives: list[dict[str, Any]]
    bars: SafeString
    change: SafeString
    bars_numbers: list[dict[str, Any]]
    change_numbers: list[dict[str, Any]]
    power: list[dict[str, Any]] = field(default_factory=list)


POWER_DELTAS = (10.0, 20.0)  # differences in change, in points of the 0-100 aspect score


def _pooled_sd(groups: list[dict[str, Any]]) -> float | None:
    """The pooled SD of the change scores of both arms (from the chart's values and counts)."""
    total, dof = 0.0, 0
    for group in groups:
        values = np.repeat(np.asarray(group["values"], dtype=float), np.asarray(group["counts"], dtype=int))
        if values.size < 2:
            return None
        total += float(((values - values.mean()) ** 2).sum())
        dof += values.size - 1
    return (total / dof) ** 0.5 if dof else None


def study_power(result: AnalysisResult) -> list[dict[str, Any]]:
    """The power the study had: for each aspect, the chance that its difference-in-differences test (two-sided,
    at the study's alpha, with the smaller arm's n per arm and the change-score spread the study observed)
    detects a true extra change of 10 or 20 points. Design power, not the misleading "observed power"."""
    alpha = float(result.options.get("alpha", 0.05))
    rows = []
    for aspect in result.instrument["aspects"]:
        groups = [g for g in result.charts.get("change", []) if g["aspect"] == aspect["code"]]
        sd = _pooled_sd(groups) if len(groups) == 2 else None
        if not sd:
            continue
        n = min(int(g["n"]) for g in groups)
        powers = [did_power(n=n, delta=d, sd_change=sd, alpha=alpha) for d in POWER_DELTAS]
        rows.append({"aspect": aspect["title"], "n": n, "sd": fmt(sd, result.lang, 1),
                     "powers": [fmt(100 * p, result.lang, 0) for p in powers]})  # fmt: skip
    return rows


def _original_rows(result: AnalysisResult) -> list[dict[str, Any]]:
    lang = result.lang
    return [
        {"aspect": r.aspect_title, "label": r.label, "n": r.n, "chi2": fmt(r.chi2, lang), "df": r.df,
         "chi2_table": fmt(r.chi2_table, lang), "not_testable": r.not_testable,
         "p": "" if r.not_testable else fmt_p(r.pvalue, lang), "decision": r.decision,
         "decision_text": r.decision_text, "footnote": bool(r.footnote)}
        for r in result.original
    ]  # fmt: skip


def _design_rows(result: AnalysisResult) -> list[dict[str, Any]]:
    lang = result.lang
    return [
        {"aspect": r.aspect_title, "label": r.label, "test": r.test, "outcome": t(f"outcome_{r.outcome}", lang),
         "n": r.n, "statistic": fmt(r.statistic, lang), "df": r.df, "not_testable": r.not_testable,
         "p": "" if r.not_testable else fmt_p(r.pvalue, lang),
         "p_adjusted": "" if r.not_testable else fmt_p(r.p_adjusted, lang),
         "effects": effect_text(r, lang), "decision": r.decision, "decision_text": r.decision_text,
         "warnings": r.warnings, "method": r.method}
        for r in result.design
    ]  # fmt: skip


def _chart_numbers(result: AnalysisResult, titles: dict[str, str]) -> tuple[list[dict], list[dict]]:
    lang = result.lang
    bars = [
        {**row, "aspect": titles.get(row["aspect"], row["aspect"]), "arm": t(row["arm"], lang),
         "percent": "–" if row["share"] is None else fmt(100 * float(row["share"]), lang, 1)}
        for row in result.charts.get("favourable", [])
    ]  # fmt: skip
    change = [
        {"aspect": titles.get(row["aspect"], row["aspect"]), "arm": t(row["arm"], lang), "n": row["n"],
         **{k: fmt(row.get(k), lang, 1) for k in ("mean", "min", "q1", "median", "q3", "max")}}
        for row in result.charts.get("change", [])
    ]  # fmt: skip
    return bars, change


def analysis_page(*, analysis: Analysis, lang: str) -> ResultPage | None:
    """The stored result laid out for the page; None while the analysis has no result."""
    if analysis.status != Analysis.Status.DONE or not analysis.result:
        return None
    result = AnalysisResult.from_dict(analysis.result)
    titles = {a["code"]: a["title"] for a in result.instrument["aspects"]}
    bars, change = _chart_numbers(result, titles)
    descriptives = [d for d in result.descriptives if not d.item]
    return ResultPage(
        result=result, original=_original_rows(result), design=_design_rows(result),
        footnotes=[f"{r.aspect_title} — {r.label}: {r.footnote}" for r in result.original if r.footnote],
        explanation=result.explanation.get(lang, result.explanation.get("en", [])),
        descriptives=[{**vars(d), "aspect": titles.get(d.aspect, d.aspect), "arm": t(d.arm, result.lang),
                       "percent": fmt(d.percent, result.lang, 1)} for d in descriptives],
        # The engine escapes every text it puts in the SVG, and draws no script.
        bars=mark_safe(favourable_bars(result.charts, titles, result.lang)),  # noqa: S308  # nosec B308 B703
        change=mark_safe(change_chart(result.charts, titles, result.lang)),  # noqa: S308  # nosec B308 B703
        bars_numbers=bars, change_numbers=change, power=study_power(result),
    )  # fmt: skip


def analysis_download(*, analysis: Analysis, name: str) -> bytes:
    """One of the report's files, built in a temporary folder and read back (nothing stays on disk)."""
    result = AnalysisResult.from_dict(analysis.result or {})
    if name == "results.json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=1, allow_nan=False).encode()
    if name == "report.html":
        return render_html(result).encode()
    if name == "report.pdf":
        return render_pdf(result)
    table = original_table_rows(result) if name.startswith("original") else design_table_rows(result)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        if name.endswith(".csv"):
            write_csv(path, table)
        else:
            write_xlsx(path, table, sheet_name=name.split("_")[0])
        return path.read_bytes()
