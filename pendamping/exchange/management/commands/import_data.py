"""`pendamping import_data KIND FILE`: exit status 0 when every row was accepted, 1 when any was rejected,
2 when the file itself could not be imported."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pendamping.core.context import door
from pendamping.exchange.kinds import kind_names
from pendamping.exchange.services.batches import batch_check, batch_run, batch_upload, flag_duplicates
from pendamping.exchange.services.cli import (
    acting_user,
    chosen_mapping,
    file_chunks,
    write_report,
)


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # an import must not wait for the URL and API checks of the web site
    help = (
        "Import families, KUBE with members, grants, companions, monthly reports, survey responses or visits from "
        "a CSV or XLSX file. Every row is checked by the same rules as the forms; in 'all' mode one bad row means "
        "nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=kind_names())
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--mode", choices=["all", "valid-only"], default="all")
        parser.add_argument("--on-existing", choices=["skip", "update", "reject"], default="skip")
        parser.add_argument("--report", type=Path, metavar="PATH", help="write the errors to PATH (.csv or .xlsx)")
        parser.add_argument("--mapping", metavar="NAME|FILE", help="a saved mapping's name, or a .json/.csv file")
        parser.add_argument("--user", metavar="USERNAME", help="import as this user (default: the first admin)")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        try:
            with door("cli"):
                batch = batch_upload(
                    actor=acting_user(opts["user"]),
                    kind=opts["kind"],
                    name=path.name,
                    chunks=file_chunks(path),
                    mode=opts["mode"],
                    on_existing=opts["on_existing"],
                    mapping=chosen_mapping(opts["kind"], opts["mapping"]),
                )
                run = batch_check if opts["dry_run"] else batch_run
                run(batch=batch, progress=self._progress)
                flagged = flag_duplicates(batch) if batch.status == "done" else 0
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=2) from exc
        batch.refresh_from_db()
        self._summary(batch, dry_run=opts["dry_run"])
        if flagged:
            self.stdout.write(f"  {flagged} possible duplicate(s) to review on the Possible duplicates page")
        if opts["report"]:
            write_report(batch, opts["report"])
            self.stdout.write(f"report: {opts['report']}")
        if batch.status == "failed":
            raise CommandError(batch.message, returncode=2)
        if batch.rejected or batch.error_count:
            raise CommandError(f"{batch.error_count} error(s) in {batch.rejected} row(s)", returncode=1)

    def _summary(self, batch: Any, *, dry_run: bool) -> None:
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{batch.file_name}: {batch.rows} rows — created {batch.created}, updated {batch.updated}, "
            f"skipped {batch.skipped}, rejected {batch.rejected} ({batch.get_status_display()}; batch {batch.pk})"
        )
        for error in batch.errors[:20]:
            where = f"row {error['row']}" + (f", column {error['column']}" if error["column"] else "")
            self.stderr.write(f"  {where}: {error['message']} (value: {error['value']!r})")
        if batch.error_count > 20:
            self.stderr.write(f"  … {batch.error_count - 20} more errors {verb} listed in the report (--report)")
        for line in filter(None, batch.message.splitlines()):
            self.stdout.write(f"  note: {line}")

    def _progress(self, done: int, total: int | None, phase: str) -> None:
        of = f"/{total}" if total else ""
        if self.stderr.isatty():
            self.stderr.write(f"\r{phase}: {done}{of} rows", ending="")
