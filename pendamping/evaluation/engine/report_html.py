"""The self-contained HTML report: inline CSS, inline SVG charts, no scripts, no external addresses.

Sections: summary (the causal question per aspect), input problems, charts, the design-correct
table, the original-style table with SPSS's footnotes, why the two can disagree, descriptive
tables, notes on the methods, and provenance (options, inputs hash, software versions).
"""

from __future__ import annotations

from html import escape
from typing import Any

from pendamping.evaluation.engine.charts import change_chart, favourable_bars
from pendamping.evaluation.engine.export import Cell, Table, descriptive_table, design_table_rows, original_table_rows
from pendamping.evaluation.engine.result import AnalysisResult, DesignRow
from pendamping.evaluation.engine.text import fmt, fmt_p, p_phrase, t

__all__ = ["render_html"]

MAX_PROBLEMS_SHOWN = 200

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:1rem;
color:#222;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.25rem .4rem;vertical-align:top;text-align:left}
th{background:#f0f0f0}td.num{text-align:right;white-space:nowrap}
.reject{font-weight:bold;color:#1d5e32}.nt{color:#8a5a00;font-style:italic}
.note{font-size:.85rem;color:#444}.warn{background:#fff6e0;border-left:4px solid #e0a000;padding:.4rem .6rem}
.legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 .8rem;vertical-align:middle}
code{font-size:.85rem;word-break:break-all}
@media print{h2{break-after:avoid}table{break-inside:auto}}
"""

_H = {
    "title": {"id": "Laporan evaluasi", "en": "Evaluation report"},
    "summary": {"id": "Ringkasan: apakah kelompok perlakuan berubah lebih banyak?",
                "en": "Summary: did the treatment arm change more?"},
    "problems": {"id": "Masalah pada data masukan", "en": "Problems in the input"},
    "charts": {"id": "Grafik", "en": "Charts"},
    "design": {"id": "Tabel sesuai desain (yang dipakai)", "en": "Design-correct table (the one to use)"},
    "original": {"id": "Tabel gaya asli (seperti dilaporkan penelitian)",
                 "en": "Original-style table (as the study reported it)"},
    "why": {"id": "Mengapa kedua tabel bisa berbeda", "en": "Why the two tables can disagree"},
    "disagree": {"id": "Pada data ini, kedua tabel berbeda kesimpulan di:",
                 "en": "In these data, the two tables disagree on:"},
    "agree": {"id": "Pada data ini, kedua tabel sampai pada keputusan yang sama.",
              "en": "In these data, the two tables reach the same decisions."},
    "descriptives": {"id": "Sebaran jawaban per aspek, kelompok dan gelombang",
                     "en": "Answer distribution per aspect, arm and wave"},
    "methods": {"id": "Catatan metode", "en": "Notes on the methods"},
    "provenance": {"id": "Asal-usul hasil", "en": "Provenance"},
    "favourable_legend": {"id": "favorable", "en": "favourable"},
    "other_legend": {"id": "lainnya", "en": "other"},
    "bars_caption": {"id": "Persentase jawaban favorable atas semua butir aspek, per kelompok dan gelombang.",
                     "en": "Share of favourable answers over all items of the aspect, per arm and wave."},
    "change_caption": {
        "id": "Perubahan skor aspek tiap responden (post − pre, skala 0–100; sumbu −100 sampai +100). Kotak: kuartil "
              "pertama sampai ketiga; garis tebal: median; belah ketupat: rata-rata; luas titik: banyaknya responden "
              "dengan perubahan itu.",
        "en": "Each respondent's change in aspect score (post − pre, 0-100 scale; axis −100 to +100). Box: first to "
              "third quartile; thick line: median; diamond: mean; dot area: number of respondents with that change.",
    },
}  # fmt: skip

_METHODS = {
    "id": [
        "Setiap responden dihitung satu kali per aspek: proporsi jawaban favorable atas butir-butir aspek, dan skor "
        "aspek 0–100 (rata-rata posisi jawaban di antara jawaban terburuk dan terbaik tiap butir). 'Favorable' "
        "berarti paling sedikit separuh jawaban aspek itu favorable.",
        "Pre vs post dalam satu kelompok memakai uji berpasangan karena orangnya sama: McNemar (mid-p) untuk "
        "favorable ya/tidak, Stuart–Maxwell untuk satu butir kategorik dengan lebih dari dua pilihan, Wilcoxon "
        "bertanda untuk skor aspek.",
        "Perlakuan vs kontrol memakai uji eksak Fisher (Fisher–Freeman–Halton untuk lebih dari dua kategori), yang "
        "tetap sah bila frekuensi kecil. Uji saat pre-test memeriksa keseimbangan awal kedua kelompok.",
        "Pertanyaan kausal dijawab dengan difference-in-differences: perubahan skor (post − pre) tiap responden, "
        "uji Mann–Whitney untuk perubahan perlakuan vs kontrol, dan estimasi DiD = rata-rata perubahan perlakuan − "
        "rata-rata perubahan kontrol dengan selang kepercayaan 95% Welch.",
        "Nilai p disesuaikan dalam keluarga uji yang dinyatakan; keputusan diambil dari p yang disesuaikan. Uji yang "
        "tidak dapat dilakukan (misalnya tanpa variasi) tidak diberi nilai p.",
    ],
    "en": [
        "Each respondent counts once per aspect: the share of favourable answers to the aspect's items, and a 0-100 "
        "aspect score (the mean position of the answers between each item's worst and best option). 'Favourable' "
        "means at least half of the aspect's answers are favourable.",
        "Pre vs post within an arm uses paired tests because the people are the same: McNemar (mid-p) for "
        "favourable yes/no, Stuart–Maxwell for one categorical item with more than two options, Wilcoxon "
        "signed-rank for the aspect score.",
        "Treatment vs control uses Fisher's exact test (Fisher–Freeman–Halton for more than two categories), valid "
        "with small counts. The pre-test comparison checks that the arms started alike.",
        "The causal question is answered by difference-in-differences: each respondent's score change (post − pre), "
        "a Mann–Whitney test of treatment vs control changes, and the DiD estimate = mean change (treatment) − mean "
        "change (control) with a 95% Welch t-interval.",
        "P-values are adjusted within the declared family; decisions use the adjusted p-values. A test that cannot "
        "be run (e.g. no variation) gets no p-value.",
    ],
}

_NUMERIC = {"n", "df", "χ² hitung", "χ² tabel", "χ² computed", "χ² critical", "Statistik", "Statistic", "Total", "%"}
_P_COLUMNS = {"Asymp. Sig.", "p", "p disesuaikan", "Adjusted p"}


def _h(key: str, lang: str) -> str:
    return escape(_H[key].get(lang, _H[key]["en"]))


def _cell(head: str, value: Cell, lang: str) -> str:
    if head in _P_COLUMNS:
        return f'<td class="num">{escape(fmt_p(None if value is None else float(value), lang))}</td>'
    if isinstance(value, float):
        return f'<td class="num">{escape(fmt(value, lang, 1 if head == "%" else 3))}</td>'
    if isinstance(value, int) or head in _NUMERIC:
        return f'<td class="num">{escape("–" if value is None else str(value))}</td>'
    text = "" if value is None else str(value)
    css = ""
    if text == t("reject", lang):
        css = ' class="reject"'
    elif text.startswith(t("not_testable", lang, reason="")):
        css = ' class="nt"'
    return f"<td{css}>{escape(text)}</td>"


def _table(table: Table, lang: str, skip: tuple[str, ...] = ()) -> str:
    header, rows = table
    keep = [i for i, h in enumerate(header) if h not in skip]
    head = "".join(f"<th>{escape(header[i])}</th>" for i in keep)
    body = "".join("<tr>" + "".join(_cell(header[i], row[i], lang) for i in keep) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _summary_line(row: DesignRow, lang: str) -> str:
    title = escape(row.aspect_title)
    if row.not_testable:
        return f"<li><b>{title}</b>: <span class='nt'>{escape(row.decision_text)}</span></li>"
    e = row.effect_sizes
    ci = e.get("ci") or (None, None)
    lo, hi = (None if v is None else float(v) for v in ci)
    adjusted = p_phrase(float(row.p_adjusted or 0.0), lang)
    did = f"DiD = {fmt(e.get('did_estimate'), lang, 1)} (95% CI {fmt(lo, lang, 1)} – {fmt(hi, lang, 1)})"
    verdict = {
        ("id", "reject"): "perlakuan berubah lebih banyak daripada kontrol",
        ("id", "not_reject"): "tidak terbukti perlakuan berubah lebih banyak daripada kontrol",
        ("en", "reject"): "the treatment arm changed more than the control arm",
        ("en", "not_reject"): "no evidence that the treatment arm changed more than the control arm",
    }[(lang, row.decision or "not_reject")]
    p_label = "p disesuaikan" if lang == "id" else "adjusted p"
    return f"<li><b>{title}</b>: {escape(verdict)} — {escape(did)}; {p_label} {escape(adjusted)}</li>"


def _problems(result: AnalysisResult) -> str:
    if not result.problems:
        return ""
    lang = result.lang
    shown = result.problems[:MAX_PROBLEMS_SHOWN]
    rows = "".join(
        f"<tr><td class='num'>{'' if p.row is None else p.row}</td><td>{escape(p.respondent)}</td>"
        f"<td>{escape(p.field)}</td><td>{escape(p.value)}</td><td>{escape(p.message)}</td></tr>"
        for p in shown
    )
    more = len(result.problems) - len(shown)
    tail = f"<p class='note'>… +{more} (results.json)</p>" if more > 0 else ""
    head = "<tr><th>row</th><th>respondent</th><th>field</th><th>value</th><th>message</th></tr>"
    return f"<h2 id='problems'>{_h('problems', lang)} ({len(result.problems)})</h2><table>{head}{rows}</table>{tail}"


def _original(result: AnalysisResult) -> str:
    lang = result.lang
    table = _table(original_table_rows(result), lang, skip=("Catatan", "Footnote"))
    footnotes = "".join(f"<li>{escape(r.aspect_title)} — {escape(r.label)}: {escape(r.footnote)}</li>"
                        for r in result.original if r.footnote)  # fmt: skip
    return f"<h2 id='original'>{_h('original', lang)}</h2>{table}<ul class='note'>{footnotes}</ul>"


def _why(result: AnalysisResult) -> str:
    lang = result.lang
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in result.explanation.get(lang, result.explanation["en"]))
    if result.disagreements:
        items = "".join(f"<li>{escape(d['text'])}</li>" for d in result.disagreements)
        found = f"<div class='warn'><p>{_h('disagree', lang)}</p><ul>{items}</ul></div>"
    else:
        found = f"<p class='note'>{_h('agree', lang)}</p>"
    return f"<h2 id='why'>{_h('why', lang)}</h2>{found}{paragraphs}"


def _provenance(result: AnalysisResult) -> str:
    o = result.options
    software = ", ".join(f"{escape(k)} {escape(v)}" for k, v in result.software.items())
    rows = [
        ("inputs_hash (SHA-256)", f"<code>{escape(result.inputs_hash)}</code>"),
        ("software", software),
        ("alpha", escape(str(o.get("alpha")))),
        ("adjust / family", escape(f"{o.get('adjust')} / {o.get('family')}")),
        ("waves", escape(" → ".join(o.get("waves", [])))),
        ("schema", escape(result.schema)),
    ]
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<h2 id='provenance'>{_h('provenance', result.lang)}</h2><table>{body}</table>"


def _charts(result: AnalysisResult, titles: dict[str, str]) -> str:
    lang = result.lang
    legend = (f"<p class='legend note'><span style='background:#2e7d4f'></span>{_h('favourable_legend', lang)}"
              f"<span style='background:#d9d9d9'></span>{_h('other_legend', lang)}</p>")  # fmt: skip
    bars = favourable_bars(result.charts, titles, lang)
    change = change_chart(result.charts, titles, lang)
    return (f"<h2 id='charts'>{_h('charts', lang)}</h2><figure>{legend}{bars}<figcaption class='note'>"
            f"{_h('bars_caption', lang)}</figcaption></figure><figure id='change'>{change}<figcaption class='note'>"
            f"{_h('change_caption', lang)}</figcaption></figure>")  # fmt: skip


def render_html(result: AnalysisResult) -> str:
    """The whole report as one HTML document in the result's language."""
    lang = result.lang
    inst: dict[str, Any] = result.instrument
    titles = {a["code"]: a["title"] for a in inst["aspects"]}
    did_rows = [r for r in result.design if r.comparison == "did"]
    resp = result.summary.get("respondents", {})
    intro = (f"<p>{escape(inst['title'])} — {escape(inst['code'])} v{inst['version']}. "
             f"{t('treatment', lang)}: n = {resp.get('treatment', 0)}; {t('control', lang)}: n = "
             f"{resp.get('control', 0)}; α = {escape(fmt(float(result.options['alpha']), lang, 2))}.</p>")  # fmt: skip
    summary = "<ul>" + "".join(_summary_line(r, lang) for r in did_rows) + "</ul>"
    sections = [
        f"<h1>{_h('title', lang)}: {escape(inst['title'])}</h1>", intro,
        f"<h2 id='summary'>{_h('summary', lang)}</h2>{summary}", _problems(result), _charts(result, titles),
        f"<h2 id='design'>{_h('design', lang)}</h2>",
        _table(design_table_rows(result), lang, skip=("Metode", "Method")),
        _original(result), _why(result),
        f"<h2 id='descriptives'>{_h('descriptives', lang)}</h2>",
        _table(descriptive_table(result, pooled_only=True), lang),
        f"<h2 id='methods'>{_h('methods', lang)}</h2>" + "".join(f"<p>{escape(p)}</p>" for p in _METHODS[lang]),
        _provenance(result),
    ]  # fmt: skip
    title = f"{_H['title'][lang]}: {inst['title']}"
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
            + "\n".join(sections) + "</body></html>\n")  # fmt: skip
