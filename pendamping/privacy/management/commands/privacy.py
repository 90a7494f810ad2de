"""`pendamping privacy export|correct|restrict|purge`: the data subject's rights (UU 27/2022) and retention."""

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pendamping.core.context import door
from pendamping.core.nik import mask_number
from pendamping.privacy.selectors import user_by_username
from pendamping.privacy.services.access import access_export, access_write
from pendamping.privacy.services.records import person_correct, person_restrict, person_restriction_lift
from pendamping.privacy.services.retention import retention_purge


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = (
        "Personal-data requests and retention. export: everything held on one NIK and its audit trail, as JSON "
        "and text (audited). correct: change one field of that person's records through the normal update "
        "service. restrict [--lift]: restrict processing (left out of exports) or lift it. purge: anonymise the "
        "personal fields of records past their retention period (PRIVACY_RETENTION_DAYS); aggregates stay."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="answer an access request")
        export.add_argument("--nik", required=True)
        export.add_argument("--output", default="", help="JSON file (default: access-<masked NIK>-<date>.json)")
        export.add_argument("--actor", default="", help="username of the admin answering (default: the operator)")
        correct = sub.add_parser("correct", help="correct a field of the person's records")
        correct.add_argument("--nik", required=True)
        correct.add_argument("--field", required=True)
        correct.add_argument("--value", required=True)
        correct.add_argument("--actor", required=True)
        restrict = sub.add_parser("restrict", help="restrict processing of the person's records")
        restrict.add_argument("--nik", required=True)
        restrict.add_argument("--reason", default="request of the data subject")
        restrict.add_argument("--lift", action="store_true", help="lift the restriction instead")
        restrict.add_argument("--actor", required=True)
        purge = sub.add_parser("purge", help="anonymise records past their retention period")
        purge.add_argument("--dry-run", action="store_true")
        purge.add_argument("--today", default="", help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            with door("cli"):
                getattr(self, f"_{action}")(options)
        except ValidationError as exc:
            raise CommandError(_errors(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc

    def _actor(self, username: str) -> Any:
        if not username:
            return None
        user = user_by_username(username)
        if user is None:
            raise CommandError(f"--actor {username}: no active user with this username", returncode=2)
        return user

    def _export(self, options: dict[str, Any]) -> None:
        document = access_export(actor=self._actor(options["actor"]), nik=options["nik"])
        stem = f"access-{mask_number(document['nik']).replace('*', 'x')}-{timezone.localdate():%Y-%m-%d}.json"
        paths = access_write(document, Path(options["output"] or stem))
        counts = ", ".join(f"{len(rows)} {label}" for label, rows in document["records"].items())
        self.stdout.write(f"{counts}; {len(document['audit'])} audit entries")
        for path in paths:
            self.stdout.write(f"written: {path}")

    def _correct(self, options: dict[str, Any]) -> None:
        actor = self._actor(options["actor"])
        done = person_correct(actor=actor, nik=options["nik"], field=options["field"], value=options["value"])
        self.stdout.write(f"{len(done)} record(s) corrected: {options['field']}")

    def _restrict(self, options: dict[str, Any]) -> None:
        actor, nik = self._actor(options["actor"]), options["nik"]
        if options["lift"]:
            self.stdout.write(f"{len(person_restriction_lift(actor=actor, nik=nik))} restriction(s) lifted")
            return
        made = person_restrict(actor=actor, nik=nik, reason=options["reason"])
        self.stdout.write(f"{len(made)} record(s) restricted")

    def _purge(self, options: dict[str, Any]) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as exc:
            raise CommandError(f"--today {options['today']}: give a date as YYYY-MM-DD", returncode=2) from exc
        counts = retention_purge(today=today, dry_run=options["dry_run"])
        verb = "would be anonymised" if options["dry_run"] else "anonymised"
        for record_type, count in counts.items():
            self.stdout.write(f"{count:>8}  {record_type} {verb}")
