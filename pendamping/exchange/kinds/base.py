"""What an import kind is: its columns (the template), how a row is cleaned, and how one row is written.

The engine (`exchange.services.engine`) reads the file, maps its headers to the kind's fields, and calls, for every
row, `clean` (raw cell values -> typed values, or RowInvalid) and then, inside a savepoint, `write` (which goes
through the app's own services, so an import follows exactly the rules of the forms). A kind that must be fast on a
million rows (families) replaces the per-row path with its own set-based `run`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise


@dataclass(frozen=True)
class Column:
    """One column of a kind's template. `header` is what the template writes (Indonesian, SIKS-NG style);
    `aliases` are other headers accepted as they are (English, DTKS/SIKS-NG exports, ODK field names)."""

    field: str
    header: str
    note: str | Promise
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()  # offered as a data-validation list in the template
    example: str = ""
    width: int = 16

    def names(self) -> tuple[str, ...]:
        return (self.header, self.field, *self.aliases)


class RowInvalid(Exception):
    """A row that cannot be imported; `errors` are (field, message) pairs ("" = the row as a whole)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _field, message in errors))
        self.errors = errors

    @classmethod
    def one(cls, field_name: str, message: str) -> RowInvalid:
        return cls([(field_name, message)])

    @classmethod
    def from_validation(cls, exc: ValidationError) -> RowInvalid:
        """A service's ValidationError, field by field (a service's field names match the kind's fields)."""
        if hasattr(exc, "error_dict"):
            return cls([(name, str(m)) for name, errs in exc.error_dict.items() for e in errs for m in e])
        return cls([("", str(m)) for m in exc.messages])


@dataclass(frozen=True)
class Written:
    """What writing one row did. `action` created | updated | skipped; `obj` the record (None when skipped)."""

    action: str
    obj: models.Model | None = None
    before: dict[str, Any] | None = None  # the fields as they were, for undo of an update
    extra: tuple[models.Model, ...] = ()  # further records the row created (e.g. memberships), undone with it


@dataclass
class Context:
    """What a kind may use while cleaning and writing: the actor, the policies, and a per-import cache."""

    actor: Any
    on_existing: str  # skip | update | reject
    today: dt.date
    cache: dict[str, Any] = field(default_factory=dict)

    def memo(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]


class ImportKind:
    """Base class of the kinds; subclasses set the class attributes and implement clean/write."""

    name: str = ""
    title: str | Promise = ""
    permission: str = ""  # the permission the kind's service needs (checked once, before reading the file)
    columns: tuple[Column, ...] = ()
    # Fields of the natural key (NIK; KUBE code; KUBE + month), used to find a row's twin inside the same file.
    key_fields: tuple[str, ...] = ()
    model_label: str = ""  # "registry.family": what ImportedRecord rows name

    def key(self, row: Mapping[str, Any]) -> tuple[Any, ...] | None:
        values = tuple(row.get(name) for name in self.key_fields)
        return None if any(v in (None, "") for v in values) else values

    def clean(self, raw: Mapping[str, Any], *, ctx: Context) -> dict[str, Any]:
        """Raw cell values (by field) -> typed values. Raise RowInvalid naming the fields at fault."""
        raise NotImplementedError

    def write(self, row: dict[str, Any], *, ctx: Context) -> Written:
        """Create or update (per ctx.on_existing) through the app's services; raise ValidationError or
        RowInvalid to reject the row (the engine rolls back its savepoint)."""
        raise NotImplementedError

    def undo(self, obj_id: int, action: str, before: dict[str, Any] | None, *, actor: Any) -> None:
        """Remove a created record or restore an updated one; raise ValidationError when something depends on it."""
        raise NotImplementedError

    def required(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns if c.required)

    def column(self, field_name: str) -> Column | None:
        return next((c for c in self.columns if c.field == field_name), None)


def existing_policy(ctx: Context, *, label: str) -> str | None:
    """What to do with a row whose record exists: "skip", "update", or raise RowInvalid (reject)."""
    if ctx.on_existing == "reject":
        from django.utils.translation import gettext as _

        raise RowInvalid.one(
            "", _("%(what)s already exists (choose 'update' or 'skip' to accept such rows).") % {"what": label}
        )
    return ctx.on_existing


def changed_fields(obj: models.Model, values: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The subset of `values` that differs from the record: an update with nothing new is a skip, not a write."""
    return {name: values[name] for name in names if name in values and getattr(obj, name) != values[name]}
