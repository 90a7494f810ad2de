import os
import signal
import subprocess
import sys
from typing import Any

import waitress
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.wsgi import get_wsgi_application
from django.utils.translation import gettext as _

from pendamping.core.context import door
from pendamping.demo.companion_model import demo_companion_model_ensure
from pendamping.demo.enterprise import demo_enterprise_ensure
from pendamping.demo.evaluation import demo_study_ensure
from pendamping.demo.seed import family_count
from pendamping.demo.users import Login, demo_users_ensure

WORKER_STOP_SECONDS = 30


class Command(BaseCommand):
    help = (
        "Run the demo: create the data folder and database, apply migrations, load the regions, generate the "
        "demo data if the database has no families, create one login per role, the demo evaluation study "
        "(if there is no study yet) and the business data (monthly reports, IKS, grant use, welfare, "
        "partnerships, complaints and the KUBE classification, each if its tables are empty), the companion model "
        "(a recruitment call, a briefing batch, an internship round, assignments, visits and four quarters of "
        "appraisals, each if its tables are empty), then serve the site on "
        "http://127.0.0.1:PORT with a task worker until Ctrl-C. Running it again duplicates nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
        parser.add_argument("--no-serve", action="store_true", help="prepare everything, then exit (tests, CI)")
        parser.add_argument("--families", type=int, default=2000, help="size of a new demo data set (default 2000)")

    def handle(self, *args: Any, **opts: Any) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write(_("Data folder: %(path)s") % {"path": settings.DATA_DIR})
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable")  # the rate limits count in a database cache
        call_command("load_regions", stdout=self.stdout)
        existing = family_count()
        if existing:
            self.stdout.write(_("The database already has %(n)s families; keeping them.") % {"n": f"{existing:,}"})
        else:
            call_command("seed_demo", families=opts["families"], stdout=self.stdout)
        with door("cli"):
            logins = demo_users_ensure()
            # After the users: the demo evaluator is named on the study.
            self.stdout.write(demo_study_ensure(evaluator_username="evaluator").message)
            # After the users too: the business rows name the demo officer, admin and companion login.
            self.stdout.write(demo_enterprise_ensure().message)
            # After the business data: the internship's hosts are the outstanding KUBE of its classification.
            self.stdout.write(demo_companion_model_ensure().message)
        call_command("collectstatic", interactive=False, verbosity=0)
        url = f"http://127.0.0.1:{opts['port']}/"
        self._print_logins(logins, url)
        if not opts["no_serve"]:
            self._serve(opts["port"])

    def _print_logins(self, logins: list[Login], url: str) -> None:
        header = (_("username"), _("password"), _("role"), _("sees"))
        rows = [header, *((x.username, x.password, x.role, x.scope) for x in logins)]
        widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
        self.stdout.write("")
        for row in rows:
            self.stdout.write(
                ("  " + "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True))).rstrip()
            )
        if any(not x.created for x in logins):
            self.stdout.write(_("  (existing users keep the password they have now)"))
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(_("Pendamping demo: %(url)s") % {"url": url}))

    def _serve(self, port: int) -> None:
        # Its own session: Ctrl-C reaches only this process, which then stops the worker once, cleanly.
        env = {**os.environ, "PENDAMPING_DATA": str(settings.DATA_DIR)}
        worker = subprocess.Popen(  # nosec B603  # this Python, a fixed argument list, no shell
            [sys.executable, "-m", "pendamping.cli", "db_worker", "--no-reload"],
            env=env,
            start_new_session=True,
        )
        # waitress returns on SystemExit as on Ctrl-C, so a `kill` also stops the worker.
        signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
        self.stdout.write(_("Serving until Ctrl-C (task worker pid %(pid)d)") % {"pid": worker.pid})
        try:
            waitress.serve(get_wsgi_application(), host="127.0.0.1", port=port, threads=8)
        except OSError as exc:
            raise CommandError(_("Cannot serve on port %(port)d: %(error)s") % {"port": port, "error": exc}) from exc
        finally:
            self._stop(worker)

    def _stop(self, worker: subprocess.Popen[bytes]) -> None:
        if worker.poll() is None:
            worker.terminate()  # db_worker finishes the task it is running, then exits
            try:
                worker.wait(timeout=WORKER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        self.stdout.write(_("Stopped the task worker."))
