"""The evaluation report as a PDF, section for section the HTML report (engine/report_html.py): the summary per
aspect, input problems, charts, the design-correct table, the original-style table with SPSS's footnotes, why the
two can disagree, descriptives, notes on the methods and provenance.

It lives beside the engine rather than in it: the PDF builder (core/pdf.py) is Django's, and the engine stays free
of Django (the import contract). The words are the engine's own id/en tables, in the result's language, so the PDF
says what the HTML says whatever the reader's language; only the builder's page furniture ("Halaman N dari M")
comes from the Django catalogue, with the result's language active."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from django.utils import translation

from pendamping.core.charts import Chart, Series
from pendamping.core.pdf import Document
from pendamping.evaluation.engine.export import (
    Cell,
    Table,
    descriptive_table,
    design_table_rows,
    original_table_rows,
)
from pendamping.evaluation.engine.report_html import _H, _METHODS, MAX_PROBLEMS_SHOWN, _summary_line
from pendamping.evaluation.engine.result import AnalysisResult
from pendamping.evaluation.engine.text import fmt, fmt_p, t

__all__ = ["render_pdf"]

# The PDF's own words, side by side as the engine keeps its own (text.py). Most are about the charts: core.charts
# draws lines and bars, not the HTML report's dots and boxes, so the PDF charts the mean change and lists the
# quartiles in a table.
_WORDS: dict[str, dict[str, str]] = {
    "favourable_chart": {"id": "{arm}: jawaban favorable per aspek, pre dan post",
                         "en": "{arm}: favourable answers per aspect, pre and post"},
    "codes": {"id": "Kode aspek", "en": "Aspect codes"},
    "warnings": {"id": "Peringatan", "en": "Warnings"},
    "favourable_series": {"id": "Jawaban favorable", "en": "Favourable answers"},
    "change_chart": {"id": "Rata-rata perubahan skor aspek (post − pre)",
                     "en": "Mean change in aspect score (post − pre)"},
    "change_series": {"id": "Rata-rata perubahan", "en": "Mean change"},
    "change_caption": {
        "id": "Rata-rata perubahan skor aspek tiap responden per kelompok (post − pre, skala 0–100). Tabel di bawah "
              "memberi sebarannya: banyak responden, minimum, kuartil pertama, median, kuartil ketiga, maksimum.",
        "en": "Mean change in each respondent's aspect score per arm (post − pre, 0-100 scale). The table below "
              "gives its spread: respondents, minimum, first quartile, median, third quartile, maximum.",
    },
    "change_head": {"id": "Aspek|Kelompok|n|Rata-rata|Min|Q1|Median|Q3|Maks",
                    "en": "Aspect|Arm|n|Mean|Min|Q1|Median|Q3|Max"},
    "problems_head": {"id": "Baris|Responden|Kolom|Nilai|Pesan", "en": "Row|Respondent|Field|Value|Message"},
    "footnotes": {"id": "Catatan kaki", "en": "Footnotes"},
}  # fmt: skip

_P_COLUMNS = {"Asymp. Sig.", "p", "p disesuaikan", "Adjusted p"}
_NUMERIC = {"n", "df", "χ² hitung", "χ² tabel", "χ² computed", "χ² critical", "Statistik", "Statistic", "Total", "%"}
_HIDDEN = ("Metode", "Method", "Catatan", "Footnote")  # the full method name and the footnotes go below the tables
_TAG = re.compile(r"<[^>]+>")


def _w(key: str, lang: str, **values: object) -> str:
    words = _WORDS[key]
    return words.get(lang, words["en"]).format(**values)


def _h(key: str, lang: str) -> str:
    return _H[key].get(lang, _H[key]["en"])


def _cell(head: str, value: Cell, lang: str) -> str:
    """A value as the HTML report prints it (report_html._cell), as plain text."""
    if head in _P_COLUMNS:
        return fmt_p(None if value is None else float(value), lang)
    if isinstance(value, float):
        return fmt(value, lang, 1 if head == "%" else 3)
    if value is None:
        return "–" if head in _NUMERIC else ""
    return str(value)


def _table(doc: Document, table: Table, lang: str) -> None:
    header, rows = table
    keep = [i for i, head in enumerate(header) if head not in _HIDDEN]
    align = ["R" if header[i] in _P_COLUMNS | _NUMERIC else "L" for i in keep]
    cells = [[_cell(header[i], row[i], lang) for i in keep] for row in rows]
    doc.table([header[i] for i in keep], cells, align=align)


def _plain(markup: str) -> str:
    # The summary sentence is the HTML report's own (one wording for both), with its markup taken off.
    return html.unescape(_TAG.sub("", markup))


def _intro(result: AnalysisResult) -> str:
    lang, inst = result.lang, result.instrument
    resp = result.summary.get("respondents", {})
    return (f"{inst['title']} — {inst['code']} v{inst['version']}. {t('treatment', lang)}: n = "
            f"{resp.get('treatment', 0)}; {t('control', lang)}: n = {resp.get('control', 0)}; "
            f"α = {fmt(float(result.options['alpha']), lang, 2)}.")  # fmt: skip


def _summary(doc: Document, result: AnalysisResult) -> None:
    doc.heading(_h("summary", result.lang))
    for row in result.design:
        if row.comparison == "did":
            doc.paragraph("• " + _plain(_summary_line(row, result.lang)))


def _problems(doc: Document, result: AnalysisResult) -> None:
    if not result.problems:
        return
    lang = result.lang
    doc.heading(f"{_h('problems', lang)} ({len(result.problems)})")
    shown = result.problems[:MAX_PROBLEMS_SHOWN]
    rows = [["" if p.row is None else str(p.row), p.respondent, p.field, p.value, p.message] for p in shown]
    doc.table(_w("problems_head", lang).split("|"), rows, align=["R", "L", "L", "L", "L"])
    if (more := len(result.problems) - len(shown)) > 0:
        doc.paragraph(f"… +{more} (results.json)")


def _favourable_charts(doc: Document, result: AnalysisResult) -> None:
    """A chart per arm, its aspects' favourable share before and after side by side: two charts however many
    aspects there are (one per aspect would take a page each)."""
    lang = result.lang
    rows = result.charts.get("favourable", [])
    for arm in dict.fromkeys(r["arm"] for r in rows):
        mine = [r for r in rows if r["arm"] == arm]
        values = tuple(None if r["share"] is None else 100 * float(r["share"]) for r in mine)
        doc.chart(Chart(
            kind="bars", title=_w("favourable_chart", lang, arm=t(arm, lang)),
            categories=tuple(f"{r['aspect']} {r['wave']}" for r in mine),
            series=(Series(_w("favourable_series", lang), values),), unit="%",
        ))  # fmt: skip
    doc.paragraph(_h("bars_caption", lang))


def _change_chart(doc: Document, result: AnalysisResult, titles: dict[str, str]) -> None:
    lang = result.lang
    rows = result.charts.get("change", [])
    if not rows:
        return
    means = tuple(float(r["mean"]) if r["n"] else None for r in rows)
    categories = tuple(f"{r['aspect']} {t(r['arm'], lang)}" for r in rows)
    series = (Series(_w("change_series", lang), means),)
    doc.chart(Chart(kind="bars", title=_w("change_chart", lang), categories=categories, series=series))
    doc.paragraph(_w("change_caption", lang))
    numbers = [
        [titles.get(r["aspect"], r["aspect"]), t(r["arm"], lang), str(r["n"]),
         *(fmt(r.get(k), lang, 1) for k in ("mean", "min", "q1", "median", "q3", "max"))]
        for r in rows
    ]  # fmt: skip
    doc.table(_w("change_head", lang).split("|"), numbers, align=["L", "L", *["R"] * 7])


def _design(doc: Document, result: AnalysisResult) -> None:
    """The design-correct table with each warning written once below it: the same warning (e.g. no exact
    p-value with ties) recurs on many rows, and as a column it would squeeze the others into broken words."""
    lang = result.lang
    doc.heading(_h("design", lang))
    header, rows = design_table_rows(result)
    column = header.index(_w("warnings", lang))
    notes: dict[str, int] = {}
    for row, design in zip(rows, result.design, strict=True):
        numbers = [notes.setdefault(warning, len(notes) + 1) for warning in design.warnings]
        row[column] = ", ".join(str(number) for number in numbers)
    _table(doc, (header, rows), lang)
    if notes:
        doc.heading(_w("warnings", lang), 2)
        for warning, number in notes.items():
            doc.paragraph(f"{number}. {warning}")


def _original(doc: Document, result: AnalysisResult) -> None:
    lang = result.lang
    doc.heading(_h("original", lang))
    _table(doc, original_table_rows(result), lang)
    footnotes = [f"{r.aspect_title} — {r.label}: {r.footnote}" for r in result.original if r.footnote]
    if footnotes:
        doc.heading(_w("footnotes", lang), 2)
        for note in footnotes:
            doc.paragraph(note)


def _why(doc: Document, result: AnalysisResult) -> None:
    lang = result.lang
    doc.heading(_h("why", lang))
    if result.disagreements:
        doc.paragraph(_h("disagree", lang))
        for disagreement in result.disagreements:
            doc.paragraph(f"• {disagreement['text']}")
    else:
        doc.paragraph(_h("agree", lang))
    for paragraph in result.explanation.get(lang, result.explanation.get("en", [])):
        doc.paragraph(paragraph)


def _provenance(doc: Document, result: AnalysisResult) -> None:
    o: dict[str, Any] = result.options
    rows: Sequence[tuple[str, str]] = [
        ("inputs_hash (SHA-256)", result.inputs_hash),
        ("software", ", ".join(f"{name} {version}" for name, version in result.software.items())),
        ("alpha", str(o.get("alpha"))),
        ("adjust / family", f"{o.get('adjust')} / {o.get('family')}"),
        ("waves", " → ".join(o.get("waves", []))),
        ("schema", result.schema),
    ]
    doc.heading(_h("provenance", result.lang))
    for key, value in rows:
        doc.paragraph(f"{key}: {value}")


def _document(result: AnalysisResult) -> Document:
    lang = result.lang
    titles = {a["code"]: a["title"] for a in result.instrument["aspects"]}
    # Landscape always: the design-correct table has twelve columns, its effect sizes and warnings long text.
    doc = Document(title=f"{_h('title', lang)}: {result.instrument['title']}", subtitle=_intro(result), landscape=True)
    _summary(doc, result)
    _problems(doc, result)
    doc.heading(_h("charts", lang))
    doc.paragraph(f"{_w('codes', lang)}: " + "; ".join(f"{code} = {title}" for code, title in titles.items()))
    _favourable_charts(doc, result)
    _change_chart(doc, result, titles)
    _design(doc, result)
    _original(doc, result)
    _why(doc, result)
    doc.heading(_h("descriptives", lang))
    _table(doc, descriptive_table(result, pooled_only=True), lang)
    doc.heading(_h("methods", lang))
    for paragraph in _METHODS.get(lang, _METHODS["en"]):
        doc.paragraph(paragraph)
    _provenance(doc, result)
    return doc


def render_pdf(result: AnalysisResult) -> bytes:
    """The whole report as a PDF in the result's language."""
    with translation.override(result.lang):
        return _document(result).output()
