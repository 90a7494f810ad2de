import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pendamping.core.context import door
from pendamping.enterprise.selectors.classification import regency_summaries
from pendamping.enterprise.services.classification import group_scores_refresh


class Command(BaseCommand):
    help = (
        "Recompute the classification of every active KUBE (or those of the given regencies) under the rubric in "
        "use, rank each regency by score (ties: more months reported, then KUBE code) and mark its top KUBE "
        "outstanding (berprestasi). Scores are never typed in: this, or a change to a KUBE's data, sets them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--regency", action="append", metavar="CODE", help="a regency code such as 35.78 (repeatable)"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        regencies = opts["regency"] or None
        if bad := [code for code in regencies or () if not re.fullmatch(r"\d{2}\.\d{2}", code)]:
            raise CommandError(f"not a regency code (like 35.78): {', '.join(bad)}")
        try:
            with door("cli"):
                scored = group_scores_refresh(regencies=regencies, progress=self._progress)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"scored {scored} KUBE")
        for summary in regency_summaries(regencies=regencies):
            levels = ", ".join(f"{name} {count}" for name, count in summary.levels.items())
            self.stdout.write(
                f"  {summary.regency_id} {summary.regency}: {summary.scored} scored ({levels}), "
                f"{summary.outstanding} outstanding"
            )

    def _progress(self, done: int, total: int) -> None:
        """One line rewritten in place on a terminal; a line per regency in a log."""
        if not self.stdout.isatty():
            self.stdout.write(f"scoring: {done}/{total} KUBE")
            return
        self.stdout.write(f"\rscoring: {done}/{total} KUBE", ending="")
        if done == total:
            self.stdout.write("")
