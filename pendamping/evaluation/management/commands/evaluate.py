"""`pendamping evaluate RESPONSES.csv --instrument INSTRUMENT.yaml --out DIR`: analyse a study without a database.

Reads the answers (long or wide CSV) and the instrument (YAML), runs the analysis engine, and
writes results.json, the two tables as CSV and XLSX, descriptives.csv, report.html and report.pdf into DIR.
It never touches the database, so a researcher can run it on their own data with a fresh
install. Bad input ends with a message naming the file, line and column, and exit status 2.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pendamping.evaluation.engine.analysis import AnalysisBlocked, analyse
from pendamping.evaluation.engine.io import InputError, load_instrument, read_responses
from pendamping.evaluation.engine.model import AnalysisOptions
from pendamping.evaluation.engine.report import write_report
from pendamping.evaluation.engine.result import AnalysisResult
from pendamping.evaluation.report_pdf import render_pdf

PROBLEMS_SHOWN = 10


def _blocked_message(exc: AnalysisBlocked) -> str:
    """The blocking problems, and the first others (often their cause: every answer of an arm was invalid)."""
    lines = ["the answers cannot be analysed:"] + [f"  {p.message}" for p in exc.problems if p.blocking]
    others = [p for p in exc.problems if not p.blocking]
    for p in others[:PROBLEMS_SHOWN]:
        lines.append(f"  line {p.row}: {p.message}" if p.row is not None else f"  {p.message}")
    if len(others) > PROBLEMS_SHOWN:
        lines.append(f"  ... and {len(others) - PROBLEMS_SHOWN} more problems")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Analyse a pre/post study with treatment and control arms (no database needed)."
    requires_system_checks: list[str] = []  # no database, no app checks: runs on a bare install
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("responses", help="CSV of answers, long or wide layout")
        parser.add_argument("--instrument", required=True, help="instrument YAML file")
        parser.add_argument("--out", required=True, help="folder for the output files (created if missing)")
        parser.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
        parser.add_argument("--lang", choices=("id", "en"), default="id", help="report language (default id)")
        parser.add_argument("--adjust", choices=("holm", "bh", "bonferroni"), default="holm")
        parser.add_argument("--family", choices=("all", "aspect", "comparison"), default="all",
                            help="multiplicity family (default: all design-correct tests)")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        opts = AnalysisOptions(
            alpha=options["alpha"], lang=options["lang"], adjust=options["adjust"], family=options["family"]
        )
        try:
            instrument = load_instrument(options["instrument"])
            responses = read_responses(options["responses"])
            result = analyse(instrument, responses.answers, opts, rows=responses.rows)
        except AnalysisBlocked as exc:
            raise CommandError(_blocked_message(exc), returncode=2) from exc
        except (InputError, ValueError) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        try:
            paths = write_report(result, options["out"])
            # The engine writes the files it can make without Django; the PDF needs the report builder.
            paths["report.pdf"] = paths["report.html"].with_name("report.pdf")
            paths["report.pdf"].write_bytes(render_pdf(result))
        except OSError as exc:
            raise CommandError(f"{options['out']}: cannot write the output: {exc.strerror}", returncode=2) from exc
        self._summary(result, responses.layout, responses.blanks)
        for path in paths.values():
            self.stdout.write(f"  {path}")

    def _summary(self, result: AnalysisResult, layout: str, blanks: int) -> None:
        s = result.summary
        resp = s["respondents"]
        self.stdout.write(
            f"{result.instrument['code']} v{result.instrument['version']}: {s['answers_used']} of {s['answers']} "
            f"answers used ({layout} layout, {blanks} empty answers skipped); treatment n = {resp['treatment']}, "
            f"control n = {resp['control']}"
        )
        for problem in result.problems[:PROBLEMS_SHOWN]:
            where = f"line {problem.row}: " if problem.row is not None else ""
            self.stderr.write(f"  {where}{problem.message}")
        if len(result.problems) > PROBLEMS_SHOWN:
            self.stderr.write(f"  ... {len(result.problems) - PROBLEMS_SHOWN} more problems in results.json")
        for row in result.design:
            if row.comparison == "did":
                estimate = row.effect_sizes.get("did_estimate")
                did = "" if estimate is None else f"DiD = {estimate:+.1f}, "
                p = "" if row.p_adjusted is None else f"adjusted p = {row.p_adjusted:.4f}: "
                self.stdout.write(f"  {row.aspect} {row.aspect_title}: {did}{p}{row.decision_text}")
        self.stdout.write(f"{len(result.design)} tests, {s['tests_not_testable']} not testable; files:")
