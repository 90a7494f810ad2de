"""`pendamping backup` and `pendamping restore`: a dump of the configured database with a manifest beside it,
and a restore that checks the result against that manifest (scenario F1 of QUALITY.md; docs/operations.md).

SQLite is copied with the online backup API (one step under a read lock, so a site running in WAL mode keeps
serving and the copy is one consistent moment); a restore builds and checks a new file before it replaces the
live one. PostgreSQL goes through pg_dump/pg_restore; the manifest is counted inside the very snapshot pg_dump
reads, so rows written during the dump can't make a correct backup look wrong.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.core.backup_verify import (
    BackupError,
    Manifest,
    TableSum,
    database_sums,
    dump_check,
    dump_path,
    file_sha256,
    manifest_differences,
    manifest_read,
    manifest_write,
    tables_with_rows,
)

EXTENSIONS = {"sqlite": "sqlite3", "postgresql": "dump"}


class RestoreMismatch(BackupError):
    """The restored data differs from the manifest; `differences` has one line per table."""

    def __init__(self, message: str, differences: list[str]) -> None:
        super().__init__(message)
        self.differences = differences


@dataclass
class BackupResult:
    dump: Path
    manifest_file: Path
    manifest: Manifest
    seconds: float


@dataclass
class RestoreResult:
    manifest: Manifest
    seconds: float
    replaced: list[str] = field(default_factory=list)  # tables that held rows before the restore


def engine_of(*, using: str = "default") -> str:
    vendor = connections[using].vendor
    if vendor not in EXTENSIONS:
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": vendor})
    return vendor


def default_backup_dir() -> Path:
    return Path(getattr(settings, "DATA_DIR", "var")) / "backups"


def backup_target(*, engine: str, output: Path | None) -> Path:
    """The dump's path: `output` if it names a file, else a timestamped name in `output` or the data folder."""
    name = f"pendamping-{timezone.now().strftime('%Y%m%d-%H%M%S')}.{EXTENSIONS[engine]}"
    if output is None:
        target = default_backup_dir() / name
    elif output.is_dir() or str(output).endswith(os.sep):
        target = output / name
    else:
        target = output
    if target.exists():
        raise BackupError(_("%(path)s already exists; a backup never overwrites a file.") % {"path": target})
    # A backup holds every family's NIK: readable by its owner only.
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return target


def backup_create(*, using: str = "default", output: Path | None = None) -> BackupResult:
    """Dump the database, check the dump, then write its manifest (the manifest marks a finished backup)."""
    started = time.perf_counter()
    engine = engine_of(using=using)
    target = backup_target(engine=engine, output=output)
    partial = target.with_name(target.name + ".partial")
    partial.touch(mode=0o600)
    try:
        if engine == "sqlite":
            tables = _sqlite_backup(using=using, target=partial)
        else:
            tables = _pg_backup(using=using, target=partial)
            _pg_archive_check(dump=partial, tables=tables)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    manifest = Manifest(engine=engine, tables=tables, dump=target.name)
    manifest.dump_sha256, manifest.dump_bytes = file_sha256(target), target.stat().st_size
    manifest_file = manifest_write(manifest=manifest, dump=target)
    return BackupResult(dump=target, manifest_file=manifest_file, manifest=manifest, seconds=_since(started))


def backup_restore(*, path: Path, using: str = "default", force: bool = False) -> RestoreResult:
    """Restore `path` into the configured database and check every table against the manifest.

    Refuses a database that holds rows unless `force`. Raises RestoreMismatch listing the tables that differ."""
    started = time.perf_counter()
    dump = dump_path(path)
    manifest = manifest_read(dump=dump)
    engine = engine_of(using=using)
    if manifest.engine != engine:
        raise BackupError(
            _("%(path)s is a %(backup)s backup; the configured database is %(engine)s.")
            % {"path": dump, "backup": manifest.engine, "engine": engine}
        )
    dump_check(manifest=manifest, dump=dump)
    if engine == "postgresql":
        _pg_archive_check(dump=dump, tables=manifest.tables)
    replaced = _existing_rows(using=using)
    if replaced and not force:
        raise BackupError(
            _(
                "The database %(name)s already holds data (%(tables)s). A restore replaces all of it: "
                "run again with --yes to go ahead."
            )
            % {"name": connections[using].settings_dict["NAME"], "tables": ", ".join(replaced[:5])}
        )
    if engine == "sqlite":
        _sqlite_restore(using=using, dump=dump, manifest=manifest)
    else:
        _pg_restore(using=using, dump=dump, manifest=manifest)
    return RestoreResult(manifest=manifest, seconds=_since(started), replaced=replaced)


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 2)


def _existing_rows(*, using: str) -> list[str]:
    connection = connections[using]
    if connection.vendor == "sqlite" and not _sqlite_file(using=using).exists():
        return []  # a new install: connecting would create the file (and fail where its folder is missing)
    with connection.cursor() as cursor:
        found = tables_with_rows(cursor=cursor, engine=connection.vendor)
    connection.close()
    return found


# SQLite ---------------------------------------------------------------------------------------------------------


def _sqlite_file(*, using: str) -> Path:
    name = str(connections[using].settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError(_("An in-memory SQLite database cannot be restored into."))
    return Path(name)


def _sqlite_backup(*, using: str, target: Path) -> dict[str, TableSum]:
    connection = connections[using]
    if connection.in_atomic_block:
        # The copy would wait for our own open write transaction to end, forever.
        raise BackupError(_("A backup cannot run inside a transaction of the database it copies."))
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        # One step (pages=-1) holds the read lock throughout: the copy is a single moment of the database.
        connection.connection.backup(destination, pages=-1)
        # The copy stands alone as one file: no -wal beside it to lose when it is moved or uploaded.
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()
    return sqlite_sums(path=target)


def sqlite_sums(*, path: Path) -> dict[str, TableSum]:
    """Open the file read-only, check its structure, and count and checksum every table."""
    try:
        reader = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(_("%(path)s cannot be opened: %(error)s") % {"path": path, "error": exc}) from exc
    try:
        problems = [row[0] for row in reader.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise BackupError(_("%(path)s is damaged: %(error)s") % {"path": path, "error": "; ".join(problems[:3])})
        return database_sums(cursor=reader.cursor(), engine="sqlite")
    except sqlite3.DatabaseError as exc:
        raise BackupError(_("%(path)s is not a SQLite database: %(error)s") % {"path": path, "error": exc}) from exc
    finally:
        reader.close()


def _sqlite_restore(*, using: str, dump: Path, manifest: Manifest) -> None:
    """Copy beside the live file, check the copy, and only then swap it in (a rename is atomic)."""
    live = _sqlite_file(using=using)
    live.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=live.parent, prefix=f".{live.name}.restore-")
    os.close(fd)
    copy = Path(name)
    try:
        shutil.copyfile(dump, copy)
        differences = manifest_differences(expected=manifest, found=sqlite_sums(path=copy))
        if differences:
            raise RestoreMismatch(
                _("The copy of %(path)s differs from its manifest; the database was left untouched.") % {"path": dump},
                differences,
            )
        connections[using].close()
        # A -wal left beside the new file would be replayed into it: both go before the swap.
        for suffix in ("-wal", "-shm"):
            live.with_name(live.name + suffix).unlink(missing_ok=True)
        os.replace(copy, live)
    finally:
        copy.unlink(missing_ok=True)


# PostgreSQL -----------------------------------------------------------------------------------------------------


def _pg_command(program: str, settings_dict: dict[str, Any]) -> list[str]:
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(_("%(program)s is not on the PATH; install the PostgreSQL client.") % {"program": program})
    command = [binary, "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            command.append(f"{option}={settings_dict[key]}")
    return command


def _pg_run(command: list[str], settings_dict: dict[str, Any], **env: str) -> str:
    environ = {**os.environ, **env}
    if settings_dict.get("PASSWORD"):
        environ["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    if sslmode := settings_dict.get("OPTIONS", {}).get("sslmode"):
        environ["PGSSLMODE"] = str(sslmode)
    # pg_dump/psql by absolute path (shutil.which) with options built from DATABASES, never a shell.
    done = subprocess.run(command, capture_output=True, text=True, env=environ, check=False)  # nosec B603
    if done.returncode != 0:
        program = Path(command[0]).name
        raise BackupError(_("%(program)s failed: %(error)s") % {"program": program, "error": done.stderr.strip()})
    return done.stdout


def _pg_backup(*, using: str, target: Path) -> dict[str, TableSum]:
    connection = connections[using]
    if connection.in_atomic_block:
        # SET TRANSACTION ISOLATION must open the transaction that exports pg_dump's snapshot.
        raise BackupError(_("A backup cannot run inside a transaction of the database it copies."))
    settings_dict = connection.settings_dict
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        command = _pg_command("pg_dump", settings_dict)
        command += [
            "--format=custom",
            f"--snapshot={snapshot}",
            f"--file={target}",
            f"--dbname={settings_dict['NAME']}",
        ]
        _pg_run(command, settings_dict)
        with connection.chunked_cursor() as cursor:
            return database_sums(cursor=cursor, engine="postgresql")


def _pg_archive_check(*, dump: Path, tables: dict[str, TableSum]) -> None:
    """pg_restore reads the archive's table of contents: the file is whole and has data for every table."""
    listing = _pg_run(_pg_command("pg_restore", {}) + ["--list", str(dump)], {})
    # A line of the listing: "3456; 0 16390 TABLE DATA public registry_family postgres".
    listed = {line.split(" TABLE DATA ")[1].split()[1] for line in listing.splitlines() if " TABLE DATA " in line}
    missing = sorted(set(tables) - listed)
    if missing:
        raise BackupError(_("%(path)s has no data for %(tables)s.") % {"path": dump, "tables": ", ".join(missing[:5])})


def _pg_restore(*, using: str, dump: Path, manifest: Manifest) -> None:
    connection = connections[using]
    settings_dict = connection.settings_dict
    connection.close()  # our own idle session must not hold a lock pg_restore waits for
    command = _pg_command("pg_restore", settings_dict)
    # One transaction: a restore that fails half-way leaves the database as it was.
    command += ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
    command += ["--exit-on-error", f"--dbname={settings_dict['NAME']}", str(dump)]
    # A site left running would hold locks on the tables; fail after a minute instead of hanging.
    _pg_run(command, settings_dict, PGOPTIONS="-c lock_timeout=60000")
    with transaction.atomic(using=using), connection.chunked_cursor() as cursor:
        found = database_sums(cursor=cursor, engine="postgresql")
    differences = manifest_differences(expected=manifest, found=found)
    if differences:
        raise RestoreMismatch(
            _("%(path)s was restored into %(name)s, but the result differs from its manifest.")
            % {"path": dump, "name": settings_dict["NAME"]},
            differences,
        )
