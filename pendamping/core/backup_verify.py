"""Backup manifests: per-table row counts and content checksums, written beside each dump and checked after a
restore (scenario F1 of QUALITY.md).

A checksum covers every row of a table, its values normalised to text. It is the sum of the rows' SHA-256
digests (modulo 2**256), so it does not depend on the order rows come back in: a restored PostgreSQL server may
sort text keys (session keys, cache keys) by another collation, and reading in key order would then report a
difference that is not one. Duplicate rows still count, unlike with XOR. Each engine verifies against itself:
SQLite and PostgreSQL hand back different Python types for the same column, so their checksums differ.
"""

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.utils.translation import gettext as _

FORMAT = "pendamping-backup"
VERSION = 1
MANIFEST_SUFFIX = ".manifest.json"
ENGINES = ("sqlite", "postgresql")
_MODULUS = 2**256
_BATCH = 2000


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message names the file and is shown as is."""


class Cursor(Protocol):
    """The part of a DB-API cursor the checksums use (sqlite3 and Django's cursors both have it)."""

    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...

    def fetchmany(self, size: int = ...) -> Sequence[Sequence[Any]]: ...


@dataclass(frozen=True)
class TableSum:
    rows: int
    checksum: str


@dataclass
class Manifest:
    engine: str
    tables: dict[str, TableSum]
    dump: str = ""
    dump_sha256: str = ""
    dump_bytes: int = 0
    created_at: str = field(default_factory=lambda: dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds"))

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables.values())


def quote(name: str) -> str:
    """An identifier quoted the SQL-standard way, which SQLite and PostgreSQL both read."""
    return '"' + name.replace('"', '""') + '"'


def table_names(*, cursor: Cursor, engine: str) -> list[str]:
    """Every ordinary table of the database (PostgreSQL: of its current schema), sorted by name."""
    if engine == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    else:
        cursor.execute("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()")
    return sorted(str(row[0]) for row in cursor.fetchmany(1_000_000))


def tables_with_rows(*, cursor: Cursor, engine: str) -> list[str]:
    """The tables holding at least one row: what a restore would overwrite."""
    found = []
    for name in table_names(cursor=cursor, engine=engine):
        cursor.execute(f"SELECT 1 FROM {quote(name)} LIMIT 1")  # nosec B608  # a catalogue table name, quoted
        if cursor.fetchmany(1):
            found.append(name)
    return found


def _text(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return "x" + bytes(value).hex()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def row_digest(row: Iterable[Any]) -> int:
    """One row as a number: its values length-prefixed (so ("ab", "c") and ("a", "bc") differ), NULL apart."""
    parts = ["N;" if value is None else f"{len(text)}:{text};" for value in row for text in [_text(value)]]
    return int.from_bytes(hashlib.sha256("".join(parts).encode()).digest(), "big")


def table_sum(*, cursor: Cursor, table: str) -> TableSum:
    cursor.execute(f"SELECT * FROM {quote(table)}")  # nosec B608  # a catalogue table name, quoted
    rows, total = 0, 0
    while batch := cursor.fetchmany(_BATCH):
        rows += len(batch)
        total = (total + sum(row_digest(row) for row in batch)) % _MODULUS
    return TableSum(rows=rows, checksum=f"{total:064x}")


def database_sums(*, cursor: Cursor, engine: str) -> dict[str, TableSum]:
    return {name: table_sum(cursor=cursor, table=name) for name in table_names(cursor=cursor, engine=engine)}


def manifest_differences(*, expected: Manifest, found: dict[str, TableSum]) -> list[str]:
    """One line per table that differs between the manifest and the database; empty when they match."""
    lines = []
    for name in sorted(expected.tables.keys() | found.keys()):
        want, have = expected.tables.get(name), found.get(name)
        if have is None:
            lines.append(_("%(table)s: missing from the restored database") % {"table": name})
        elif want is None:
            lines.append(_("%(table)s: in the database but not in the backup") % {"table": name})
        elif want.rows != have.rows:
            lines.append(
                _("%(table)s: %(found)s rows, the backup has %(expected)s")
                % {"table": name, "found": have.rows, "expected": want.rows}
            )
        elif want.checksum != have.checksum:
            lines.append(_("%(table)s: same row count, different content") % {"table": name})
    return lines


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + MANIFEST_SUFFIX)


def dump_path(path: Path) -> Path:
    """The dump a path names: the dump itself, or its manifest (both are accepted on the command line)."""
    return path.with_name(path.name.removesuffix(MANIFEST_SUFFIX)) if path.name.endswith(MANIFEST_SUFFIX) else path


def manifest_write(*, manifest: Manifest, dump: Path) -> Path:
    """Written last and atomically: a manifest beside a dump means the dump is complete and was checked."""
    data = {
        "format": FORMAT,
        "version": VERSION,
        "engine": manifest.engine,
        "created_at": manifest.created_at,
        "dump": dump.name,
        "dump_sha256": manifest.dump_sha256,
        "dump_bytes": manifest.dump_bytes,
        "total_rows": manifest.total_rows,
        "tables": {name: {"rows": t.rows, "checksum": t.checksum} for name, t in sorted(manifest.tables.items())},
    }
    target = manifest_path(dump)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".manifest-")
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        json.dump(data, stream, indent=1)
    os.replace(temp, target)
    return target


def manifest_read(*, dump: Path) -> Manifest:
    """The manifest of `dump`, or BackupError naming the file that is missing or not a backup manifest."""
    path = manifest_path(dump)
    if not dump.is_file():
        raise BackupError(_("No backup file at %(path)s.") % {"path": dump})
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(
            _("The manifest %(path)s is missing: is %(dump)s a backup?") % {"path": path, "dump": dump}
        ) from None
    except (OSError, ValueError) as exc:
        raise BackupError(_("The manifest %(path)s cannot be read: %(error)s") % {"path": path, "error": exc}) from exc
    try:
        if data["format"] != FORMAT or data["version"] != VERSION or data["engine"] not in ENGINES:
            raise ValueError(data.get("format"))
        tables = {str(k): TableSum(rows=int(v["rows"]), checksum=str(v["checksum"])) for k, v in data["tables"].items()}
        return Manifest(
            engine=data["engine"],
            tables=tables,
            dump=str(data["dump"]),
            dump_sha256=str(data["dump_sha256"]),
            dump_bytes=int(data["dump_bytes"]),
            created_at=str(data["created_at"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BackupError(_("%(path)s is not a Pendamping backup manifest.") % {"path": path}) from exc


def dump_check(*, manifest: Manifest, dump: Path) -> None:
    """The dump is the very file the manifest describes (not truncated, not swapped, not edited)."""
    if file_sha256(dump) != manifest.dump_sha256:
        raise BackupError(
            _("%(path)s does not match its manifest (damaged, truncated or replaced); it was not restored.")
            % {"path": dump}
        )
