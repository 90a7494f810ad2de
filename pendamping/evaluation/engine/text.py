"""The engine's words, in Indonesian ("id", the default) and English ("en").

The engine runs without Django, so it cannot use gettext catalogues; its few dozen phrases live
here, side by side, and the report and the result pick them by ``AnalysisOptions.lang``.
Messages from :mod:`pendamping.stats` (warnings, "not testable" reasons) stay in English.
"""

from __future__ import annotations

import math

__all__ = ["LANGS", "fmt", "fmt_p", "p_phrase", "t"]

LANGS = ("id", "en")

_TEXT: dict[str, dict[str, str]] = {
    "treatment": {"id": "Perlakuan", "en": "Treatment"},
    "control": {"id": "Kontrol", "en": "Control"},
    "treatment_pre_post": {"id": "Kelompok perlakuan: pre-test vs post-test", "en": "Treatment: pre-test vs post-test"},
    "control_pre_post": {"id": "Kelompok kontrol: pre-test vs post-test", "en": "Control: pre-test vs post-test"},
    "arms_post": {"id": "Perlakuan vs kontrol saat post-test", "en": "Treatment vs control at post-test"},
    "within_treatment": {"id": "Perlakuan: pre vs post (berpasangan)", "en": "Treatment: pre vs post (paired)"},
    "within_control": {"id": "Kontrol: pre vs post (berpasangan)", "en": "Control: pre vs post (paired)"},
    "between_pre": {
        "id": "Perlakuan vs kontrol saat pre-test (keseimbangan awal)",
        "en": "Treatment vs control at pre-test (baseline balance)",
    },
    "between_post": {"id": "Perlakuan vs kontrol saat post-test", "en": "Treatment vs control at post-test"},
    "did": {
        "id": "Apakah perlakuan berubah lebih banyak? (difference-in-differences)",
        "en": "Did the treatment arm change more? (difference-in-differences)",
    },
    "outcome_favourable": {"id": "favorable (≥ 50% butir)", "en": "favourable (≥ 50% of items)"},
    "outcome_score": {"id": "skor aspek", "en": "aspect score"},
    "outcome_categories": {"id": "kategori jawaban", "en": "answer categories"},
    "outcome_change": {"id": "perubahan skor (post − pre)", "en": "score change (post − pre)"},
    "reject": {"id": "H0 ditolak", "en": "H0 rejected"},
    "not_reject": {"id": "H0 diterima", "en": "H0 not rejected"},
    "not_testable": {"id": "tidak dapat diuji: {reason}", "en": "not testable: {reason}"},
    "direction": {"id": "{up} naik / {same} tetap / {down} turun", "en": "{up} up / {same} same / {down} down"},
    "footnote": {
        "id": "a. {cells} sel ({percent}%) memiliki frekuensi harapan kurang dari 5. "
        "Frekuensi harapan minimum adalah {minimum}.",
        "en": "a. {cells} cells ({percent}%) have expected count less than 5. The minimum expected count is {minimum}.",
    },
    "missing_pairs": {
        "id": "{k} responden hanya menjawab satu gelombang; tidak diikutkan (pasangan tidak lengkap)",
        "en": "{k} respondent(s) answered only one wave; left out as missing pairs",
    },
    "welch": {
        "id": "selang kepercayaan 95% Welch (uji-t dua sampel, varians tidak sama)",
        "en": "95% Welch t-interval (two samples, unequal variances)",
    },
}


def t(key: str, lang: str, **values: object) -> str:
    """The phrase ``key`` in ``lang`` (English when the language is unknown), formatted with ``values``."""
    phrases = _TEXT[key]
    return phrases.get(lang, phrases["en"]).format(**values)


def fmt(value: float | None, lang: str, digits: int = 3) -> str:
    """A number for people: fixed decimals, a decimal comma in Indonesian, "∞" for infinity, "–" if absent."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "id" else text


def fmt_p(value: float | None, lang: str) -> str:
    """A p-value as SPSS prints it (three decimals, "< 0.001" below that)."""
    if value is None:
        return "–"
    if value < 0.001:
        return "< " + fmt(0.001, lang)
    return fmt(value, lang)


def p_phrase(value: float, lang: str) -> str:
    """ "= 0.012" or "< 0.001", to follow a "p"."""
    text = fmt_p(value, lang)
    return text if text.startswith("<") else "= " + text
