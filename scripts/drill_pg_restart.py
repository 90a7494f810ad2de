"""C4 (QUALITY.md): PostgreSQL restarted during web traffic and during an import.

Pass: once the database answers again, every web request succeeds (persistent connections are checked before
use: CONN_HEALTH_CHECKS); the import interrupted by the restart ends failed with nothing written, and a re-run
imports every row exactly once. Run by .ci/run after the PostgreSQL suite (it restarts the machine's cluster):

    .venv/bin/python scripts/drill_pg_restart.py [--rows 30000]

Needs root (pg_ctlcluster) and the PostgreSQL at 127.0.0.1:5432 (user postgres, trust)."""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB = "drill_pg_restart"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
PORT = 8799


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True, capture_output=True)


def restart_postgres() -> float:
    """Restart the cluster; returns the moment it accepts connections again."""
    version = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")])[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)
    while subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"], check=False).returncode:
        time.sleep(0.1)
    return time.monotonic()


def setup(env: dict[str, str]) -> str:
    """A fresh database with the regions, an admin and an API token; returns the raw token."""
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    pendamping = [sys.executable, "-m", "pendamping.cli"]
    for args in (["migrate", "-v", "0"], ["createcachetable"], ["load_regions"]):
        subprocess.run([*pendamping, *args], env=env, cwd=ROOT, check=True, capture_output=True)
    code = (
        "from pendamping.accounts.models import Role, User; from pendamping.accounts.services import token_create; "
        "u = User.objects.create_user('drill', password='drill-pass-2026', role=Role.ADMIN); "
        "print(token_create(user=u, name='drill')[1])"
    )
    out = subprocess.run([*pendamping, "shell", "-c", code], env=env, cwd=ROOT, check=True, capture_output=True)
    return out.stdout.decode().strip().splitlines()[-1]


class Traffic(threading.Thread):
    """GET /api/families every 50 ms; records (started, status or the error's name)."""

    def __init__(self, token: str) -> None:
        super().__init__(daemon=True)
        self.token, self.stop, self.log = token, threading.Event(), []

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            request = urllib.request.Request(f"http://127.0.0.1:{PORT}/api/families?page_size=20")
            request.add_header("Authorization", f"Bearer {self.token}")
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    outcome: object = response.status
            except urllib.error.HTTPError as error:
                outcome = error.code
            except OSError as error:
                outcome = type(error).__name__
            self.log.append((started, outcome))
            time.sleep(0.05)


def web_drill(env: dict[str, str], token: str) -> bool:
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/waitress-serve"), "--threads=4", f"--port={PORT}", "config.wsgi:application"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        traffic = Traffic(token)
        traffic.start()
        time.sleep(3)
        back = restart_postgres()
        time.sleep(4)
        traffic.stop.set()
        traffic.join()
    finally:
        server.terminate()
        server.wait()
    before = [o for t, o in traffic.log if t < back]
    after = [o for t, o in traffic.log if t >= back]
    failed_after = [o for o in after if o != 200]
    print(f"web: {len(before)} requests before the database was back ({before.count(200)} ok), "
          f"{len(after)} after ({len(after) - len(failed_after)} ok); failures after: {failed_after[:5]}")  # fmt: skip
    return bool(after) and not failed_after and before.count(200) > 0


def import_drill(env: dict[str, str], rows: int) -> bool:
    import django

    os.environ.update(env)
    django.setup()
    from django.db import close_old_connections, connections

    from pendamping.demo.families_file import families_csv_write
    from pendamping.exchange.models import ImportBatch
    from pendamping.registry.models import Family

    path = Path(tempfile.mkdtemp()) / "families.csv"
    families_csv_write(path=path, rows=rows, regencies=["35.78"])
    command = [sys.executable, "-m", "pendamping.cli", "import_data", "families", str(path), "--user", "drill"]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not ImportBatch.objects.filter(progress_done__gt=0).exists():
        time.sleep(0.2)
    restart_postgres()
    code = process.wait(timeout=120)
    connections.close_all()
    close_old_connections()
    batch = ImportBatch.objects.get()
    written = Family.objects.count()
    print(f"import: the command exited {code}; batch {batch.status} ({batch.message}); {written} families written")
    ended_failed = batch.status == "failed"
    rerun = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    total = Family.objects.count()
    print(f"import: the re-run exited {rerun.returncode}; {total} families (expected {rows})")
    return code != 0 and ended_failed and written == 0 and rerun.returncode == 0 and total == rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="drill-")
    env = {**os.environ, "DATABASE_URL": URL, "PENDAMPING_DATA": data, "DJANGO_SETTINGS_MODULE": "config.settings",
           "PENDAMPING_IMPORT_MAX_MB": "100"}  # fmt: skip
    token = setup(env)
    web_ok = web_drill(env, token)
    import_ok = import_drill(env, args.rows)
    from django.db import connections

    connections.close_all()
    psql(f"DROP DATABASE IF EXISTS {DB}")
    print(f"drill_pg_restart: web {'PASS' if web_ok else 'FAIL'}, import {'PASS' if import_ok else 'FAIL'}")
    return 0 if web_ok and import_ok else 1


if __name__ == "__main__":
    sys.exit(main())
