"""Seed the demo data set at scale, then measure page and API latency (issue 2, "Performance").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/seed_and_latency.py

Migrates, loads the regions, seeds --families families (default 1,000,000) unless the database already
has families, prints the seeding rate, then times --requests requests (default 200) of each of:
  (a) the family list page filtered by regency and searched by name,
  (b) the API family list filtered by regency,
  (c) KUBE detail pages (a different KUBE of the regency each time),
in-process with django.test.Client signed in as the demo admin, after a few warm-up requests.
Refuses SQLite unless --allow-sqlite. See bench/README.md.
"""

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


@dataclass
class Timing:
    label: str
    median_ms: float
    p95_ms: float
    max_ms: float
    queries: int


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--families", type=int, default=1_000_000, help="families to seed (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=2019, help="demo data seed (default 2019)")
    parser.add_argument("--batch-size", type=int, default=5000, help="families per transaction (default 5000)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per URL (default 200)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first (default 5)")
    parser.add_argument("--regency", default="35.78", help="regency filter (default 35.78, Kota Surabaya)")
    parser.add_argument("--q", default="slamet", help="name fragment searched on the list page (default slamet)")
    parser.add_argument("--allow-sqlite", action="store_true", help="run on SQLite anyway (figures not comparable)")
    parser.add_argument("--skip-latency", action="store_true", help="seed only")
    return parser.parse_args()


def machine() -> str:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("\n", 1)[0].split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    return f"{platform.node()}: {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}"


def database_banner(connection: Any) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]} ({connection.settings_dict['NAME']})"
    return f"{connection.vendor} ({connection.settings_dict['NAME']})"


def seed(args: argparse.Namespace) -> str:
    """Seed an empty database; return the rate for the results table."""
    from pendamping.core.context import door
    from pendamping.demo.seed import SeedResult, demo_seed, family_count

    existing = family_count()
    if existing:
        print(f"seeding: skipped, the database already has {existing:,} families (drop it to re-seed)")
        return "(not seeded in this run)"

    def progress(r: SeedResult) -> None:
        rates = f"{r.families / r.seconds:>7,.0f} families/s  {r.rows / r.seconds:>7,.0f} rows/s"
        print(f"  {r.families:>9,} families  {rates}", flush=True)

    with door("cli"):
        r = demo_seed(families=args.families, seed=args.seed, batch_size=args.batch_size, progress=progress)
    print(
        f"seeding: {r.families:,} families, {r.groups:,} KUBE, {r.memberships:,} memberships, {r.grants:,} grants, "
        f"{r.companions:,} companions; {r.rows:,} rows in {r.seconds:,.1f} s = "
        f"{r.families / r.seconds:,.0f} families/s, {r.rows / r.seconds:,.0f} rows/s"
    )
    return f"{r.families / r.seconds:,.0f} families/s ({r.rows / r.seconds:,.0f} rows/s)"


def analyze(connection: Any) -> None:
    """Fresh planner statistics and visibility map, as autovacuum would leave them after a bulk load."""
    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f} s")


def signed_in_client() -> Any:
    from django.test import Client

    from pendamping.accounts.models import User
    from pendamping.core.context import door
    from pendamping.demo.users import demo_users_ensure

    with door("cli"):
        demo_users_ensure()
    client = Client()
    # Name the backend: axes comes first in AUTHENTICATION_BACKENDS and cannot load a user.
    client.force_login(User.objects.get(username="admin"), backend="django.contrib.auth.backends.ModelBackend")
    return client


def time_urls(client: Any, label: str, urls: list[str], args: argparse.Namespace) -> Timing | None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # secure=True: with production settings (DATABASE_URL, DEBUG off) plain HTTP is redirected to HTTPS.
    try:
        with CaptureQueriesContext(connection) as captured:
            first = client.get(urls[0], secure=True)
        queries = len(captured)  # now: every new request empties the connection's query log
    except Exception as exc:  # the test client re-raises a view's error: report it, time the others
        print(f"{label}: {urls[0]} raised {type(exc).__name__}: {exc}; skipped")
        return None
    if first.status_code == 404:
        print(f"{label}: {urls[0]} answered 404: this URL (or the object) does not exist yet; skipped")
        return None
    if first.status_code != 200:
        print(f"{label}: {urls[0]} answered {first.status_code}: {first.content[:300]!r}; skipped")
        return None
    for i in range(args.warmup):
        client.get(urls[i % len(urls)], secure=True)
    times = []
    for i in range(args.requests):
        started = time.perf_counter()
        response = client.get(urls[i % len(urls)], secure=True)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            print(f"{label}: {urls[i % len(urls)]} answered {response.status_code} on request {i + 1}")
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
    return Timing(label, statistics.median(times), p95, max(times), queries)


def latency(args: argparse.Namespace) -> list[Timing]:
    from pendamping.registry.models import Group

    client = signed_in_client()
    kube = list(Group.objects.filter(regency_id=args.regency).order_by("id").values_list("id", flat=True))
    kube = random.Random(args.seed).sample(kube, min(len(kube), args.requests)) or [0]
    plan = [
        ("(a) family list page, regency + name", [f"/registry/families/?regency={args.regency}&q={args.q}"]),
        ("(b) API family list, regency", [f"/api/families?regency={args.regency}"]),
        ("(c) KUBE detail page", [f"/registry/groups/{pk}/" for pk in kube]),
    ]
    return [t for label, urls in plan if (t := time_urls(client, label, urls, args))]


def report(timings: list[Timing], args: argparse.Namespace, seeding: str) -> None:
    print()
    print(f"{'request':<40} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for t in timings:
        flag = "" if t.p95_ms <= 150 else "  (above the 150 ms target)"
        print(f"{t.label:<40} {t.median_ms:>10.1f} {t.p95_ms:>8.1f} {t.max_ms:>8.1f} {t.queries:>8}{flag}")
    print()
    print("Markdown row for bench/README.md (median / p95 ms):")
    cells = " | ".join(f"{t.median_ms:.0f} / {t.p95_ms:.0f}" for t in timings)
    print(f"| {dt.date.today()} | {machine()} | {args.families:,} | {seeding} | {cells} |")


def main() -> None:
    args = parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite" and not args.allow_sqlite:
        sys.exit("This benchmark is for PostgreSQL: set DATABASE_URL (or pass --allow-sqlite).")
    print(f"machine: {machine()}\ndatabase: {database_banner(connection)}")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable")
    call_command("load_regions")
    seeding = seed(args)
    analyze(connection)
    if not args.skip_latency:
        # Production settings serve hashed static names from a manifest that collectstatic writes.
        call_command("collectstatic", interactive=False, verbosity=0)
        report(latency(args), args, seeding)


if __name__ == "__main__":
    main()
