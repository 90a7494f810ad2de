"""Saved column mappings: an office names the mapping of its unchanged SIKS-NG/DTKS export once and reuses it."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require
from pendamping.exchange.kinds import get_kind
from pendamping.exchange.mapping import IGNORE, INSTANCE_ID
from pendamping.exchange.models import SavedMapping
from pendamping.exchange.reading import normalise_header


def _checked(kind: str, columns: dict[str, str]) -> dict[str, str]:
    fields = {c.field for c in get_kind(kind).columns} | {INSTANCE_ID, IGNORE}
    bad = sorted({value for value in columns.values() if value not in fields})
    if bad:
        raise ValidationError({"columns": _("Not fields of this kind: %(bad)s.") % {"bad": ", ".join(bad)}})
    return {normalise_header(header): value for header, value in columns.items() if normalise_header(header)}


@transaction.atomic
def mapping_save(*, actor: Any, kind: str, name: str, columns: dict[str, str]) -> SavedMapping:
    """Save (or replace) the mapping `name` of a kind: file header -> field ("" ignores the column)."""
    require(actor, "import.mapping")
    name = " ".join(str(name).split())[:80]
    if not name:
        raise ValidationError({"name": _("Give the mapping a name.")})
    mapping, _created = SavedMapping.objects.update_or_create(
        kind=kind, name=name, defaults={"columns": _checked(kind, columns), "created_by": actor}
    )
    return mapping


def mapping_delete(*, actor: Any, mapping: SavedMapping) -> None:
    require(actor, "import.mapping")
    mapping.delete()


def mapping_columns(*, kind: str, name: str) -> dict[str, str]:
    found = SavedMapping.objects.filter(kind=kind, name=name).first()
    if found is None:
        names = ", ".join(SavedMapping.objects.filter(kind=kind).values_list("name", flat=True)) or _("none yet")
        raise ValidationError(
            {
                "mapping": _("No saved mapping %(name)s for this kind (saved: %(names)s).")
                % {"name": name, "names": names}
            }
        )
    return dict(found.columns)


def mapping_from_file(*, kind: str, path: Path) -> dict[str, str]:
    """A mapping file for the CLI: JSON {"header": "field"} or a CSV of two columns header,field."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        try:
            columns = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("%(file)s is not valid JSON: %(error)s") % {"file": path.name, "error": exc}
            ) from None
        if not isinstance(columns, dict):
            raise ValidationError(_('%(file)s must hold one object: {"header": "field"}.') % {"file": path.name})
    else:
        columns = {row[0]: row[1].strip() for row in csv.reader(text.splitlines()) if len(row) >= 2}
    return _checked(kind, {str(k): str(v) for k, v in columns.items()})
