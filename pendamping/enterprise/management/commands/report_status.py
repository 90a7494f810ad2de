"""`pendamping report_status [--period YYYY-MM] [--regency CODE]`: which KUBE reported a month on time, late, or
not at all, per regency, with the codes of the KUBE whose report is missing."""

import re
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pendamping.enterprise.selectors.reports import MISSING, add_months, parse_month, report_timeliness_all, this_month


class Command(BaseCommand):
    help = (
        "Report timeliness of a month for every active KUBE founded by then: on time, late (after the due day of "
        "the following month, set in the enterprise settings) or missing; counts per regency and the missing codes."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--period", default="", help="the month, YYYY-MM (default: last month)")
        parser.add_argument("--regency", default="", help="one regency code, e.g. 35.78 (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = parse_month(options["period"]) if options["period"] else add_months(this_month(), -1)
        except ValidationError as exc:
            raise CommandError(f"--period {options['period']}: {' '.join(exc.messages)}", returncode=2) from exc
        regency = options["regency"].strip() or None
        if regency and not re.fullmatch(r"[0-9]{2}\.[0-9]{2}", regency):
            raise CommandError(f"--regency {regency}: give a regency code such as 35.78", returncode=2)
        timeliness = report_timeliness_all(period=period, regency=regency)
        self.stdout.write(f"Reports for {period:%Y-%m}, due by {timeliness.due:%Y-%m-%d}")
        missing: dict[str, list[str]] = {}
        rows = report_timeliness_all(period=period, regency=regency, status=MISSING).rows
        for regency_code, code in rows.values_list("regency_id", "code").iterator():
            missing.setdefault(regency_code, []).append(code)
        for counts in timeliness.regencies:
            locked = " (locked)" if counts.locked else ""
            self.stdout.write(
                f"{counts.code} {counts.name}{locked}: on time {counts.on_time}, late {counts.late}, "
                f"missing {counts.missing} of {counts.expected}"
            )
            if codes := missing.get(counts.code):
                self.stdout.write(f"  missing: {' '.join(codes)}")
        if not timeliness.regencies:
            self.stdout.write("No active KUBE had to report for this month.")
