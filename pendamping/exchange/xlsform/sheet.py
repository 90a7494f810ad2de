"""An XLSForm as data (survey, choices, settings rows) and its XLSX, written with XlsxWriter.

Labels come in two languages: Indonesian (the default a phone shows) and English, each rendered from the same
translatable message. Text from the database (KUBE names, questions) is the same in both columns."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

import xlsxwriter
from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

LANGUAGES = (("id", "Bahasa Indonesia (id)"), ("en", "English (en)"))
DEFAULT_LANGUAGE = LANGUAGES[0][1]
TRANSLATED = ("label", "hint", "required_message", "constraint_message")
# The survey sheet's columns in the order ODK users expect to read them; only those a form uses are written.
SURVEY_ORDER = (
    "type",
    "name",
    *(f"{col}::{lang}" for col in ("label", "hint") for _code, lang in LANGUAGES),
    "required",
    *(f"required_message::{lang}" for _code, lang in LANGUAGES),
    "constraint",
    *(f"constraint_message::{lang}" for _code, lang in LANGUAGES),
    "relevant",
    "appearance",
    "default",
    "choice_filter",
)
Text = str | Promise


def clean_text(value: object) -> str:
    """One line of plain text for a label: XLSForm reads `${name}` in a label as a reference to a field, so a
    name typed with those characters must not turn into one."""
    return " ".join(str(value).split()).replace("${", "$ {")


def interpolate(message: Text, **values: object) -> Promise:
    """`message % values`, rendered only when a language is chosen (a lazy message's `%` renders at once)."""
    return cast(Promise, lazy(lambda: str(message) % values, str)())


def translated(column: str, text: Text) -> dict[str, str]:
    """{"label::Bahasa Indonesia (id)": …, "label::English (en)": …} for a message or a database text."""
    cells = {}
    for code, lang in LANGUAGES:
        with translation.override(code):
            cells[f"{column}::{lang}"] = clean_text(text)
    return cells


def question(
    kind: str,
    name: str,
    label: Text,
    *,
    hint: Text | None = None,
    required: bool = False,
    constraint: str = "",
    constraint_message: Text | None = None,
    **extra: str,
) -> dict[str, str]:
    """One row of the survey sheet. `extra`: relevant, appearance, default, choice_filter."""
    row = {"type": kind, "name": name, **translated("label", label)}
    if hint is not None:
        row |= translated("hint", hint)
    if required:
        row |= {"required": "yes", **translated("required_message", _("This answer is required."))}
    if constraint:
        row |= {"constraint": constraint, **translated("constraint_message", constraint_message or "")}
    return row | {key: value for key, value in extra.items() if value}


def choice(list_name: str, name: str, label: Text, **filters: str) -> dict[str, str]:
    return {"list_name": list_name, "name": name, **translated("label", label), **filters}


@dataclass
class XlsForm:
    """What the three sheets hold. `version` follows the content, so a changed choice list is a new version."""

    form_id: str
    title: Text
    survey: list[dict[str, str]]
    choices: list[dict[str, str]]
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def version(self) -> str:
        content = json.dumps([self.form_id, self.survey, self.choices, self.settings], sort_keys=True)
        # Digits only: ODK Central and KoboToolbox show the version, and some tools compare it as a number.
        return str(int(hashlib.sha256(content.encode()).hexdigest()[:12], 16))

    def settings_row(self) -> dict[str, str]:
        with translation.override(LANGUAGES[0][0]):
            title = clean_text(self.title)
        return {
            "form_id": self.form_id,
            "form_title": title,
            "version": self.version,
            "default_language": DEFAULT_LANGUAGE,
            **self.settings,
        }

    def to_xlsx(self) -> bytes:
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
        bold = book.add_format({"bold": True})
        survey_columns = [c for c in SURVEY_ORDER if any(c in row for row in self.survey)]
        _write(book, "survey", survey_columns, self.survey, bold)
        _write(book, "choices", _columns(self.choices), self.choices, bold)
        settings = self.settings_row()
        _write(book, "settings", list(settings), [settings], bold)
        book.close()
        return buffer.getvalue()


def _columns(rows: Iterable[dict[str, str]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def _write(book: xlsxwriter.Workbook, name: str, columns: list[str], rows: list[dict[str, str]], bold: object) -> None:
    sheet = book.add_worksheet(name)
    sheet.freeze_panes(1, 0)
    for col, title in enumerate(columns):
        sheet.write_string(0, col, title, bold)
        sheet.set_column(col, col, 34 if "::" in title else 18)
    for number, row in enumerate(rows, start=1):
        for col, title in enumerate(columns):
            # Always strings: a KUBE code is not a number, and no cell may become a formula.
            value = row.get(title, "")
            if value:
                sheet.write_string(number, col, value)
