"""`pendamping appraise_companions --quarter 2026Q3 [--regency 35.78]`: a draft appraisal for every active companion
without one for the quarter, and the data part of every draft recomputed."""

import re
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pendamping.companions.appraisal_rules import add_quarters, parse_quarter, quarter_label
from pendamping.companions.selectors.appraisal import this_quarter
from pendamping.companions.services.appraisal import appraisals_compute_data
from pendamping.core.context import door


class Command(BaseCommand):
    help = (
        "Start the quarter's appraisal of every ACTIVE companion who has none (a draft under the rubric in use) and "
        "compute the indicators that come from data: visits per KUBE per month, monthly reports on time, the KUBE "
        "classification trend and follow-ups done on time. Drafts already started get their data part recomputed; "
        "final appraisals are never touched. The ratings (1-4 per role indicator) stay the supervising officers'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quarter", default="", help="the quarter, e.g. 2026Q3 (default: the last finished one)")
        parser.add_argument("--regency", default="", help="one regency code, e.g. 35.78 (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = parse_quarter(options["quarter"]) if options["quarter"] else add_quarters(this_quarter(), -1)
        except ValidationError as exc:
            raise CommandError(f"--quarter {options['quarter']}: {' '.join(exc.messages)}", returncode=2) from exc
        regency = options["regency"].strip() or None
        if regency and not re.fullmatch(r"[0-9]{2}\.[0-9]{2}", regency):
            raise CommandError(f"--regency {regency}: give a regency code such as 35.78", returncode=2)
        try:
            with door("cli"):
                done = appraisals_compute_data(actor=None, period=period, regency=regency, progress=self._progress)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"{quarter_label(period)}: {done.started} appraisals started, {done.refreshed} drafts recomputed, "
            f"{done.unchanged} unchanged"
        )

    def _progress(self, done: int, total: int) -> None:
        if sys.stderr.isatty() and (done % 25 == 0 or done == total):
            self.stderr.write(f"\r{done}/{total} companions", ending="")
            if done == total:
                self.stderr.write("")
