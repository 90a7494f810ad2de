"""The scale benchmark: the province data set on PostgreSQL and every figure the issues set a target for.

    .venv/bin/python bench/run.py --scale province                 # generate, then measure (about 15 minutes)
    .venv/bin/python bench/run.py --scale province --skip-generate # the data set is there: measure only
    .venv/bin/python bench/run.py --scale small                    # a hundredth of the data set: a quick try

Sections, each measured --repeat times (default 3) and printed as the median with its min and max:
  generate   bench/province_data.py (1,000,000 families, 100,000 KUBE, 5,000 companions, ~2.1-2.4 million
             monthly reports, 1,000,000 visits), once; skipped with --skip-generate;
  import     the app's import of --import-rows families (default 50,000) against raw COPY and bulk_create of the
             same file (bench/import_families.py's phases, each in its own process) in a scratch database
             `<name>_import`, dropped afterwards: the two ratios issue 6 sets;
  pages      family list page (regency + name), API family list, KUBE detail page, in-process
             (bench/seed_and_latency.py): p95, target <= 150 ms;
  dashboards province and regency dashboard as served (bench/dashboards.py): p95, target <= 300 ms; and, for
             information, counted with snapshots off (--cold-requests);
  api        gunicorn with --api-workers (default 4) sync worker processes on 127.0.0.1 and a load generator in
             its own process (asyncio, --clients 50 concurrent connections, one token and one user each):
             requests/s and p99 of GET /api/families?page_size=50; target >= 300 requests/s at p99 <= 250 ms;
  export     every family to XLSX (bench/export_families.py): seconds, rows/s; target < 60 s and < 500 MB.
Peak memory: the peak RSS of the largest process of the section (wait4's ru_maxrss of its process tree; the
import and export phases measure their own process), and of each gunicorn worker (VmHWM).

Every Django-side step runs in a child process (`run.py --section …`), so the parent stays small and each
section's memory is its own. The database is created when it does not exist. Refuses SQLite. See bench/README.md.
"""

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT), str(BENCH)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_province"
# Per scale: rows of the import file, timed requests per page and repeat, seconds of API load (after warm-up).
SCALES = {
    "province": {"import_rows": 50_000, "requests": 100, "cold": 5, "api_seconds": 15.0, "api_warmup": 5.0},
    "small": {"import_rows": 5_000, "requests": 20, "cold": 2, "api_seconds": 5.0, "api_warmup": 2.0},
}
API_USERS = "bench_api_"


# --- the parent: no Django here ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=tuple(SCALES), default="province")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (default 3)")
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL database (default {DEFAULT_URL})")
    parser.add_argument("--skip-generate", action="store_true", help="the data set is there: measure only")
    parser.add_argument("--fresh", action="store_true", help="generate even if the database has a data set")
    parser.add_argument("--only", default="", help="comma-separated sections: import,pages,dashboards,api,export")
    parser.add_argument("--import-rows", type=int, default=0, help="families in the import file (default by scale)")
    parser.add_argument("--requests", type=int, default=0, help="timed requests per page and run (default by scale)")
    parser.add_argument("--cold-requests", type=int, default=-1, help="dashboard requests with snapshots off")
    parser.add_argument("--api-workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    parser.add_argument("--api-worker-class", default="sync", help="gunicorn worker class (default sync)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients of the load (default 50)")
    parser.add_argument("--api-seconds", type=float, default=0, help="seconds of measured load per run")
    parser.add_argument("--api-path", default="/api/families?page_size=50", help="the URL the load asks for")
    parser.add_argument("--api-role", choices=("officer", "admin"), default="officer",
                        help="the load's users: officers of a regency each (default) or provincial admins")  # fmt: skip
    parser.add_argument("--keep-import-db", action="store_true", help="do not drop the scratch import database")
    # a child's part
    parser.add_argument("--section", help=argparse.SUPPRESS)
    parser.add_argument("--arg", default="", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def machine() -> dict[str, Any]:
    kb = int(Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1])
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())  # fmt: skip
    return {"nproc": os.cpu_count(), "ram_gb": round(kb / 1024 / 1024), "cpu": cpu,
            "kernel": f"{platform.system()} {platform.release()}", "python": platform.python_version()}  # fmt: skip


def child(section: str, env: dict[str, str], arg: Any = "", timeout: float | None = None) -> dict[str, Any]:
    """`run.py --section SECTION` in a fresh process: its JSON answer (last line of stdout), with the peak RSS of
    the largest process of its tree (wait4's ru_maxrss covers the waited-for grandchildren too) and the time."""
    command = [sys.executable, __file__, "--section", section, "--arg", json.dumps(arg)]
    return run_measured(command, env, timeout=timeout)


def run_measured(command: list[str], env: dict[str, str], timeout: float | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.PIPE, cwd=ROOT)
        assert proc.stderr is not None
        err = proc.stderr.read()  # until the child exits (it closes its end)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)  # wait4 reaped it; Popen must not wait again
        out.seek(0)
        stdout = out.read().decode()
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command[1:4])} failed ({proc.returncode}):\n{err.decode()[-4000:]}")
    lines = [line for line in stdout.strip().splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if lines else {}
    return result | {"tree_rss_mb": usage.ru_maxrss / 1024, "wall_s": seconds, "stdout": stdout}


def database_create(url: str) -> None:
    import psycopg

    name = urllib.parse.urlparse(url).path.lstrip("/")
    with psycopg.connect(url, dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def database_drop(url: str) -> None:
    import psycopg

    name = urllib.parse.urlparse(url).path.lstrip("/")
    with psycopg.connect(url, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def with_db(url: str, name: str) -> str:
    parts = urllib.parse.urlparse(url)
    return urllib.parse.urlunparse(parts._replace(path=f"/{name}"))


class Results:
    """Every metric's values over the runs, with its unit and target, for the summary table."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def add(self, metric: str, value: float, unit: str = "", target: str = "", better: str = "") -> None:
        """`target` as printed ("<= 150"); `better` is "low" or "high" against the number in it."""
        row = self.rows.setdefault(metric, {"values": [], "unit": unit, "target": target, "better": better})
        row["values"].append(value)

    def table(self) -> list[tuple[str, ...]]:
        out = []
        for metric, row in self.rows.items():
            values = row["values"]
            median = statistics.median(values)
            met = ""
            if row["target"]:
                bound = float(row["target"].split()[-1].replace(",", ""))
                met = "yes" if (median <= bound if row["better"] == "low" else median >= bound) else "NO"
            unit = f" {row['unit']}" if row["unit"] else ""
            fmt = _fmt(row["unit"])
            out.append((metric + unit.replace(" ", " (", 1) + (")" if unit else ""), fmt(median), fmt(min(values)),
                        fmt(max(values)), str(len(values)), row["target"] or "-", met or "-"))  # fmt: skip
        return out


def _fmt(unit: str) -> Any:
    if unit in ("x",):
        return lambda v: f"{v:.2f}"
    if unit in ("s",):
        return lambda v: f"{v:.1f}"
    return lambda v: f"{v:,.0f}" if abs(v) >= 100 else f"{v:.1f}"


def print_table(rows: list[tuple[str, ...]]) -> None:
    header = ("metric", "median", "min", "max", "runs", "target", "met?")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))))


def section_banner(name: str) -> None:
    print(f"\n== {name} ({dt.datetime.now(dt.UTC):%H:%M:%S} UTC, load average {os.getloadavg()[0]:.1f})", flush=True)


def do_generate(args: argparse.Namespace, env: dict[str, str], results: Results, probe: dict[str, Any]) -> None:
    section_banner("generate")
    if args.skip_generate:
        if not probe["families"]:
            raise SystemExit("--skip-generate, but the database has no families: generate the data set first.")
        print("reusing the data set in the database")
        return
    if probe["families"] and not args.fresh:
        raise SystemExit(f"The database already has {probe['families']:,} families: pass --skip-generate to "
                         "measure them, or --fresh to generate anew.")  # fmt: skip
    command = [sys.executable, str(BENCH / "province_data.py"), "--scale", args.scale, *(["--fresh"] * args.fresh)]
    r = run_measured(command, env)
    print(r["stdout"].rstrip())
    results.add("generate: data set", r["wall_s"], "s")
    results.add("generate: peak RSS", r["tree_rss_mb"], "MB")


def do_import(args: argparse.Namespace, env: dict[str, str], results: Results) -> None:
    import import_families as imp

    section_banner(f"import: {args.import_rows:,} families, app import vs raw COPY vs bulk_create")
    url = with_db(args.database_url, urllib.parse.urlparse(args.database_url).path.lstrip("/") + "_import")
    database_create(url)
    work = Path(tempfile.mkdtemp(prefix="bench-run-import-"))
    path = work / "families.csv"
    ienv = env | {"DATABASE_URL": url, "PENDAMPING_DATA": str(work / "var"), "BENCH_ROWS": str(args.import_rows)}
    try:
        imp._child("prepare", path, ienv)
        imp._child("generate", path, ienv)
        print(f"file: {args.import_rows:,} families, {path.stat().st_size / 2**20:.1f} MB, village by village")
        for i in range(args.repeat):
            figures = {phase: imp._child(phase, path, ienv) for phase in ("copy", "bulk", "import")}
            done = figures["import"]
            if done.get("status") != "done" or done.get("rejected") or done.get("created") != args.import_rows:
                raise SystemExit(f"the import did not load every row: {done}")
            copy, bulk, app = (figures[k]["seconds"] for k in ("copy", "bulk", "import"))
            print(f"  run {i + 1}: COPY {copy:.2f} s, bulk_create {bulk:.2f} s, import {app:.2f} s; "
                  f"import/COPY {copy / app:.2f}, import/bulk_create {bulk / app:.2f}", flush=True)  # fmt: skip
            n = args.import_rows
            results.add("import: raw COPY", n / copy, "rows/s")
            results.add("import: bulk_create", n / bulk, "rows/s")
            results.add("import: app import", n / app, "rows/s")
            results.add("import: import / COPY speed", copy / app, "x", ">= 0.50", "high")
            results.add("import: import / bulk_create speed", bulk / app, "x", ">= 3.00", "high")
            results.add("import: peak RSS, COPY", figures["copy"]["rss_mb"], "MB")
            results.add("import: peak RSS, bulk_create", figures["bulk"]["rss_mb"], "MB")
            results.add("import: peak RSS, app import", done["rss_mb"], "MB", "< 1024", "low")
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the file (111 MB for a million rows) and the stored uploads
        if not args.keep_import_db:
            database_drop(url)


def do_pages(args: argparse.Namespace, env: dict[str, str], results: Results) -> None:
    section_banner(f"pages: {args.requests} timed requests per page and run, in-process")
    for i in range(args.repeat):
        r = child("pages", env, {"requests": args.requests})
        print(f"  run {i + 1}: " + "; ".join(f"{t['label']} p95 {t['p95_ms']:.0f} ms (median {t['median_ms']:.0f}, "
                                             f"{t['queries']} queries)" for t in r["timings"]), flush=True)  # fmt: skip
        for t in r["timings"]:
            results.add(f"pages: {t['label']}, p95", t["p95_ms"], "ms", "<= 150", "low")
        results.add("pages: peak RSS", r["tree_rss_mb"], "MB")


def do_dashboards(args: argparse.Namespace, env: dict[str, str], results: Results) -> None:
    section_banner(f"dashboards: {args.requests} requests per board and run served, {args.cold_requests} counted")
    for i in range(args.repeat):
        r = child("dashboards", env, {"requests": args.requests, "cold": args.cold_requests})
        print(f"  run {i + 1}: " + "; ".join(f"{t['label']} p95 {t['p95_ms']:.0f} ms (median {t['median_ms']:.0f})"
                                             for t in r["timings"]), flush=True)  # fmt: skip
        for t in r["timings"]:
            served = t["label"].endswith("served")
            results.add(f"dashboards: {t['label']}, p95", t["p95_ms"], "ms", "<= 300" if served else "", "low")
        results.add("dashboards: peak RSS", r["tree_rss_mb"], "MB")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def worker_pids(master: int) -> list[int]:
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if int(fields.get("PPid", "0").strip()) == master:
            pids.append(int(status.parent.name))
    return pids


def postgres_pids(database: str) -> list[int]:
    """The PostgreSQL backends connected to this database (their title names it: "postgres: USER DB HOST …"),
    not those of other databases on the same server."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            title = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace").split()
        except OSError:
            continue
        if title[:1] == ["postgres:"] and database in title[2:4]:  # "postgres: [CLUSTER:] USER DB …"
            pids.append(int(cmdline.parent.name))
    return pids


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU of each of these processes so far."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (stat(5))
    return seconds


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two readings by the processes alive at the second (a process that exited in between is
    left out: PostgreSQL backends of the persistent connections stay)."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def do_api(args: argparse.Namespace, env: dict[str, str], results: Results) -> None:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    section_banner(f"api: gunicorn {args.api_workers} {args.api_worker_class} workers, {args.clients} clients, "
                   f"GET {args.api_path}")  # fmt: skip
    if not gunicorn.exists():
        print(f"  skipped: {gunicorn} is not installed (`.venv/bin/pip install gunicorn`, the [deploy] extra)")
        return
    tokens = child("api_tokens", env, {"clients": args.clients, "role": args.api_role})["tokens"]
    token_file = Path(tempfile.mkstemp(prefix="bench-tokens-", suffix=".json")[1])
    token_file.write_text(json.dumps(tokens))
    token_file.chmod(0o600)
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)
    command = [str(gunicorn), "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers",
               str(args.api_workers), "--worker-class", args.api_worker_class, "--log-level", "warning",
               "--timeout", "60"]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_ready(port, tokens[0], args.api_path, server)
        workers = worker_pids(server.pid)
        print(f"  gunicorn pid {server.pid}, workers {workers}, port {port}")
        arg = {"port": port, "tokens": str(token_file), "clients": args.clients, "path": args.api_path,
               "seconds": args.api_seconds, "warmup": args.api_warmup}  # fmt: skip
        child("loadgen", env, arg | {"seconds": args.api_warmup, "warmup": 0})  # every worker warm, not measured
        database = urllib.parse.urlparse(args.database_url).path.lstrip("/")
        for i in range(args.repeat):
            before = cpu_seconds(workers), cpu_seconds(postgres_pids(database))
            r = child("loadgen", env, arg)
            app_cpu = cpu_spent(before[0], cpu_seconds(workers))
            db_cpu = cpu_spent(before[1], cpu_seconds(postgres_pids(database)))
            print(f"  run {i + 1}: {r['rps']:.0f} requests/s, p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, "
                  f"p99 {r['p99_ms']:.0f} ms, max {r['max_ms']:.0f} ms; {r['requests']:,} requests, statuses "
                  f"{r['statuses']}, load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
            results.add("api: throughput", r["rps"], "requests/s", ">= 300", "high")
            results.add("api: p99", r["p99_ms"], "ms", "<= 250", "low")
            results.add("api: p50", r["p50_ms"], "ms")
            results.add("api: non-200 answers", r["errors"], "")
            results.add("api: load generator CPU", r["cpu_s"] / r["elapsed_s"] * 100, "% of a core")
            results.add("api: gunicorn workers' CPU per request", app_cpu / r["all_requests"] * 1000, "ms")
            results.add("api: PostgreSQL CPU per request", db_cpu / r["all_requests"] * 1000, "ms")
            print(f"    CPU per request: gunicorn workers {app_cpu / r['all_requests'] * 1000:.1f} ms, PostgreSQL "
                  f"{db_cpu / r['all_requests'] * 1000:.1f} ms", flush=True)  # fmt: skip
        peaks = [hwm_mb(pid) for pid in worker_pids(server.pid)]
        results.add("api: peak RSS per worker (max)", max(peaks), "MB")
        results.add(f"api: peak RSS, {len(peaks)} workers together", sum(peaks), "MB")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        token_file.unlink(missing_ok=True)
        log.seek(0)
        tail = log.read().decode(errors="replace").strip()
        log.close()
        if tail:
            print("  gunicorn said:\n    " + "\n    ".join(tail.splitlines()[-15:]))


def _wait_ready(port: int, token: str, path: str, server: subprocess.Popen[bytes]) -> None:
    import http.client

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited at start")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            body = response.read()
            if response.status == 200:
                return
            raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")
        except (ConnectionRefusedError, ConnectionResetError):
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s")


def do_export(args: argparse.Namespace, env: dict[str, str], results: Results) -> None:
    section_banner("export: every family to XLSX")
    for i in range(args.repeat):
        r = run_measured([sys.executable, str(BENCH / "export_families.py"), "--export-only", "--json"], env)
        print(f"  run {i + 1}: {r['rows']:,} families in {r['seconds']:.1f} s ({r['rows'] / r['seconds']:,.0f} rows/s, "
              f"CPU {r['cpu_s']:.1f} s), {r['size_mb']:.1f} MB, peak RSS {r['rss_mb']:.0f} MB", flush=True)  # fmt: skip
        results.add("export: XLSX of every family", r["seconds"], "s", "< 60", "low")
        results.add("export: throughput", r["rows"] / r["seconds"], "rows/s")
        results.add("export: peak RSS", r["rss_mb"], "MB", "< 500", "low")


def main() -> None:
    args = parse_args()
    if args.section:
        print(json.dumps(SECTIONS[args.section](json.loads(args.arg or '""'))), flush=True)
        return
    scale = SCALES[args.scale]
    args.import_rows = args.import_rows or scale["import_rows"]
    args.requests = args.requests or scale["requests"]
    args.cold_requests = scale["cold"] if args.cold_requests < 0 else args.cold_requests
    args.api_seconds, args.api_warmup = args.api_seconds or scale["api_seconds"], scale["api_warmup"]
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("This benchmark is for PostgreSQL: --database-url postgres://…")
    data = os.environ.get("PENDAMPING_DATA") or f"/tmp/bench-{args.scale}-var"
    # Production-like: DEBUG off (manifest static files, no query log), plain HTTP on loopback.
    env = {**os.environ, "DATABASE_URL": args.database_url, "PENDAMPING_DATA": data, "PENDAMPING_DEBUG": "0",
           "PENDAMPING_SECURE": "0", "PYTHONUNBUFFERED": "1"}  # fmt: skip
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    started = time.perf_counter()
    box = machine()
    database_create(args.database_url)
    probe = child("probe", env)
    print(f"machine: {box['nproc']} cores ({box['cpu']}), {box['ram_gb']} GB RAM, {box['kernel']}, "
          f"Python {box['python']}; PostgreSQL {probe['server_version']}; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
    print(f"database: {probe['database']}; scale {args.scale}, {args.repeat} runs of each measurement")
    results = Results()
    do_generate(args, env, results, probe)
    prepared = child("prepare", env)
    print("data set: " + ", ".join(f"{v:,} {k}" for k, v in prepared["counts"].items()))
    print(f"prepared (migrate, welfare summary, VACUUM ANALYZE, collectstatic) in {prepared['wall_s']:.0f} s")
    steps = {"import": do_import, "pages": do_pages, "dashboards": do_dashboards, "api": do_api, "export": do_export}
    for name, step in steps.items():
        if not only or name in only:
            step(args, env, results)
    print(f"\n== summary: {args.scale}, {args.repeat} runs, {time.perf_counter() - started:.0f} s in all, "
          f"load average now {os.getloadavg()[0]:.1f}\n")  # fmt: skip
    print_table(results.table())


# --- the children: Django ----------------------------------------------------------------------------------


def _django() -> Any:
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark is for PostgreSQL.")
    return connection


def section_probe(_arg: Any) -> dict[str, Any]:
    connection = _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM registry_family")
        families = cursor.fetchone()[0]
    return {"server_version": version, "families": families, "database": connection.settings_dict["NAME"]}


def section_prepare(_arg: Any) -> dict[str, Any]:
    """What the pages need besides the data: dashboards.py's preparation (migrate, cache table, welfare summary,
    VACUUM ANALYZE, collectstatic for the manifest storage); then the rows of the main tables."""
    connection = _django()
    import dashboards

    from pendamping.registry.models import Family

    if not Family.objects.exists():
        raise SystemExit("no data set in the database")
    dashboards.prepare(connection)
    counts = {}
    with connection.cursor() as cursor:
        for label, table in (("families", "registry_family"), ("KUBE", "registry_group"),
                             ("companions", "companions_companion"), ("monthly reports", "enterprise_monthlyreport"),
                             ("visits", "companions_visit")):  # fmt: skip
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[label] = cursor.fetchone()[0]
    return {"counts": counts}


def section_pages(arg: dict[str, Any]) -> dict[str, Any]:
    _django()
    from seed_and_latency import latency

    args = argparse.Namespace(requests=arg["requests"], warmup=5, regency="35.78", q="slamet", seed=2019)
    timings = latency(args)
    labels = {"(a)": "family list page, regency + name", "(b)": "API family list (in-process)",
              "(c)": "KUBE detail page"}  # fmt: skip
    return {"timings": [{"label": labels.get(t.label[:3], t.label), "median_ms": t.median_ms, "p95_ms": t.p95_ms,
                         "max_ms": t.max_ms, "queries": t.queries} for t in timings]}  # fmt: skip


def section_dashboards(arg: dict[str, Any]) -> dict[str, Any]:
    _django()
    from dashboards import client_of, largest_regency, time_page, users
    from django.test.utils import override_settings

    from pendamping.dashboards.period import parse_period

    period = parse_period("").shifted(-1)
    regency = largest_regency()
    admin, officer = users(regency)
    pages = [
        ("province dashboard", client_of(admin), f"/dashboards/?period={period.key}"),
        (f"regency dashboard {regency}", client_of(officer), f"/dashboards/area/{regency}/?period={period.key}"),
    ]
    timings = [time_page(f"{label}, served", c, url, arg["requests"], 5) for label, c, url in pages]  # fmt: skip
    if arg["cold"]:
        with override_settings(DASHBOARD_SNAPSHOT_SECONDS=0):
            timings += [time_page(f"{label}, counted", c, url, arg["cold"], 1) for label, c, url in pages]
    return {"timings": [{"label": t.label, "median_ms": t.median_ms, "p95_ms": t.p95_ms, "max_ms": t.max_ms,
                         "queries": t.queries} for t in timings]}  # fmt: skip


def section_api_tokens(arg: dict[str, Any]) -> dict[str, Any]:
    """One user and one fresh token per client: officers of one regency each (round the regencies), or admins."""
    _django()
    from pendamping.accounts.models import ApiToken, Role, User
    from pendamping.accounts.services import token_create
    from pendamping.core.context import door
    from pendamping.regions.models import Region

    regencies = sorted(Region.objects.filter(level=Region.Level.REGENCY).values_list("code", flat=True))
    ApiToken.objects.filter(user__username__startswith=API_USERS).delete()
    tokens = []
    with door("cli"):
        for i in range(arg["clients"]):
            role = Role.ADMIN if arg["role"] == "admin" else Role.OFFICER
            user, _ = User.objects.update_or_create(username=f"{API_USERS}{i:03d}", defaults={"role": role})
            user.regencies.set([] if role == Role.ADMIN else [regencies[i % len(regencies)]])
            tokens.append(token_create(user=user, name="bench")[1])
    return {"tokens": tokens}


def section_loadgen(arg: dict[str, Any]) -> dict[str, Any]:
    """A closed-loop load: `clients` connections at once, each sending its next request as soon as the last one is
    answered (one user and token each; `Connection: close`, as gunicorn's sync workers answer). Only the requests
    that finish inside the measured window count; the warm-up's are dropped."""
    tokens = json.loads(Path(arg["tokens"]).read_text())
    times: list[tuple[float, float, int]] = []  # (finished at, latency, status)

    async def client(i: int, stop: float) -> None:
        request = (f"GET {arg['path']} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {tokens[i % len(tokens)]}"
                   "\r\nAccept: application/json\r\nConnection: close\r\n\r\n").encode()  # fmt: skip
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", arg["port"])
                writer.write(request)
                data = await reader.read()  # to the end: the server closes
                writer.close()
                status = int(data[9:12]) if data[:5] == b"HTTP/" else 0
            except OSError:
                status = 0
            now = time.perf_counter()
            times.append((now, now - started, status))

    async def load() -> tuple[float, float]:
        begin = time.perf_counter()
        window = (begin + arg["warmup"], begin + arg["warmup"] + arg["seconds"])
        await asyncio.gather(*(client(i, window[1]) for i in range(arg["clients"])))
        return window

    cpu = time.process_time()
    start, end = asyncio.run(load())
    cpu = time.process_time() - cpu
    measured = [(lat * 1000, status) for at, lat, status in times if start <= at <= end]
    latencies = sorted(ms for ms, _ in measured)
    if len(latencies) < 2:
        latencies = [0.0, 0.0] if not latencies else latencies * 2
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    statuses: dict[str, int] = {}
    for _, status in measured:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {"requests": len(measured), "rps": len(measured) / (end - start), "p50_ms": cuts[49], "p95_ms": cuts[94],
            "p99_ms": cuts[98], "max_ms": latencies[-1], "statuses": statuses,
            "errors": len(measured) - statuses.get("200", 0), "cpu_s": cpu,
            "elapsed_s": arg["warmup"] + arg["seconds"], "all_requests": len(times),
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}  # fmt: skip


SECTIONS = {"probe": section_probe, "prepare": section_prepare, "pages": section_pages,
            "dashboards": section_dashboards, "api_tokens": section_api_tokens, "loadgen": section_loadgen}  # fmt: skip


if __name__ == "__main__":
    main()
