"""Dashboards and reports at province scale (issue 7, "Fast at province scale").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_province PENDAMPING_DATA=/tmp/bench-province-var \\
        .venv/bin/python bench/dashboards.py [--requests 200] [--period 2026-Q3]

Needs the province-scale data set (bench/province_data.py: 1,000,000 families, 100,000 KUBE, 5,000 companions,
2,400,000 monthly reports, 1,000,000 visits); generates it first when the database has no families. Then:
  1. rebuilds the families' welfare-change summary (enterprise.WelfareChange) and times it;
  2. times --requests requests (default 200) of the province dashboard as the provincial admin and of a regency
     dashboard as that regency's officer, in-process through django.test.Client after warm-up requests, and
     prints median, p95, max and SQL queries of one request (target: p95 <= 300 ms). Twice: "served", as the
     pages run (a board is counted once, then served from its snapshot for DASHBOARD_SNAPSHOT_SECONDS; the
     first, counting request is among the timed ones), and "counted", with snapshots off so that every request
     counts the board in the database (--cold-requests of them, default 20);
  3. times `refresh_dashboards` for the current quarter (the province and its 38 regencies, counted anew);
  4. times the quarterly province report and a monthly regency report as PDF and XLSX (target: <= 20 s).
Refuses SQLite. See bench/README.md."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from seed_and_latency import Timing, analyze, database_banner, machine  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first (default 5)")
    parser.add_argument("--period", default="", help="the dashboards' period (default: the last full quarter)")
    parser.add_argument("--regency", default="", help="the regency dashboard's code (default: the largest regency)")
    parser.add_argument("--cold-requests", type=int, default=20, help="timed requests with snapshots off")
    parser.add_argument("--skip-reports", action="store_true", help="time the pages only")
    return parser.parse_args()


def users(regency: str) -> tuple[Any, Any]:
    from pendamping.accounts.models import Role, User

    admin, _ = User.objects.get_or_create(username="bench_admin", defaults={"role": Role.ADMIN})
    officer, _ = User.objects.get_or_create(username=f"bench_officer_{regency}", defaults={"role": Role.OFFICER})
    officer.regencies.set([regency])
    return admin, officer


def client_of(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def time_page(label: str, client: Any, url: str, requests: int, warmup: int) -> Timing:
    from django.core.cache import cache
    from django.db import connection

    cache.clear()
    queries = []  # Django empties its own query log when a request starts: count at the driver instead

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        first = client.get(url, secure=True)  # secure: production settings redirect plain HTTP
    if first.status_code != 200:
        sys.exit(f"{label}: {url} answered {first.status_code}")
    for _ in range(warmup):
        client.get(url, secure=True)
    cache.clear()  # the first timed request counts the board anew
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url, secure=True)
        times.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
    return Timing(label, statistics.median(times), p95, max(times), len(queries))


def time_reports(admin: Any, regency: str, quarter: str, month: str) -> list[tuple[str, float, int]]:
    from pendamping.dashboards.reports.runner import report_render

    plan = [("province_quarter", "", quarter), ("regency_month", regency, month)]
    rows = []
    for kind, area, period in plan:
        for fmt in ("pdf", "xlsx"):
            started = time.perf_counter()
            data = report_render(user=admin, kind=kind, area_code=area, period=period, fmt=fmt)
            rows.append((f"{kind} {area or 'Jawa Timur'} {period} {fmt}", time.perf_counter() - started, len(data)))
    return rows


def prepare(connection: Any) -> None:
    from django.core.management import call_command

    from pendamping.enterprise.models import WelfareChange
    from pendamping.enterprise.services.welfare_change import welfare_changes_rebuild
    from pendamping.registry.models import Family

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable")
    if not Family.objects.exists():
        import province_data

        province_data.generate()
    if not WelfareChange.objects.exists():
        started = time.perf_counter()
        n = welfare_changes_rebuild()
        print(f"welfare-change summary rebuilt: {n:,} families in {time.perf_counter() - started:.1f} s")
    analyze(connection)
    call_command("collectstatic", interactive=False, verbosity=0)


def largest_regency() -> str:
    from django.db.models import Count

    from pendamping.registry.models import Group

    row = Group.objects.values("regency_id").annotate(n=Count("pk")).order_by("-n").first()
    return row["regency_id"] if row else "35.78"


def main() -> None:
    args = parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from pendamping.dashboards.period import QUARTER, parse_period, period_of

    if connection.vendor != "postgresql":
        sys.exit("This benchmark is for PostgreSQL: set DATABASE_URL.")
    print(f"machine: {machine()}\ndatabase: {database_banner(connection)}")
    prepare(connection)
    period = parse_period(args.period) if args.period else parse_period("").shifted(-1)
    quarter = period_of(QUARTER, period.start).key
    regency = args.regency or largest_regency()
    admin, officer = users(regency)
    board = f"/dashboards/area/{regency}/?period={period.key}"
    pages = [
        ("province dashboard (admin)", client_of(admin), f"/dashboards/?period={period.key}"),
        (f"regency dashboard {regency} (officer)", client_of(officer), board),
    ]
    timings = [time_page(f"{label}, served", c, url, args.requests, args.warmup) for label, c, url in pages]
    with override_settings(DASHBOARD_SNAPSHOT_SECONDS=0):
        timings += [time_page(f"{label}, counted", c, url, args.cold_requests, 1) for label, c, url in pages]
    print(f"\n{'page':<52} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for t in timings:
        flag = "" if t.p95_ms <= 300 else "  (above the 300 ms target)"
        print(f"{t.label:<52} {t.median_ms:>10.1f} {t.p95_ms:>8.1f} {t.max_ms:>8.1f} {t.queries:>8}{flag}")
    started = time.perf_counter()
    call_command("refresh_dashboards", "--period", quarter, "--user", admin.username)
    print(f"\nrefresh_dashboards --period {quarter}: {time.perf_counter() - started:.1f} s")
    if not args.skip_reports:
        month = f"{period.report_month():%Y-%m}"
        print(f"\n{'report':<48} {'seconds':>8} {'bytes':>10}")
        for label, seconds, size in time_reports(admin, regency, quarter, month):
            flag = "" if seconds <= 20 else "  (above the 20 s target)"
            print(f"{label:<48} {seconds:>8.1f} {size:>10,}{flag}")


if __name__ == "__main__":
    main()
