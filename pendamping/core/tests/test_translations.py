"""The Indonesian catalogue: complete, placeholder-safe, compiled, and used by the pages.

Indonesian is the site's default language, so an untranslated or fuzzy entry (gettext skips fuzzy ones when
compiling) shows English to every user, and a lost placeholder raises KeyError or prints a wrong message.
The .po is read with a tiny parser so the suite needs no polib.
"""

import gettext
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from pendamping.registry.tests.factories import FamilyFactory

LC_MESSAGES = Path(django_settings.LOCALE_PATHS[0]) / "id" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"
# %(name)s with flags, width and precision (%(d)02d, %(seconds).1f), plain %s / %d, and template variables.
# "%%" is a literal percent sign, matched first so that "%% dari" is not read as the placeholder "% d".
PLACEHOLDER = re.compile(r"%%|%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]|%[#0 +-]*\d*(?:\.\d+)?[sdifr]|\{\{\s*\w+\s*\}\}")
NAMED = re.compile(r"%\(\w+\)")


@dataclass
class Entry:
    flags: set[str] = field(default_factory=set)
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def sources(self) -> list[str]:
        return [self.msgid] if self.msgid_plural is None else [self.msgid, self.msgid_plural]


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text.strip()[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, the header included (msgid ""); obsolete (#~) entries are left out.
    Entries are separated by blank lines, as gettext and makemessages write them."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        lines = [line.strip() for line in block.strip().splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        entry, part = Entry(), ""
        for line in lines:
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                _append(entry, part, _unquote(line))
            else:
                part, _, rest = line.partition(" ")
                _append(entry, part, _unquote(rest))
        entries.append(entry)
    return entries


def _append(entry: Entry, part: str, text: str) -> None:
    if part == "msgid":
        entry.msgid += text
    elif part == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    elif part == "msgstr" or part.startswith("msgstr["):
        index = int(part[7:-1]) if part.startswith("msgstr[") else 0
        entry.msgstr[index] = entry.msgstr.get(index, "") + text
    else:
        raise ValueError(f"unexpected keyword {part!r} in {entry.msgid!r}")


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return [entry for entry in parse_po(PO) if entry.msgid]


def _header() -> Entry:
    return next(entry for entry in parse_po(PO) if entry.msgid == "")


def test_the_parser_reads_the_whole_catalogue(catalogue: list[Entry]) -> None:
    assert len(catalogue) == len(re.findall(r"^msgid ", PO.read_text(encoding="utf-8"), re.M)) - 1
    assert len(catalogue) > 100


def test_the_header_is_indonesian_with_one_plural_form() -> None:
    header = _header()
    assert "fuzzy" not in header.flags
    text = header.msgstr[0]
    assert "Language: id\n" in text
    assert "charset=UTF-8" in text
    assert "Project-Id-Version: Pendamping\n" in text
    assert "Plural-Forms: nplurals=1; plural=0;\n" in text


def test_no_entry_is_untranslated_or_fuzzy(catalogue: list[Entry]) -> None:
    fuzzy = [entry.msgid for entry in catalogue if "fuzzy" in entry.flags]
    untranslated = [entry.msgid for entry in catalogue if not entry.msgstr or not all(entry.msgstr.values())]
    assert fuzzy == []
    assert untranslated == []


def test_plural_entries_have_the_single_indonesian_form(catalogue: list[Entry]) -> None:
    plurals = [entry for entry in catalogue if entry.msgid_plural is not None]
    assert plurals
    for entry in plurals:
        assert set(entry.msgstr) == {0}, entry.msgid


def test_every_placeholder_survives_translation(catalogue: list[Entry]) -> None:
    for entry in catalogue:
        # Every form is shown for some count (Indonesian has one form), so it needs the plural's placeholders.
        pattern = PLACEHOLDER if "python-format" in entry.flags or entry.msgid_plural else NAMED
        wanted = _placeholders(pattern, entry.sources[-1])
        for translation in entry.msgstr.values():
            assert _placeholders(pattern, translation) == wanted, (entry.msgid, translation)


def _placeholders(pattern: re.Pattern[str], text: str) -> list[str]:
    return sorted({found for found in pattern.findall(text) if found != "%%"})


def test_leading_and_trailing_whitespace_is_kept(catalogue: list[Entry]) -> None:
    for entry in catalogue:
        source = entry.msgid
        lead, trail = source[: len(source) - len(source.lstrip())], source[len(source.rstrip()) :]
        for translation in entry.msgstr.values():
            assert translation.startswith(lead) and translation.endswith(trail), repr(entry.msgid)


def test_the_compiled_catalogue_matches_the_po(catalogue: list[Entry]) -> None:
    # A fresh clone has no msgfmt to compile with, so django.mo is shipped and must not lag behind the .po.
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in catalogue:
        if entry.msgid_plural is None:
            assert compiled.gettext(entry.msgid) == entry.msgstr[0], entry.msgid
        else:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 2) == entry.msgstr[0], entry.msgid


def test_the_family_list_is_in_indonesian_by_default(
    client_for: Callable[..., Client], admin: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "id"  # the product's default; the suite itself runs in English (conftest.py)
    FamilyFactory()
    page = client_for(admin).get(reverse("registry:family_list")).content.decode()
    assert '<html lang="id"' in page
    assert "Keluarga" in page
    assert "Daftar keluarga" in page
    assert "aktif" in page  # the family's status, a model choice label
    assert "Families" not in page
    assert "Family list" not in page
