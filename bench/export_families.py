"""Export every family to XLSX through the export code path of the pages and the API (issue 6, "Performance").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_export .venv/bin/python bench/export_families.py

Migrates, loads the regions, and fills the family table up to --families rows (default 1,000,000) with PostgreSQL
COPY (rows made up here: valid NIKs, Indonesian names, every column filled), unless it already holds them. Then,
in a fresh process so the peak memory is the export's own, it writes the "families" export of the provincial
admin (every family, NIK/KK unmasked, one audit entry) as XLSX: the same selector, values query, conversion and
XlsxWriter writer (constant memory) that GET /exchange/export/families/?format=xlsx uses, without the HTTP layer.
Prints rows, seconds, rows/s, the file size and the peak RSS. Targets: < 60 s and < 500 MB for 1,000,000 rows.
Refuses SQLite unless --allow-sqlite. See bench/EXPORTS.md.
"""

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

FIRST = ["Slamet", "Siti", "Budi", "Sri", "Agus", "Dewi", "Joko", "Wahyu", "Rina", "Bambang", "Nur", "Eko", "Yuli"]
LAST = ["Riyadi", "Rahayu", "Santoso", "Wati", "Susanto", "Lestari", "Hidayat", "Purnomo", "Handayani", "Kurniawan"]
STREETS = ["Jl. Mawar", "Jl. Melati", "Jl. Kenanga", "Gg. Anggrek", "Jl. Raya", "Dusun Krajan", "Jl. Pahlawan"]
STATUSES = ["active"] * 8 + ["graduated", "moved", "inactive"]
COLUMNS = (
    "nik, kk_number, head_name, sex, birth_date, address, rt, rw, household_size, monthly_income, dtks_id, "
    "welfare_decile, decile_as_of, status, version, created_at, updated_at, desa_id, regency_id"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--families", type=int, default=1_000_000, help="families in the table (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=2019, help="seed of the made-up rows (default 2019)")
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", help="file format (default xlsx)")
    parser.add_argument("--keep", metavar="PATH", help="keep the file at PATH (default: a temporary file)")
    parser.add_argument("--allow-sqlite", action="store_true", help="run on SQLite anyway (figures not comparable)")
    parser.add_argument("--export-only", action="store_true", help=argparse.SUPPRESS)  # the measured child process
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # and a JSON line (bench/run.py)
    return parser.parse_args()


def machine() -> str:
    meminfo = Path("/proc/meminfo")
    memory = f", {int(meminfo.read_text().split()[1]) / 1024 / 1024:.0f} GB RAM" if meminfo.exists() else ""
    return (
        f"{os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def family_row(i: int, desa: str, rng: random.Random, now: dt.datetime) -> tuple[Any, ...]:
    """The i-th made-up family: (birth date, serial) differ for every i below 9999 x 20000, so the NIK is unique."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=(i // 9999) % 20000)
    female = i % 2 == 1
    prefix = desa.replace(".", "")[:6]
    nik = f"{prefix}{born.day + 40 if female else born.day:02d}{born.month:02d}{born.year % 100:02d}{i % 9999 + 1:04d}"
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    decile = rng.randint(1, 4)
    return (
        nik, f"{prefix}{i:010d}", name, "F" if female else "M", born,
        f"{rng.choice(STREETS)} No. {rng.randint(1, 200)}", f"{rng.randint(1, 20):03d}", f"{rng.randint(1, 9):03d}",
        rng.randint(1, 8), rng.randrange(300_000, 3_000_000, 50_000), f"DTKS{i:012d}", decile, dt.date(2024, 1, 1),
        rng.choice(STATUSES), 1, now, now, desa, desa[:5],
    )  # fmt: skip


def fill(families: int, seed: int) -> None:
    """Top the family table up to `families` rows with COPY, in one transaction."""
    from django.db import connection, transaction
    from django.utils import timezone

    from pendamping.regions.models import Region

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_family")
        have = cursor.fetchone()[0]
    if have >= families:
        print(f"setup: the table already holds {have:,} families")
        return
    villages = list(Region.objects.filter(level=Region.Level.VILLAGE).order_by("code").values_list("code", flat=True))
    rng, now, started = random.Random(seed), timezone.now(), time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY registry_family ({COLUMNS}) FROM STDIN") as copy:
            for i in range(have, families):
                copy.write_row(family_row(i, villages[i % len(villages)], rng, now))
    seconds = time.perf_counter() - started
    print(f"setup: COPY of {families - have:,} families in {seconds:.1f} s ({(families - have) / seconds:,.0f} rows/s)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE registry_family")


def bench_user() -> Any:
    from pendamping.accounts.models import Role, User

    user, _ = User.objects.get_or_create(username="bench_export_admin", defaults={"role": Role.ADMIN})
    return user


def export(args: argparse.Namespace) -> None:
    """The measured part: the families export of the provincial admin, as the page and the API write it."""
    from django.db import connection

    from pendamping.core.context import door
    from pendamping.exchange.exports import spec_for
    from pendamping.exchange.exports.responses import export_recorded, list_table
    from pendamping.exchange.exports.writers import csv_chunks, xlsx_write

    user, spec = bench_user(), spec_for("families")
    before = peak_rss_mb()
    target = open(args.keep, "w+b") if args.keep else tempfile.TemporaryFile()  # noqa: SIM115
    started, cpu = time.perf_counter(), time.process_time()
    with door("cli"), target:
        table, _, unmasked = list_table(user=user, spec=spec, params={})
        if args.format == "xlsx":
            rows = xlsx_write(table, target)
        else:
            rows = -1  # the header line
            for chunk in csv_chunks(table):
                target.write(chunk)
                rows += chunk.count(b"\n")
        if unmasked:
            export_recorded(user, list_name=spec.name, fmt=args.format, params={}, rows=rows)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        size = target.seek(0, os.SEEK_END)
    peak = peak_rss_mb()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; machine: {machine()}")
    print(f"export: {rows:,} families as {args.format.upper()} in {seconds:.1f} s = {rows / seconds:,.0f} rows/s")
    print(f"CPU time of the exporting process: {cpu:.1f} s; load average after: {os.getloadavg()[0]:.1f}")
    print(f"file: {size / 1024 / 1024:,.1f} MB; peak RSS {peak:,.0f} MB (process before the export: {before:,.0f} MB)")
    verdict = "within" if seconds < 60 and peak < 500 else "OUTSIDE"
    print(f"targets (< 60 s, < 500 MB for 1,000,000 rows): {verdict}")
    if args.json:
        figures = {"rows": rows, "seconds": seconds, "cpu_s": cpu, "size_mb": size / 2**20, "rss_mb": peak}
        print(json.dumps(figures))


def main() -> None:
    args = parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite" and not args.allow_sqlite:
        sys.exit("This benchmark is for PostgreSQL: set DATABASE_URL (or pass --allow-sqlite).")
    if args.export_only:
        export(args)
        return
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable")
    call_command("load_regions")
    fill(args.families, args.seed)
    connection.close()
    # A fresh process: the peak RSS of the export, not of the setup.
    subprocess.run([sys.executable, __file__, "--export-only", *sys.argv[1:]], check=True)


if __name__ == "__main__":
    main()
