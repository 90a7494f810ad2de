"""`pendamping restore PATH [--yes]`: restore a backup made by `pendamping backup` into the configured database,
then check every table against the backup's manifest. See docs/operations.md."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from pendamping.core.backup import RestoreMismatch, backup_restore
from pendamping.core.backup_verify import BackupError


class Command(BaseCommand):
    help = (
        "Restore a backup (the dump or its .manifest.json) into the configured database and verify row counts and "
        "checksums of every table. Refuses a database that already holds data unless --yes is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the backup file written by `pendamping backup`")
        parser.add_argument(
            "--yes", "--force", dest="yes", action="store_true", help="replace a database that holds data"
        )
        parser.add_argument("--database", default="default", help="the database alias (default: default)")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            result = backup_restore(path=opts["path"], using=opts["database"], force=opts["yes"])
        except RestoreMismatch as exc:
            for line in exc.differences:
                self.stderr.write(f"  {line}")
            raise CommandError(
                _("%(message)s %(count)s tables differ.") % {"message": exc, "count": len(exc.differences)}
            ) from exc
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            _("Restored %(dump)s in %(seconds)s s. Verified OK: %(tables)s tables, %(rows)s rows match the manifest.")
            % {
                "dump": opts["path"],
                "seconds": result.seconds,
                "tables": len(manifest.tables),
                "rows": manifest.total_rows,
            }
        )
