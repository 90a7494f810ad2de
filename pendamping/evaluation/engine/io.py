"""Reading a study's answers from CSV (long or wide layout), and the instrument from YAML.

Responses (see docs/evaluation/README.md):

- **long**: one row per answer — columns ``respondent, arm, wave, item, answer``;
- **wide**: one row per respondent and wave — ``respondent, arm, wave``, then one column per
  item code holding the answer.

The layout is detected from the header: ``item`` and ``answer`` columns mean long, otherwise the
columns after ``respondent, arm, wave`` are items. Headers match ignoring case, spaces, ``_`` and
``-``, with Indonesian aliases (responden, kelompok, gelombang, butir, jawaban). Arms accept
perlakuan -> treatment and kontrol -> control; waves accept pre-test/post-test (and sebelum/
sesudah). The file may be UTF-8 (with or without BOM) or Windows-1252, separated by ``,``,
``;`` or tabs. Empty answers are skipped (not answered). Row numbers are line numbers in the file
(the header is line 1), so problems point at the line to fix.
"""

from __future__ import annotations

import csv
import io as _io
import re
from dataclasses import dataclass, field
from pathlib import Path

from pendamping.evaluation.engine.instrument_file import InputError, load_instrument, parse_instrument
from pendamping.evaluation.engine.model import Answer

__all__ = [
    "InputError",
    "ResponsesFile",
    "load_instrument",
    "parse_instrument",
    "parse_responses",
    "read_responses",
    "responses_to_csv",
]

_COLUMNS = {
    "respondent": ("respondent", "responden", "respondentid", "idresponden", "id"),
    "arm": ("arm", "kelompok", "group", "grup"),
    "wave": ("wave", "gelombang", "tahap", "test", "tes"),
    "item": ("item", "butir", "pertanyaan", "question"),
    "answer": ("answer", "jawaban", "response", "respons"),
}
_ARMS = {
    "treatment": ("treatment", "perlakuan", "eksperimen", "experimental", "experiment", "intervensi", "intervention"),
    "control": ("control", "kontrol", "pembanding", "comparison"),
}
_WAVES = {"pre": ("pre", "pretest", "sebelum"), "post": ("post", "posttest", "sesudah", "setelah")}


@dataclass(frozen=True)
class ResponsesFile:
    """Answers read from a file, each with its line number, and how the file was read."""

    answers: list[Answer]
    rows: list[int]
    layout: str  # "long" | "wide"
    encoding: str
    delimiter: str
    blanks: int = 0  # empty answers skipped
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written


def _key(text: str) -> str:
    return re.sub(r"[\s_\-.]+", "", text.strip().casefold())


def _alias(value: str, table: dict[str, tuple[str, ...]]) -> str:
    key = _key(value)
    for canonical, names in table.items():
        if key in names:
            return canonical
    return value.strip().casefold()


def _decode(data: bytes, name: str) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise InputError("the file is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8", file=name) from exc


def _delimiter(text: str, name: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    if not header:
        raise InputError("the file is empty", file=name)
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:
        counts = {d: header.count(d) for d in ",;\t"}
        return max(counts, key=lambda d: counts[d])


def _header(cells: list[str], name: str) -> tuple[str, dict[str, int]]:
    """The layout and each known field's column index."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = _key(cell)
        for canonical, names in _COLUMNS.items():
            if key in names and canonical not in found:
                found[canonical] = index
    layout = "long" if {"item", "answer"} & found.keys() else "wide"  # one of the two: a long file missing the other
    need = ("respondent", "arm", "wave") + (("item", "answer") if layout == "long" else ())
    missing = [f for f in need if f not in found]
    if missing:
        accepted = "; ".join(f"'{f}' (or {', '.join(_COLUMNS[f][1:3])})" for f in missing)
        raise InputError(f"missing column(s) {accepted}; the header has: {', '.join(cells)}", file=name, row=1)
    if layout == "wide" and len(cells) <= 3:
        raise InputError("no item columns after respondent, arm and wave (or no item/answer columns)", file=name, row=1)
    return layout, found


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _required(cells: list[str], index: int, what: str, header: list[str], name: str, row: int) -> str:
    value = _cell(cells, index)
    if not value:
        raise InputError(f"the {what} is empty", file=name, row=row, column=header[index])
    return value


class _Reader:
    """Turns data rows into answers, one layout at a time."""

    def __init__(self, name: str, header: list[str], layout: str, columns: dict[str, int]) -> None:
        self.name, self.header, self.layout, self.columns = name, header, layout, columns
        self.answers: list[Answer] = []
        self.rows: list[int] = []
        self.blanks = 0
        known = set(columns.values())
        self.items = [(i, h.strip()) for i, h in enumerate(header) if i not in known and h.strip()]

    def add(self, cells: list[str], row: int) -> None:
        if len(cells) > len(self.header) and any(c.strip() for c in cells[len(self.header) :]):
            msg = f"the row has {len(cells)} fields but the header has {len(self.header)}"
            raise InputError(msg, file=self.name, row=row, column=None)
        col = self.columns
        respondent = _required(cells, col["respondent"], "respondent", self.header, self.name, row)
        arm = _alias(_required(cells, col["arm"], "arm", self.header, self.name, row), _ARMS)
        wave = _alias(_required(cells, col["wave"], "wave", self.header, self.name, row), _WAVES)
        pairs = [(_cell(cells, col["item"]), _cell(cells, col["answer"]))] if self.layout == "long" else [
            (code, _cell(cells, i)) for i, code in self.items
        ]  # fmt: skip
        for item, answer in pairs:
            if not answer:
                self.blanks += 1
                continue
            if not item:
                raise InputError("the item is empty", file=self.name, row=row, column=self.header[col["item"]])
            self.answers.append(Answer(respondent, arm, wave, item, answer))
            self.rows.append(row)


def parse_responses(data: bytes | str, *, name: str = "responses.csv") -> ResponsesFile:
    """Read answers from the contents of a CSV file (``name`` is used in messages)."""
    text, encoding = _decode(data, name) if isinstance(data, bytes) else (data.lstrip("\ufeff"), "utf-8")
    delimiter = _delimiter(text, name)
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if header is None:
            raise InputError("the file has no header row", file=name)
        layout, columns = _header(header, name)
        rows = _Reader(name, header, layout, columns)
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.add(cells, reader.line_num)
    except csv.Error as exc:
        raise InputError(f"the CSV is malformed: {exc}", file=name, row=reader.line_num) from exc
    named = {f: header[i].strip() for f, i in columns.items()}
    return ResponsesFile(rows.answers, rows.rows, layout, encoding, delimiter, rows.blanks, named)


def read_responses(path: str | Path) -> ResponsesFile:
    """Read answers from a CSV file."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=str(p)) from exc
    return parse_responses(data, name=p.name)


def responses_to_csv(answers: list[Answer]) -> str:
    """Answers as a long-format CSV text (header ``respondent,arm,wave,item,answer``, LF line ends)."""
    out = _io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["respondent", "arm", "wave", "item", "answer"])
    writer.writerows([a.respondent, a.arm, a.wave, a.item, a.answer] for a in answers)
    return out.getvalue()
