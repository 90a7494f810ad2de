"""What an import run found: counts and errors, each error as (row, column, value, message)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

# Enough errors to fix a file by; the count goes on past the cap (a million bad rows must not fill memory).
MAX_ERRORS = 10_000


@dataclass(frozen=True)
class RowError:
    row: int  # the row number in the file as the user sees it (header = row 1); 0 = the file as a whole
    column: str  # the file's own header for the column, "" when the error is about the row
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class Summary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    written: bool = False  # False: nothing was kept (a check, or all-or-nothing with a rejected row)
    notices: list[str] = field(default_factory=list)

    def reject(self, errors: list[RowError]) -> None:
        self.rejected += 1
        self.error_count += len(errors)
        room = MAX_ERRORS - len(self.errors)
        if room > 0:
            self.errors.extend(errors[:room])

    def count(self, action: str) -> None:
        setattr(self, action, getattr(self, action) + 1)

    def nothing_written(self) -> None:
        """All-or-nothing with a bad row: every row counts as rejected, so the counts still add up to the rows."""
        self.created = self.updated = self.skipped = 0
        self.rejected = self.rows
        self.written = False

    @property
    def balanced(self) -> bool:
        return self.created + self.updated + self.skipped + self.rejected == self.rows


class Progress(Protocol):
    def __call__(self, done: int, total: int | None, phase: str) -> None: ...


def no_progress(done: int, total: int | None, phase: str) -> None:
    return None
