"""`pendamping find_duplicates [--regency 35.78]`: flag the possible duplicates no unique key catches."""

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pendamping.core.context import door
from pendamping.exchange.services.duplicates import duplicates_scan_by_reason


class Command(BaseCommand):
    help = (
        "Flag possible duplicates for review on the possible-duplicates page: two families with the same KK number "
        "and a similar head's name; two families in one village whose heads share their name and birth date; a "
        "companion who heads a family that is a current member of a KUBE they accompany. A pair is flagged once: "
        "pairs already flagged, dismissed or merged are never flagged again. Prints the new flags per reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--regency", default="", help="one regency code, e.g. 35.78 (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        regency = options["regency"].strip() or None
        if regency and not re.fullmatch(r"[0-9]{2}\.[0-9]{2}", regency):
            raise CommandError(f"--regency {regency}: give a regency code such as 35.78", returncode=2)
        with door("cli"):
            counts = duplicates_scan_by_reason(regency=regency)
        labels = {
            "kk_name": "same KK number, similar head's name",
            "name_birth": "same name and birth date in one village",
            "companion_member": "companion who is a member of a KUBE they accompany",
        }
        for reason, label in labels.items():
            self.stdout.write(f"{counts.get(reason, 0):>8}  {label}")
        self.stdout.write(f"{sum(counts.values()):>8}  new flags in all")
