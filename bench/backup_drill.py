"""Backup drill (scenario F1): back up the configured database, restore it into a fresh one, compare, print figures.

    .venv/bin/python bench/backup_drill.py                                   # SQLite under PENDAMPING_DATA
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pendamping .venv/bin/python bench/backup_drill.py

The fresh database is a temporary SQLite file, or a PostgreSQL database `pendamping_drill_<pid>` on the same server
(dropped afterwards; the role needs CREATEDB). The live database is only read. The backup is kept in --output
if given; otherwise it goes to a temporary folder, removed afterwards.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connections  # noqa: E402
from django.db.utils import load_backend  # noqa: E402

from pendamping.core.backup import backup_create, backup_restore  # noqa: E402

DRILL = "drill"


def register_fresh(folder: Path) -> dict[str, Any]:
    """A database alias on an empty database of the same engine as the live one."""
    live = connections["default"].settings_dict
    fresh = {**live, "NAME": str(folder / "drill.sqlite3")}
    if connections["default"].vendor == "postgresql":
        fresh["NAME"] = f"pendamping_drill_{os.getpid()}"
        with connections["default"].cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{fresh["NAME"]}"')
    connections[DRILL] = load_backend(fresh["ENGINE"]).DatabaseWrapper(fresh, DRILL)
    return fresh


def drop_fresh(fresh: dict[str, Any]) -> None:
    connections[DRILL].close()
    if connections["default"].vendor == "postgresql":
        with connections["default"].cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh["NAME"]}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=None, help="folder for the backup (kept)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pendamping-drill-"))
    fresh = register_fresh(folder)
    try:
        backup = backup_create(output=args.output or folder)
        restored = backup_restore(path=backup.dump, using=DRILL)  # raises RestoreMismatch on any difference
        manifest = restored.manifest
        print(f"engine            {manifest.engine}")
        print(f"tables / rows     {len(manifest.tables)} / {manifest.total_rows:,}")
        print(f"backup file       {backup.dump} ({manifest.dump_bytes / 1e6:.1f} MB)")
        print(f"backup + manifest {backup.seconds:.1f} s")
        print(f"restore + verify  {restored.seconds:.1f} s")
        print("verify            OK: every table's row count and checksum match")
    finally:
        started = time.perf_counter()
        drop_fresh(fresh)
        shutil.rmtree(folder, ignore_errors=True)
        print(f"cleanup           {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
