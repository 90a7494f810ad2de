from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pendamping.demo.families_file import families_csv_write
from pendamping.demo.people import SerialsExhausted


class Command(BaseCommand):
    help = (
        "Write a CSV of valid families shaped like a DTKS/SIKS-NG export (IDDTKS, NIK, NO KK, NAMA, TGL LAHIR, …, "
        "KODE DESA, DESIL) to PATH, for trying `pendamping import_data families` at scale."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=2019)
        parser.add_argument("--regency", action="append", metavar="CODE", help="only villages of this regency")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            written = families_csv_write(
                path=opts["path"], rows=opts["rows"], seed=opts["seed"], regencies=opts["regency"]
            )
        except SerialsExhausted:
            # 9,999 heads of family per kecamatan at most (the NIK's serial): a regency holds about 200,000
            raise CommandError(
                f"{opts['rows']} families do not fit in these regencies' kecamatan (9,999 NIK serials each)"
            ) from None
        self.stdout.write(f"{written} families written to {opts['path']}")
