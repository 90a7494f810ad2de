"""`pendamping import_template KIND PATH`: the XLSX template of a kind (header row, notes sheet, choice lists)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pendamping.exchange.kinds import kind_names
from pendamping.exchange.services.templates import template_xlsx


class Command(BaseCommand):
    help = "Write the import template of KIND to PATH (.xlsx): the columns, a notes sheet and choice lists."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=kind_names())
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        opts["path"].write_bytes(template_xlsx(opts["kind"]))
        self.stdout.write(f"{opts['kind']} template written to {opts['path']}")
