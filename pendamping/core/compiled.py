"""Queries the ORM builds once per process and then runs with a new value each time.

For the lookups every API call makes before its real work (the bearer token): Django spends longer building
and compiling such a query than PostgreSQL spends answering it, and its shape never changes, only the one value
looked up. The query is still written with the ORM, so it stays portable and checked; only its SQL is kept."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)

# Stands for the value while the query is compiled; a text no real value can equal by accident.
_PLACEHOLDER = "\x00compiled-query-value\x00"


class CompiledQuery(Generic[M]):
    """`query(value)` gives the rows of `build(value)`, with its annotations as attributes. `build` is called once
    per database, with a placeholder, and must use its argument exactly once, as a plain value (a lookup's
    right-hand side)."""

    def __init__(self, build: Callable[[str], QuerySet[M]]) -> None:
        self._build = build
        self._compiled: dict[str, _Compiled[M]] = {}

    def __call__(self, value: str, *, using: str = DEFAULT_DB_ALIAS) -> list[M]:
        # Keyed by vendor too: a test may point the alias at another database.
        key = f"{using}:{connections[using].vendor}"
        if key not in self._compiled:
            self._compiled[key] = _Compiled.of(self._build(_PLACEHOLDER).using(using))
        return self._compiled[key].rows(value)


@dataclass(frozen=True)
class _Compiled(Generic[M]):
    qs: QuerySet[M]
    sql: str
    params: tuple[Any, ...]
    index: int  # of the value among the parameters
    conversions: tuple[tuple[str, list[Any], Any], ...]  # annotation, its converters, its expression

    @classmethod
    def of(cls, qs: QuerySet[M]) -> "_Compiled[M]":
        compiler = qs.query.get_compiler(qs.db)
        sql, params = compiler.as_sql()
        if list(params).count(_PLACEHOLDER) != 1:
            raise ValueError("The query must use its value exactly once, as a plain value.")
        annotations = list(qs.query.annotation_select.items())
        converters = compiler.get_converters([expression for _name, expression in annotations])
        conversions = tuple((annotations[i][0], fns, expr) for i, (fns, expr) in converters.items())
        return cls(qs, sql, tuple(params), list(params).index(_PLACEHOLDER), conversions)

    def rows(self, value: str) -> list[M]:
        params = (*self.params[: self.index], value, *self.params[self.index + 1 :])
        rows = list(self.qs.model._default_manager.db_manager(self.qs.db).raw(self.sql, params))
        # A raw query converts the model's own columns only (a time read from SQLite is text until converted).
        connection = connections[self.qs.db]
        for name, converters, expression in self.conversions:
            for row in rows:
                value = getattr(row, name)
                for convert in converters:
                    value = convert(value, expression, connection)
                setattr(row, name, value)
        return rows
