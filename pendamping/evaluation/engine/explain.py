"""Plain-language explanation of why the original-style and design-correct tables can disagree.

The fixed paragraphs name the two errors of the original analysis (the same people's pre and
post answers treated as independent samples; several item answers of one person pooled as
independent observations) in Indonesian and English. :func:`disagreements` lists, for this
data, where the two tables reach different decisions.
"""

from __future__ import annotations

from typing import Any

from pendamping.evaluation.engine.result import DesignRow, OriginalRow
from pendamping.evaluation.engine.text import p_phrase, t

__all__ = ["EXPLANATION", "disagreements", "explanation"]

EXPLANATION: dict[str, list[str]] = {
    "id": [
        "Tabel gaya asli mengulang analisis seperti yang dilaporkan penelitian: untuk setiap aspek, semua jawaban "
        "atas butir-butir aspek itu dijumlahkan, lalu jawaban pre-test dibandingkan dengan jawaban post-test dengan "
        "uji chi-square Pearson untuk independensi. Uji itu menganggap setiap jawaban sebagai pengamatan yang bebas "
        "dari orang yang berbeda. Anggapan itu tidak terpenuhi, dua kali.",
        "Pertama, pre-test dan post-test dijawab oleh orang yang sama. Kedua 'sampel' itu berpasangan, bukan "
        "independen. Memperlakukan jawaban pre dan post dari orang yang sama sebagai dua sampel yang independen "
        "adalah kesalahan klasik: uji independen mencampur perbedaan antar-orang dengan perubahan dalam diri orang "
        "yang sama, dan membuang informasi yang justru penting — siapa yang berubah, dan ke arah mana.",
        "Kedua, jawaban satu orang atas beberapa butir dijumlahkan seolah-olah masing-masing berasal dari orang "
        "lain: 20 responden yang menjawab 5 butir tampak seperti 100 pengamatan yang bebas. Ukuran sampel "
        "menggelembung, sehingga chi-square terlalu mudah menyatakan 'berbeda bermakna' (nilai p terlalu kecil).",
        "Tabel yang sesuai desain menghitung setiap responden satu kali per aspek (proporsi jawaban favorable dan "
        "skor aspeknya, 0–100), membandingkan setiap responden dengan dirinya sendiri (uji McNemar, Stuart–Maxwell, "
        "Wilcoxon bertanda), memakai uji eksak bila frekuensi kecil (Fisher), dan menjawab pertanyaan yang menjadi "
        "tujuan penelitian — apakah kelompok perlakuan berubah lebih banyak daripada kelompok kontrol? — dengan "
        "membandingkan langsung perubahan kedua kelompok (difference-in-differences). Perubahan bermakna pada "
        "kelompok perlakuan ditambah tidak adanya perubahan bermakna pada kelompok kontrol belum membuktikan bahwa "
        "perlakuan berubah lebih banyak; untuk itu perubahan kedua kelompok harus dibandingkan langsung.",
        "Karena banyak uji dilakukan sekaligus, nilai p disesuaikan (metode Holm, kecuali dipilih lain) dalam "
        "satu keluarga uji, dan keputusan diambil dari nilai p yang disesuaikan. Bila kedua tabel berbeda "
        "kesimpulan, pakailah tabel yang sesuai desain.",
    ],
    "en": [
        "The original-style table repeats the analysis as the study reported it: for each aspect, every answer to "
        "the aspect's items is pooled, and the pre-test answers are compared with the post-test answers by "
        "Pearson's chi-square test of independence. That test assumes every answer is an independent observation "
        "from a different person. The assumption fails twice.",
        "First, the pre-test and the post-test were answered by the same people. The two 'samples' are paired, "
        "not independent. Treating the same people's pre and post answers as independent samples is the classic "
        "error: the independent-samples test mixes differences between people with change within people, and "
        "throws away the information that matters — who changed, and in which direction.",
        "Second, one person's answers to several items are pooled as if each came from someone else: 20 "
        "respondents answering 5 items look like 100 independent observations. The sample size is inflated, so "
        "the chi-square test is too ready to call a difference significant (its p-values are too small).",
        "The design-correct table counts each respondent once per aspect (their share of favourable answers and "
        "their 0-100 aspect score), compares each respondent with themselves (McNemar, Stuart–Maxwell, Wilcoxon "
        "signed-rank), uses exact tests when counts are small (Fisher), and answers the question the study was "
        "built for — did the treatment arm change more than the control arm? — by comparing the two arms' "
        "changes directly (difference-in-differences). A significant change in the treatment arm together with "
        "no significant change in the control arm does not by itself show that the treatment arm changed more; "
        "that needs the direct comparison of changes.",
        "Because many tests are run at once, p-values are adjusted (Holm's method unless another is chosen) "
        "within one family of tests, and decisions are taken on the adjusted p-values. Where the two tables "
        "disagree, trust the design-correct one.",
    ],
}

# Which design-correct comparison answers the question each original-style comparison asked.
_COUNTERPART = {"treatment_pre_post": "within_treatment", "control_pre_post": "within_control", "arms_post": "did"}

_SENTENCE = {
    "id": "{aspect} — {original}: tabel gaya asli menyatakan {o_dec} (p {o_p}); tabel sesuai desain ({design}) "
    "menyatakan {d_dec} (p disesuaikan terkecil {d_p}).",
    "en": "{aspect} — {original}: the original-style table says {o_dec} (p {o_p}); the design-correct table "
    "({design}) says {d_dec} (smallest adjusted p {d_p}).",
}


def explanation() -> dict[str, list[str]]:
    """The fixed paragraphs, both languages."""
    return {lang: list(paragraphs) for lang, paragraphs in EXPLANATION.items()}


def _design_decision(rows: list[DesignRow]) -> tuple[str, float] | None:
    """'reject' if any tested row of the comparison rejects; with the smallest adjusted p."""
    tested = [r for r in rows if r.p_adjusted is not None]
    if not tested:
        return None
    smallest = min(float(r.p_adjusted) for r in tested if r.p_adjusted is not None)
    return ("reject" if any(r.decision == "reject" for r in tested) else "not_reject"), smallest


def disagreements(original: list[OriginalRow], design: list[DesignRow], lang: str) -> list[dict[str, Any]]:
    """Where the two tables decide differently, with a sentence for each."""
    out = []
    for row in original:
        if row.decision is None or row.pvalue is None:
            continue
        mine = [d for d in design if d.aspect == row.aspect and d.comparison == _COUNTERPART[row.comparison]]
        found = _design_decision(mine)
        if found is None or found[0] == row.decision:
            continue
        sentence = _SENTENCE.get(lang, _SENTENCE["en"]).format(
            aspect=row.aspect_title, original=row.label, o_dec=t(row.decision, lang), o_p=p_phrase(row.pvalue, lang),
            design=t(_COUNTERPART[row.comparison], lang), d_dec=t(found[0], lang), d_p=p_phrase(found[1], lang),
        )  # fmt: skip
        out.append({
            "aspect": row.aspect, "original_comparison": row.comparison,
            "design_comparison": _COUNTERPART[row.comparison], "original_decision": row.decision,
            "design_decision": found[0], "text": sentence,
        })  # fmt: skip
    return out
