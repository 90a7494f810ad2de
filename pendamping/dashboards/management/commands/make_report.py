"""`pendamping make_report regency_month|province_quarter PERIOD [--regency CODE] [--format pdf|xlsx] [--out PATH]
[--user USERNAME] [--lang id|en]`: make a report here (no queue) and write its file; it is also kept, like one
asked for on the page, in the user's list of reports."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pendamping.dashboards.services import report_request
from pendamping.exchange.services.cli import acting_user


class Command(BaseCommand):
    help = "Make the monthly regency report or the quarterly province report as PDF or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["regency_month", "province_quarter"])
        parser.add_argument("period", help="2026-11 for a monthly report, 2026-Q3 for a quarterly one")
        parser.add_argument("--regency", default="", help="the regency of a monthly report, e.g. 35.78")
        parser.add_argument("--format", choices=["pdf", "xlsx"], default="pdf")
        parser.add_argument("--out", default="", help="where to write the file (default: its own name, here)")
        parser.add_argument("--user", default="", help="count as this user sees the data (default: the first admin)")
        parser.add_argument("--lang", choices=["id", "en"], default="id")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            report = report_request(
                actor=acting_user(opts["user"]), kind=opts["kind"], area_code=opts["regency"],
                period=opts["period"], fmt=opts["format"], lang=opts["lang"], run_now=True,
            )  # fmt: skip
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        path = Path(opts["out"] or report.file_name)
        path.write_bytes(bytes(report.content or b""))
        self.stdout.write(f"{path} ({path.stat().st_size:,} bytes)")
