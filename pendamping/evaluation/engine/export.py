"""The result's tables as rows for people (headers in the report language) and as CSV and XLSX files.

Numbers stay numbers (CSV with a decimal point, XLSX numeric cells); text cells that a
spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) get a
leading apostrophe, so an answer or a title typed as "=HYPERLINK(...)" stays text.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from pendamping.evaluation.engine.result import AnalysisResult, DesignRow
from pendamping.evaluation.engine.text import fmt, t

__all__ = ["Table", "descriptive_table", "design_table_rows", "effect_text", "original_table_rows", "safe_cell",
           "write_csv", "write_xlsx"]  # fmt: skip

Cell = str | int | float | None
Table = tuple[list[str], list[list[Cell]]]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_HEAD = {
    "original": {
        "id": ["Aspek", "Perbandingan", "n", "χ² hitung", "df", "χ² tabel", "Asymp. Sig.", "Keputusan", "Catatan"],
        "en": ["Aspect", "Comparison", "n", "χ² computed", "df", "χ² critical", "Asymp. Sig.", "Decision", "Footnote"],
    },
    "design": {
        "id": ["Aspek", "Perbandingan", "Ukuran hasil", "Uji", "n", "Statistik", "df", "p", "p disesuaikan",
               "Keputusan", "Ukuran efek", "Peringatan", "Metode"],
        "en": ["Aspect", "Comparison", "Outcome", "Test", "n", "Statistic", "df", "p", "Adjusted p",
               "Decision", "Effect sizes", "Warnings", "Method"],
    },
    "descriptives": {
        "id": ["Aspek", "Butir", "Kelompok", "Gelombang", "Kategori", "Label", "n", "Total", "%"],
        "en": ["Aspect", "Item", "Arm", "Wave", "Category", "Label", "n", "Total", "%"],
    },
}  # fmt: skip


def safe_cell(value: Cell) -> Cell:
    """Text that would start a spreadsheet formula, prefixed with an apostrophe; other values unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def original_table_rows(result: AnalysisResult) -> Table:
    """The original-style table as printed in the report."""
    lang = result.lang
    rows: list[list[Cell]] = [
        [r.aspect_title, r.label, r.n, r.chi2, r.df, r.chi2_table, r.pvalue, r.decision_text, r.footnote]
        for r in result.original
    ]
    return _HEAD["original"][lang], rows


def _as_float(value: Any) -> float | None:
    """A number from the result ("inf" strings and None included, as ``results.json`` holds them)."""
    return None if value is None else float(value)


def _ci(ci: Any, lang: str, digits: int) -> str:
    if not ci:
        return ""
    lo, hi = (_as_float(v) for v in ci)
    return f" ({fmt(lo, lang, digits)}–{fmt(hi, lang, digits)})"


def effect_text(row: DesignRow, lang: str) -> str:
    """The effect sizes of one test in one line: directions, odds ratio and CI, Cramér's V, DiD and CI."""
    e = row.effect_sizes
    parts = []
    if "direction_text" in e:
        parts.append(str(e["direction_text"]))
    if "direction_treatment_text" in e:
        parts.append(f"{t('treatment', lang)}: {e['direction_treatment_text']}")
        parts.append(f"{t('control', lang)}: {e['direction_control_text']}")
    if row.test.startswith("Fisher exact") and "odds_ratio" in e and e["odds_ratio"] is not None:
        parts.append(f"OR {_num(e['odds_ratio'], lang, 2)}{_ci(e.get('ci'), lang, 2)}")
    if "cramers_v" in e and e["cramers_v"] is not None:
        parts.append(f"V = {_num(e['cramers_v'], lang, 2)}")
    if e.get("did_estimate") is not None:
        parts.append(f"DiD = {_num(e['did_estimate'], lang, 1)}{_ci(e.get('ci'), lang, 1)}")
    if "changed" in e:
        parts.append(f"{e['changed']} / {e['changed'] + e['unchanged']}")
    return "; ".join(parts)


def _num(value: Any, lang: str, digits: int) -> str:
    return fmt(_as_float(value), lang, digits)


def design_table_rows(result: AnalysisResult) -> Table:
    """The design-correct table as printed in the report."""
    lang = result.lang
    rows: list[list[Cell]] = [
        [r.aspect_title, r.label, t(f"outcome_{r.outcome}", lang), r.test, r.n, r.statistic, r.df, r.pvalue,
         r.p_adjusted, r.decision_text, effect_text(r, lang), " ".join(r.warnings), r.method]
        for r in result.design
    ]  # fmt: skip
    return _HEAD["design"][lang], rows


def descriptive_table(result: AnalysisResult, *, pooled_only: bool = False) -> Table:
    """Answer distribution per aspect (and item), arm and wave."""
    lang = result.lang
    titles = {a["code"]: a["title"] for a in result.instrument["aspects"]}
    rows: list[list[Cell]] = [
        [titles.get(d.aspect, d.aspect), d.item, t(d.arm, lang), d.wave, d.category, d.label, d.n, d.total,
         None if d.percent is None else round(d.percent, 1)]
        for d in result.descriptives
        if not (pooled_only and d.item)
    ]  # fmt: skip
    return _HEAD["descriptives"][lang], rows


def write_csv(path: Path, table: Table) -> None:
    """UTF-8 with BOM (so Excel reads the χ² and accents), comma separated."""
    header, rows = table
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([safe_cell(h) for h in header])
        writer.writerows([["" if c is None else safe_cell(c) for c in row] for row in rows])


def _write_row(sheet: Any, r: int, row: Sequence[Cell], fmt_num: Any) -> None:
    for c, value in enumerate(row):
        if value is None:
            sheet.write_blank(r, c, None)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            sheet.write_string(r, c, str(safe_cell(str(value))))
        else:
            sheet.write_number(r, c, value, fmt_num)


def write_xlsx(path: Path, table: Table, *, sheet_name: str, notes: Sequence[str] = ()) -> None:
    """One sheet: bold header, frozen first row, numbers as numbers; ``notes`` below the table."""
    header, rows = table
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    try:
        sheet = book.add_worksheet(sheet_name[:31])
        bold = book.add_format({"bold": True, "bg_color": "#EEEEEE"})
        number = book.add_format({"num_format": "0.000"})
        for c, head in enumerate(header):
            sheet.write_string(0, c, str(safe_cell(head)), bold)
        for r, row in enumerate(rows, start=1):
            _write_row(sheet, r, row, number)
        for k, note in enumerate(notes, start=len(rows) + 2):
            sheet.write_string(k, 0, str(safe_cell(note)))
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, 1, 28)
        sheet.set_column(2, len(header) - 1, 14)
    finally:
        book.close()
