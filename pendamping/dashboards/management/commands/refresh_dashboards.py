"""`pendamping refresh_dashboards [--period KEY …] [--all-languages] [--user USERNAME]`: count the province's and
every regency's dashboards and keep them as snapshots (run it on a schedule, e.g. every 10 minutes, so nobody
waits for a province's count). By default the periods the pages open on: this quarter and last month, in the
site's language."""

import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from pendamping.dashboards.area import area_get, province, regencies_in_scope
from pendamping.dashboards.period import MONTH, QUARTER, parse_period, period_of
from pendamping.dashboards.snapshots import board_snapshot
from pendamping.exchange.services.cli import acting_user


class Command(BaseCommand):
    help = "Count the province and regency dashboards now and keep them as snapshots."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", default="", help="count as this admin (default: the first admin)")
        parser.add_argument("--period", action="append", default=[], help="a period key (2026-11, 2026-Q3, 2026)")
        parser.add_argument("--all-languages", action="store_true", help="every language of the site, not only its own")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            user = acting_user(opts["user"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        today = timezone.localdate()
        periods = [parse_period(key) for key in opts["period"]]
        periods = periods or [period_of(QUARTER, today), period_of(MONTH, today).shifted(-1)]
        languages = [code for code, _name in settings.LANGUAGES] if opts["all_languages"] else [settings.LANGUAGE_CODE]
        areas = [province(), *(area_get(user=user, code=r.code) for r in regencies_in_scope(user))]
        started, counted = time.perf_counter(), 0
        for code in languages:
            with translation.override(code):
                for period in periods:
                    for area in areas:
                        board_snapshot(user=user, area=area, period=period, fresh=True)
                        counted += 1
        self.stdout.write(f"{counted} dashboards counted in {time.perf_counter() - started:.1f} s")
