"""The preview of a responses file: the real import run inside a transaction that is always rolled back, so
the preview names exactly the problems the import would refuse, and writes nothing."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from pendamping.evaluation.engine.io import InputError, parse_responses
from pendamping.evaluation.models import Study
from pendamping.evaluation.services.imports import responses_import


@dataclass
class ImportPreview:
    """What importing a file would do: its problems (row, column, value, message) or how many answers."""

    layout: str = ""
    answers: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.messages


class _DryRun(Exception):
    pass


def import_preview(*, actor: Any, study: Study, content: str) -> ImportPreview:
    """Parse the file and try the import inside a transaction that is always rolled back: the preview names
    exactly the problems the real import would refuse, and writes nothing."""
    try:
        parsed = parse_responses(content, name="responses.csv")
    except InputError as exc:
        return ImportPreview(problems=[{"row": exc.row, "column": exc.column or "", "value": "", "message": str(exc)}])
    preview = ImportPreview(layout=parsed.layout, answers=len(parsed.answers))
    try:
        with transaction.atomic():
            responses_import(actor=actor, study=study, answers=parsed.answers, rows=parsed.rows)
            raise _DryRun
    except _DryRun:
        pass
    except ValidationError as exc:
        preview.problems = _problems(exc, parsed)
    return preview


def _problems(exc: ValidationError, parsed: Any) -> list[dict[str, Any]]:
    """The service's "row N: message" lines, each with the row's column and value from the parsed file."""
    by_row = {row: answer for answer, row in zip(parsed.answers, parsed.rows, strict=True)}
    out = []
    for message in exc.messages:
        head, _sep, text = message.partition(": ")
        number = head.rsplit(" ", 1)[-1]
        row = int(number) if number.isdigit() else None
        answer = by_row.get(row) if row is not None else None
        value = f"{answer.item}={answer.answer}" if answer else ""
        out.append({"row": row, "column": answer.item if answer else "", "value": value, "message": text or message})
    return out
