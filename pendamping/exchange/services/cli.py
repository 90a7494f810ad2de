"""What the import command needs besides the batch services: who acts, which mapping, and the report file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pendamping.exchange.models import ImportBatch
from pendamping.exchange.services.error_files import error_list, render
from pendamping.exchange.services.mappings import mapping_columns, mapping_from_file


def acting_user(username: str | None) -> Any:
    users = get_user_model().objects.filter(is_active=True)
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise ValidationError(_("No active user %(name)s.") % {"name": username})
        return user
    user = (users.filter(is_superuser=True) | users.filter(role="admin")).order_by("pk").first()
    if user is None:
        raise ValidationError(_("There is no admin to import as; name the importing user with --user."))
    return user


def chosen_mapping(kind: str, value: str | None) -> dict[str, str] | None:
    if not value:
        return None
    path = Path(value)
    if path.suffix.lower() in (".json", ".csv") and path.is_file():
        return mapping_from_file(kind=kind, path=path)
    return mapping_columns(kind=kind, name=value)


def file_chunks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from iter(lambda: handle.read(size), b"")


def write_report(batch: ImportBatch, path: Path) -> None:
    fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
    header, rows = error_list(batch)
    path.write_bytes(render(header, rows, fmt))
