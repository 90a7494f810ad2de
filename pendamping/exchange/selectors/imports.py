"""Reads of import batches: lists, one batch, and what its preview page shows (columns, samples, mapping)."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db.models import Q, QuerySet

from pendamping.exchange.kinds import get_kind
from pendamping.exchange.kinds.base import ImportKind
from pendamping.exchange.mapping import INSTANCE_ID, resolve, suggest
from pendamping.exchange.models import ImportBatch, SavedMapping
from pendamping.exchange.reading import FileProblem, normalise_header
from pendamping.exchange.services.execute import open_batch

SAMPLES = 3


def batch_list(*, user: Any, kind: str = "", status: str = "") -> QuerySet[ImportBatch]:
    qs = ImportBatch.objects.visible_to(user).select_related("created_by")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs


def batch_get(*, user: Any, pk: Any) -> ImportBatch:
    return ImportBatch.objects.visible_to(user).select_related("created_by").get(pk=pk)


def saved_mappings(*, user: Any, kind: str = "") -> QuerySet[SavedMapping]:
    """The mappings a user may choose: their own and the province's (made by an admin); an admin sees all."""
    qs = SavedMapping.objects.select_related("created_by")
    if not (user.is_superuser or getattr(user, "role", "") == "admin"):
        qs = qs.filter(Q(created_by=user) | Q(created_by__is_superuser=True) | Q(created_by__role="admin"))
    return qs.filter(kind=kind) if kind else qs


def mapping_for_change(*, user: Any, pk: Any) -> SavedMapping:
    """A saved mapping its maker (or an admin) may delete; everyone who imports may use any of them."""
    qs = SavedMapping.objects.all()
    if not (user.is_superuser or getattr(user, "role", "") == "admin"):
        qs = qs.filter(created_by=user)
    return qs.get(pk=pk)


@dataclass
class FileColumn:
    index: int
    header: str
    samples: list[str]
    target: str  # the field it is imported as; "" when none
    suggestions: list[str] = field(default_factory=list)


@dataclass
class Preview:
    kind: ImportKind
    columns: list[FileColumn]
    missing: list[str]
    problem: str = ""


def batch_columns(*, batch: ImportBatch) -> Preview:
    """The file's columns with sample values and the field each maps to, for the mapping form."""
    kind = get_kind(batch.kind)
    try:
        table = open_batch(batch)
    except FileProblem as exc:
        return Preview(kind=kind, columns=[], missing=[], problem=str(exc))
    samples = [values for _number, values in islice(table.rows, SAMPLES)]
    resolved = resolve(kind, table.header, batch.mapping)
    mapped = {index: name for name, index in resolved.fields.items()}
    columns = []
    for index, header in enumerate(table.header):
        values = [str(row[index]) for row in samples if index < len(row) and str(row[index]).strip()]
        column = FileColumn(index=index, header=header, samples=values, target=mapped.get(index, ""))
        if not column.target:
            column.suggestions = suggest(kind, header, values, taken=set(resolved.fields))
        columns.append(column)
    return Preview(kind=kind, columns=columns, missing=resolved.missing)


def field_choices(kind: ImportKind) -> list[tuple[str, str]]:
    return [(c.field, f"{c.header} ({c.field})") for c in kind.columns] + [(INSTANCE_ID, "instance ID (ODK/Kobo)")]


def mapping_from_post(header: list[str], values: dict[str, str]) -> dict[str, str]:
    """The mapping form's answers (one select per column, `col_<index>`) as normalised header -> field."""
    return {normalise_header(h): values.get(f"col_{i}", "") for i, h in enumerate(header) if normalise_header(h)}
