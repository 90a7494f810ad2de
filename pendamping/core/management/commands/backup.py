"""`pendamping backup [--output PATH]`: dump the configured database (SQLite online backup, or pg_dump) with a
manifest of per-table row counts and checksums beside it. See docs/operations.md."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from pendamping.core.backup import backup_create, default_backup_dir
from pendamping.core.backup_verify import BackupError


class Command(BaseCommand):
    help = (
        "Back up the database to a file plus a manifest (row counts and checksums of every table). The file is "
        "checked before the manifest is written, and an existing file is never overwritten."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, default=None, help=f"a file, or a folder (default: {default_backup_dir()})"
        )
        parser.add_argument("--database", default="default", help="the database alias (default: default)")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            result = backup_create(using=opts["database"], output=opts["output"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            _("Backup written to %(dump)s (%(size)s bytes, %(seconds)s s); manifest %(manifest)s")
            % {
                "dump": result.dump,
                "size": manifest.dump_bytes,
                "seconds": result.seconds,
                "manifest": result.manifest_file,
            }
        )
        self.stdout.write(
            _("%(tables)s tables, %(rows)s rows") % {"tables": len(manifest.tables), "rows": manifest.total_rows}
        )
