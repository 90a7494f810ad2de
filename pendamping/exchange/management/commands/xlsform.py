"""`pendamping xlsform FORM PATH [--user USERNAME] [--study ID] [--instrument ID] [--regency CODE] [--validate]`:
write an offline form (XLSForm) for ODK Central or KoboToolbox."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from pendamping.exchange.services.cli import acting_user
from pendamping.exchange.xlsform import (
    FormFile,
    FormUnavailable,
    form_download,
    instrument_download,
    study_instrument_id,
)
from pendamping.exchange.xlsform.check import XlsFormInvalid, xlsform_convert

FORMS = ("visits", "reports", "instrument")


class Command(BaseCommand):
    help = (
        "Write the XLSForm of the visit log (visits), the monthly UEP report (reports) or a survey instrument version "
        "(instrument, with --instrument ID or --study ID) to PATH. The KUBE and studies listed are those USERNAME "
        "may report on (without --user: every KUBE, every open study). Upload the file to ODK Central or KoboToolbox; "
        "their CSV/XLSX exports import back as the visits, reports or responses kind."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("form", choices=FORMS)
        parser.add_argument("path", type=Path)
        parser.add_argument("--user", default="", help="make the form for this user (their KUBE, their studies)")
        parser.add_argument("--study", default="", help="instrument: the study whose arms and waves the form offers")
        parser.add_argument("--instrument", default="", help="instrument: the instrument version's id")
        parser.add_argument("--regency", default="", help="visits, reports: only the KUBE of this regency (35.78)")
        parser.add_argument("--validate", action="store_true", help="also check the form with ODK Validate (Java)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = acting_user(options["user"]) if options["user"] else None
            file = self._build(user, options)
        except (ValidationError, PermissionDenied, FormUnavailable) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)])), returncode=2) from exc
        except ObjectDoesNotExist as exc:
            raise CommandError("No such study or instrument (for this user).", returncode=2) from exc
        if options["validate"]:
            try:
                xlsform_convert(file.content, validate=True)
            except XlsFormInvalid as exc:
                raise CommandError(f"ODK Validate refused the form: {exc}") from exc
        options["path"].write_bytes(file.content)
        self.stdout.write(f"Wrote {options['path']}: form {file.form_id}, version {file.version}")

    def _build(self, user: Any, options: dict[str, Any]) -> FormFile:
        if options["form"] != "instrument":
            return form_download(user=user, form=options["form"], regency=options["regency"])
        if any(options[key] and not str(options[key]).isdigit() for key in ("study", "instrument")):
            raise CommandError("--study and --instrument take a number (the record's id).", returncode=2)
        version_id = options["instrument"]
        if not version_id and options["study"]:
            version_id = study_instrument_id(user=user, study_id=options["study"])
        if not str(version_id).isdigit():
            raise CommandError("An instrument form needs --instrument ID or --study ID.", returncode=2)
        return instrument_download(user=user, version_id=version_id, study_id=options["study"] or None)
