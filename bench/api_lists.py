"""Every list of the API, province-wide, at province scale: which ones an admin or an officer waits for.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_province PENDAMPING_DATA=/tmp/bench-province-var \\
        .venv/bin/python bench/api_lists.py [--requests 10] [--regency 35.24]

Needs the province-scale data set (bench/province_data.py, or `bench/run.py --scale province` once). Takes every
GET endpoint of /api/openapi.json without a path parameter (the lists, the summaries, "me"), asks each one with its
defaults (first page, 25 rows, no filter) --requests times after one untimed request, in-process through
django.test.Client with a bearer token, as the provincial admin (the whole province) and as a regency officer
(--regency, default the one with most KUBE), and prints the median and p95 per endpoint, slowest first, and the
SQL queries of one request. No endpoint has a target of its own; issue 2's list target (p95 <= 150 ms) is the
yardstick printed beside them. Refuses SQLite. See bench/README.md."""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TARGET_MS = 150


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=10, help="timed requests per endpoint and user (default 10)")
    parser.add_argument("--regency", default="", help="the officer's regency (default: the one with most KUBE)")
    parser.add_argument("--only", default="", help="endpoints whose path contains this text")
    return parser.parse_args()


def token_client(username: str, role: str, regencies: list[str]) -> Any:
    from django.test import Client

    from pendamping.accounts.models import ApiToken, User
    from pendamping.accounts.services import token_create
    from pendamping.core.context import door

    user, _ = User.objects.update_or_create(username=username, defaults={"role": role})
    user.regencies.set(regencies)
    ApiToken.objects.filter(user=user, name="bench lists").delete()
    with door("cli"):
        raw = token_create(user=user, name="bench lists")[1]
    return Client(headers={"Authorization": f"Bearer {raw}"})


def time_endpoint(client: Any, url: str, requests: int) -> tuple[float, float, int, int]:
    """Median and p95 in ms, the status, and the SQL queries of one request."""
    from django.db import connection

    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status = client.get(url, secure=True).status_code
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url, secure=True)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], status, len(queries)


def main() -> None:
    args = parse_args()
    import django

    django.setup()
    from dashboards import largest_regency
    from django.conf import settings
    from django.db import connection

    from pendamping.accounts.models import Role

    if connection.vendor != "postgresql":
        sys.exit("This benchmark is for PostgreSQL.")
    settings.PENDAMPING["API_RATE_USER"] = "1000000/min"  # the rate limit would otherwise answer 429
    logging.getLogger("django.request").setLevel(logging.ERROR)  # a 403 of an admin-only list is an answer too
    regency = args.regency or largest_regency()
    clients = {
        "admin": token_client("bench_lists_admin", Role.ADMIN, []),
        f"officer {regency}": token_client(f"bench_lists_officer_{regency}", Role.OFFICER, [regency]),
    }
    paths = clients["admin"].get("/api/openapi.json", secure=True).json()["paths"]
    # The schema's paths hold the /api prefix; those with a {parameter} need an id.
    urls = sorted(p for p, ops in paths.items() if "{" not in p and "get" in ops and args.only in p)
    rows = []
    for who, client in clients.items():
        for url in urls:
            median, p95, status, queries = time_endpoint(client, url, args.requests)
            rows.append((p95, median, who, url, status, queries))
    print(f"{len(urls)} endpoints, {args.requests} timed requests each per user; slowest first")
    print(f"{'p95 ms':>8} {'median':>8}  {'user':<16} {'status':>6} {'queries':>7}  endpoint")
    for p95, median, who, url, status, queries in sorted(rows, reverse=True):
        flag = "  > 150 ms" if p95 > TARGET_MS else ""
        print(f"{p95:8.0f} {median:8.0f}  {who:<16} {status:>6} {queries:>7}  {url}{flag}")


if __name__ == "__main__":
    main()
