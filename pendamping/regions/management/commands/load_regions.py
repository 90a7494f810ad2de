from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pendamping.core.context import door
from pendamping.regions.services import BUNDLED_CSV, DEFAULT_EDITION, regions_load


class Command(BaseCommand):
    help = (
        "Load Kemendagri regions (province, kabupaten/kota, kecamatan, desa/kelurahan) from a CSV with columns "
        "kode,nama,tingkat. Without a file, loads the bundled Jawa Timur table. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, default=BUNDLED_CSV)
        parser.add_argument("--edition", default=DEFAULT_EDITION, help="Kepmendagri edition of the codes")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            with door("cli"):
                result = regions_load(path=opts["file"], edition=opts["edition"])
        except (ValidationError, OSError) as exc:
            raise CommandError(str(exc.messages[0] if isinstance(exc, ValidationError) else exc)) from exc
        self.stdout.write(f"regions: {result.created} created, {result.updated} updated, {result.unchanged} unchanged")
