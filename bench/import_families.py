"""Import a million-row families file end to end and compare it with the database's own loading (issue 6).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import .venv/bin/python bench/import_families.py
    .venv/bin/python bench/import_families.py --sqlite-only          # the SQLite figure alone

Writes --rows valid families (default 1,000,000) with the demo generator (`pendamping families_csv`; village by
village, as a DTKS/SIKS-NG export lists them; --shuffled puts the rows in random order), then, each
in a fresh process on an emptied `registry_family` with every index and constraint in place:
  (1) raw COPY   — PostgreSQL's COPY of the same CSV into the same table (no validation at all; the columns
                   the file lacks get constant defaults for the occasion);
  (2) bulk_create — Django's bulk_create of the same rows (5,000 per batch, one transaction);
  (3) import     — `import_data families` as an office runs it: the file stored, read, every row validated by
                   the rules of the family form, written, and every created family recorded for undo;
  (4) import on SQLite (a fresh database file) — target under 90 s.
For each it prints seconds, rows/s and the process's peak RSS, then the ratios the issue sets:
import rate >= 0.5 x COPY rate, import rate >= 3 x bulk_create rate, peak RSS < 1 GB.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("PENDAMPING_IMPORT_MAX_MB", "1024")
FILE_COLUMNS = ("dtks_id", "nik", "kk_number", "head_name", "birth_date", "sex", "address", "rt", "rw", "desa_id",
                "household_size", "monthly_income", "welfare_decile")  # fmt: skip
DEFAULTS = {"regency_id": "'35.78'", "status": "'active'", "version": "1", "created_at": "now()",
            "updated_at": "now()", "decile_as_of": "current_date"}  # fmt: skip


def _django() -> None:
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _empty() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        table = "registry_family"
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table}, exchange_importedrecord CASCADE")
            cursor.execute("VACUUM ANALYZE registry_family")
        else:
            cursor.execute("DELETE FROM exchange_importedrecord")
            cursor.execute(f"DELETE FROM {table}")


def phase_copy(path: Path) -> dict[str, Any]:
    from django.db import connection, transaction

    _empty()
    columns = ", ".join(FILE_COLUMNS)
    _defaults("SET DEFAULT")  # the columns the file lacks, outside the timed transaction
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL DateStyle = 'ISO, DMY'")
        sql = f"COPY registry_family ({columns}) FROM STDIN (FORMAT csv, HEADER true)"
        with path.open("rb") as handle, cursor.cursor.copy(sql) as copy:
            for block in iter(lambda: handle.read(1 << 20), b""):
                copy.write(block)
    seconds = time.perf_counter() - start
    _defaults("DROP DEFAULT")
    _empty()
    return {"seconds": seconds, "rss_mb": _peak_mb()}


def _defaults(action: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for column, value in DEFAULTS.items():
            tail = f"SET DEFAULT {value}" if action == "SET DEFAULT" else "DROP DEFAULT"
            cursor.execute(f"ALTER TABLE registry_family ALTER COLUMN {column} {tail}")


def phase_bulk(path: Path) -> dict[str, Any]:
    import csv

    from django.db import transaction

    from pendamping.core.nik import parse_nik
    from pendamping.registry.models import Family

    _empty()
    start = time.perf_counter()
    with transaction.atomic(), path.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        batch: list[Family] = []
        for row in reader:
            info = parse_nik(row[1])
            batch.append(Family(nik=info.nik, kk_number=row[2], head_name=row[3], sex=info.sex,
                                birth_date=info.birth_date, address=row[6], rt=row[7], rw=row[8], desa_id=row[9],
                                regency_id=row[9][:5], household_size=int(row[10]), monthly_income=int(row[11]),
                                dtks_id=row[0], welfare_decile=int(row[12]), decile_as_of=info.birth_date))  # fmt: skip
            if len(batch) == 5000:
                Family.objects.bulk_create(batch)
                batch = []
        Family.objects.bulk_create(batch)
    seconds = time.perf_counter() - start
    _empty()
    return {"seconds": seconds, "rss_mb": _peak_mb()}


def phase_import(path: Path, keep: bool = False) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from pendamping.exchange.services.batches import batch_run, batch_upload
    from pendamping.exchange.services.cli import file_chunks

    _empty()
    admin = get_user_model().objects.get(username="bench-admin")
    start = time.perf_counter()
    batch = batch_upload(actor=admin, kind="families", name=path.name, chunks=file_chunks(path))
    batch_run(batch=batch)
    seconds = time.perf_counter() - start
    batch.refresh_from_db()
    result = {"seconds": seconds, "rss_mb": _peak_mb(), "status": batch.status, "created": batch.created,
              "rejected": batch.rejected}  # fmt: skip
    if not keep:
        _empty()
    return result


def _prepare() -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from pendamping.regions.models import Region

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)
    users = get_user_model().objects
    if not users.filter(username="bench-admin").exists():
        users.create_superuser("bench-admin", "bench@example.org", "bench-admin-pass", role="admin")


def _child(phase: str, path: Path, env: dict[str, str]) -> dict[str, Any]:
    """Each measurement in its own process, so each peak RSS is its own."""
    out = subprocess.run([sys.executable, __file__, "--phase", phase, "--file", str(path)], env=env,
                         capture_output=True, text=True, check=False)  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _line(label: str, rows: int, result: dict[str, Any]) -> str:
    rate = rows / result["seconds"]
    return f"{label:<28} {result['seconds']:8.1f} s {rate:12,.0f} rows/s   peak RSS {result['rss_mb']:7.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--file", type=Path, help="reuse this families CSV instead of writing one")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--shuffled", action="store_true",
                        help="the same rows in random order (a file not listed village by village)")  # fmt: skip
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args()
    _django()
    if args.phase:
        phases = {"copy": phase_copy, "bulk": phase_bulk, "import": phase_import, "generate": phase_generate,
                  "shuffle": phase_shuffle,
                  "prepare": lambda p: _prepare()}  # fmt: skip
        print(json.dumps(phases[args.phase](args.file) or {}))
        return
    run(args)


def run(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    path = args.file or work / "families.csv"
    env = {**os.environ, "BENCH_ROWS": str(args.rows)}
    sqlite_env = {k: v for k, v in env.items() if k != "DATABASE_URL"} | {"PENDAMPING_DATA": str(work / "sqlite")}
    on_postgres = not args.sqlite_only and env.get("DATABASE_URL", "").startswith("postgres")
    _child("prepare", path, env if on_postgres else sqlite_env)
    if not args.file:  # the generator reads the villages from the database just prepared
        started = time.perf_counter()
        _child("generate", path, env if on_postgres else sqlite_env)
        print(f"wrote {args.rows:,} families to {path} ({path.stat().st_size / 2**20:.0f} MB) in "
              f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    if args.shuffled:  # in a child too: the parent's memory would count in every later child's peak RSS
        shuffled = work / "families-shuffled.csv"
        _child("shuffle", path, env | {"BENCH_SHUFFLED": str(shuffled)})
        path = shuffled
    rows = sum(1 for _ in path.open("rb")) - 1
    figures: dict[str, dict[str, Any]] = {}
    if on_postgres:
        for phase in ("copy", "bulk", "import"):
            figures[phase] = _child(phase, path, env)
            print(_line({"copy": "PostgreSQL raw COPY", "bulk": "PostgreSQL bulk_create",
                         "import": "PostgreSQL import_data"}[phase], rows, figures[phase]), flush=True)  # fmt: skip
    _child("prepare", path, sqlite_env)
    figures["sqlite"] = _child("import", path, sqlite_env)
    print(_line("SQLite import_data", rows, figures["sqlite"]))
    _verdict(figures)


def phase_shuffle(source: Path) -> dict[str, Any]:
    """The file's rows in a random (seeded) order: what every phase costs when the rows do not come village by
    village, as an export pulled per region lists them."""
    import random

    target = Path(os.environ["BENCH_SHUFFLED"])
    header, *lines = source.read_bytes().splitlines(keepends=True)
    random.Random(2019).shuffle(lines)
    target.write_bytes(header + b"".join(lines))
    return {"rows": len(lines)}


def phase_generate(path: Path) -> dict[str, Any]:
    from pendamping.demo.families_file import families_csv_write

    return {"rows": families_csv_write(path=path, rows=int(os.environ["BENCH_ROWS"]))}


def _verdict(figures: dict[str, dict[str, Any]]) -> None:
    for name, result in figures.items():
        if "status" in result and (result["status"] != "done" or result["rejected"]):
            print(f"  !! {name}: the import ended {result['status']} with {result['rejected']} rejected rows")
    if "import" in figures:
        copy, bulk, imp = (figures[k]["seconds"] for k in ("copy", "bulk", "import"))
        print(f"import speed / COPY speed        = {copy / imp:.2f}  (target >= 0.50)")
        print(f"import speed / bulk_create speed = {bulk / imp:.2f}  (target >= 3.00)")
        print(f"import peak RSS                  = {figures['import']['rss_mb']:.0f} MB (target < 1024)")
    print(f"SQLite import                    = {figures['sqlite']['seconds']:.1f} s (target < 90)")


if __name__ == "__main__":
    main()
