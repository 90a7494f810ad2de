"""Wide survey exports (one column per item, as ODK Central and KoboToolbox write them) as the long rows the
`responses` import kind reads (one answer per row: study, respondent, arm, wave, item, answer).

The import engine calls `widen_to_long(table.header, table.rows, item_codes_for(user=actor))` on a responses file
before matching its headers: a file without item columns (already long) comes back unchanged."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from pendamping.evaluation.models import Item, Study
from pendamping.evaluation.selectors import study_list
from pendamping.exchange.mapping import INSTANCE_ALIASES
from pendamping.exchange.reading.base import normalise_header
from pendamping.exchange.xlsform.instruments import item_name

ITEM, ANSWER = "item", "answer"
MAX_INSTANCE = 80  # ImportedRecord.instance_id
Rows = Iterable[tuple[int, Sequence[Any]]]


def item_codes_for(*, user: Any) -> set[str]:
    """The item codes of the instruments of the open studies `user` sees (None: every study): the columns
    `widen_to_long` looks for in that user's responses file."""
    studies = Study.objects.all() if user is None else study_list(user=user)
    used = studies.exclude(status=Study.Status.CLOSED).values("instrument_id")
    return set(Item.objects.filter(instrument_id__in=used).values_list("code", flat=True))


def _item_columns(header: Sequence[str], item_codes: Iterable[str]) -> dict[int, str]:
    """Column index -> item code. A header names an item as its code or form name, alone or behind the group
    the form put it in ("aspect_1-A1.1" from ODK Central, "aspect_1/A1.1" from KoboToolbox)."""
    names = {}
    for code in item_codes:
        names[code.lower()] = code
        names[item_name(code).lower()] = code
    found = {}
    for index, text in enumerate(header):
        cell = str(text).strip().lower()
        for sep in ("", "-", "/"):
            tail = cell.rsplit(sep, 1)[-1] if sep else cell
            if tail in names and (not sep or sep in cell):
                found[index] = names[tail]
                break
    return found


def _is_instance(text: str) -> bool:
    last = str(text).replace("/", "-").rsplit("-", 1)[-1]
    return normalise_header(last) in {normalise_header(a) for a in INSTANCE_ALIASES}


def _answer(value: Any) -> str:
    """A spreadsheet's number back to the option code it was ("4.0" from a Likert answer 4 in an XLSX)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def answer_key(instance: str, code: str) -> str:
    """One answer's own submission id: the engine skips a row whose id it imported before and refuses two rows
    with the same id in one file, so each answer of a submission needs its own, stable across re-imports."""
    key = f"{instance}#{code}"
    if len(key) <= MAX_INSTANCE:
        return key
    return f"{instance[: MAX_INSTANCE - 17]}#{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def widen_to_long(header: Sequence[str], rows: Rows, item_codes: Iterable[str]) -> tuple[list[str], Iterator[Any]]:
    """(header, rows) with one row per answered item: the other columns repeated, then `item` and `answer`.
    Rows keep their number in the file, so an error still names the row the user can find. A submission that
    answered nothing stays as one row with an empty item, for the kind to report rather than lose."""
    items = _item_columns(header, item_codes)
    if not items:
        return list(header), iter((number, list(values)) for number, values in rows)
    kept = [i for i in range(len(header)) if i not in items]
    instance = {i for i in kept if _is_instance(header[i])}
    return [header[i] for i in kept] + [ITEM, ANSWER], _long_rows(rows, items, kept, instance)


def _long_rows(rows: Rows, items: dict[int, str], kept: list[int], instance: set[int]) -> Iterator[Any]:
    for number, values in rows:
        base = [values[i] if i < len(values) else "" for i in kept]
        answers = [(code, _answer(values[i])) for i, code in items.items() if i < len(values)]
        answers = [(code, value) for code, value in answers if value]
        for code, value in answers or [("", "")]:
            yield number, [*_stamped(base, kept, instance, code), code, value]


def _stamped(base: list[Any], kept: list[int], instance: set[int], code: str) -> list[Any]:
    """The kept values, with each submission id made the answer's own."""
    return [
        answer_key(str(value).strip(), code) if index in instance and code and str(value).strip() else value
        for index, value in zip(kept, base, strict=True)
    ]
