"""Which column of a file holds which field of a kind: matched by header names (case-, space- and
punctuation-insensitive, Indonesian or English), by a saved mapping, or chosen by the user; with suggestions for
the columns nobody named, from the header text and from sample values."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pendamping.exchange.kinds.base import Column, ImportKind
from pendamping.exchange.reading import normalise_header

INSTANCE_ID = "instance_id"
# ODK Central writes meta-instanceID and KEY; KoboToolbox writes _uuid and meta/instanceID.
INSTANCE_ALIASES = ("instanceid", "metainstanceid", "key", "uuid", "_uuid")
IGNORE = ""  # a mapping value that drops the column


@dataclass
class Resolved:
    """The outcome for one file: field -> column index, and what could not be matched."""

    fields: dict[str, int] = field(default_factory=dict)
    unknown: list[int] = field(default_factory=list)  # column indexes that map to nothing
    missing: list[str] = field(default_factory=list)  # required fields no column holds
    twice: list[tuple[str, int, int]] = field(default_factory=list)  # field named by two columns

    @property
    def ok(self) -> bool:
        return not self.missing and not self.twice


def _names(kind: ImportKind) -> dict[str, str]:
    names: dict[str, str] = {normalise_header(a): INSTANCE_ID for a in INSTANCE_ALIASES}
    for column in kind.columns:
        for name in column.names():
            names.setdefault(normalise_header(name), column.field)
    return names


def _last_segment(header: str) -> str:
    # ODK and Kobo prefix a field with its group ("grp-omzet", "grp/omzet"): the field is the last part.
    return re.split(r"[/\-]", header)[-1]


def match_header(kind: ImportKind, header: str) -> str | None:
    names = _names(kind)
    for candidate in (header, _last_segment(header)):
        found = names.get(normalise_header(candidate))
        if found is not None:
            return found
    return None


def resolve(kind: ImportKind, header: Sequence[str], saved: Mapping[str, str] | None = None) -> Resolved:
    """`saved` maps normalised headers to fields ("" = ignore the column); it wins over the automatic match."""
    saved = {normalise_header(k): v for k, v in (saved or {}).items()}
    valid = {c.field for c in kind.columns} | {INSTANCE_ID}
    out = Resolved()
    for index, text in enumerate(header):
        key = normalise_header(text)
        target = saved[key] if key in saved else match_header(kind, text)
        if not target or target not in valid:
            if target != IGNORE or key not in saved:
                out.unknown.append(index)
            continue
        if target in out.fields:
            if target != INSTANCE_ID:  # ODK Central writes the id twice (meta-instanceID and KEY): one is enough
                out.twice.append((target, out.fields[target], index))
            continue
        out.fields[target] = index
    out.missing = [name for name in kind.required() if name not in out.fields]
    return out


_SAMPLE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("digits16", re.compile(r"'?[0-9]{16}")),
    ("date", re.compile(r"[0-9]{1,2}[/-][0-9]{1,2}[/-][0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}")),
    ("region", re.compile(r"[0-9]{2}\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?")),
    ("money", re.compile(r"(Rp\.? ?)?[0-9]{1,3}(\.[0-9]{3})+(,00)?")),
)


def _shape(values: Sequence[Any]) -> str | None:
    texts = [str(v).strip() for v in values if str(v).strip()]
    for shape, pattern in _SAMPLE_RULES:
        if texts and all(pattern.fullmatch(t) for t in texts):
            return shape
    return None


def _fits(column: Column, shape: str | None) -> bool:
    text = f"{column.field} {column.header}".lower()
    hints = {
        "digits16": ("nik", "kk"),
        "date": ("date", "tgl", "tanggal", "_on"),
        "region": ("desa", "kode", "region", "code"),
        "money": ("amount", "nilai", "income", "rp", "omzet", "revenue"),
    }
    return shape is not None and any(h in text for h in hints[shape])


def suggest(kind: ImportKind, header: str, samples: Sequence[Any], taken: set[str]) -> list[str]:
    """Fields a column might hold, best first: similar names, then columns whose values have the right shape."""
    free = [c for c in kind.columns if c.field not in taken]
    key = normalise_header(header)
    scored: list[tuple[float, str]] = []
    shape = _shape(samples)
    for column in free:
        name_score = max(difflib.SequenceMatcher(None, key, normalise_header(n)).ratio() for n in column.names())
        score = name_score + (0.5 if _fits(column, shape) else 0.0)
        if score >= 0.6:
            scored.append((score, column.field))
    return [name for _score, name in sorted(scored, key=lambda s: -s[0])[:3]]
