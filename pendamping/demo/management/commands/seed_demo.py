from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from pendamping.core.context import door
from pendamping.demo.seed import SeedResult, demo_seed


class Command(BaseCommand):
    help = (
        "Fill an empty database with a deterministic demo data set: families with valid NIKs in real desa of "
        "eight Jawa Timur regencies, KUBE of 5-20 members with their boards, grants and tranches, and "
        "companions with assignments. The same --seed gives the same data. Refuses a database that already "
        "has families, so a re-run never duplicates anything. Written in batches: --families 1000000 works "
        "in flat memory."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--families", type=int, default=2000, help="number of families (default 2000)")
        parser.add_argument("--seed", type=int, default=2019, help="random seed (default 2019)")
        parser.add_argument(
            "--companions", type=int, default=None, help="number of companions (default: one per 80 families)"
        )
        parser.add_argument("--batch-size", type=int, default=5000, help="families per transaction (default 5000)")

    def handle(self, *args: Any, **opts: Any) -> None:
        loud = opts["families"] > opts["batch_size"] and opts["verbosity"] > 0
        try:
            with door("cli"):
                result = demo_seed(
                    families=opts["families"],
                    seed=opts["seed"],
                    companions=opts["companions"],
                    batch_size=opts["batch_size"],
                    progress=self._progress(opts["families"]) if loud else None,
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if opts["verbosity"] > 0:
            self.stdout.write(self._summary(result))

    def _progress(self, total: int) -> Any:
        def show(result: SeedResult) -> None:
            self.stdout.write(
                _("  %(done)s / %(total)s families, %(fps)s families/s, %(rps)s rows/s")
                % {
                    "done": f"{result.families:,}",
                    "total": f"{total:,}",
                    "fps": f"{result.families / result.seconds:,.0f}",
                    "rps": f"{result.rows / result.seconds:,.0f}",
                }
            )

        return show

    def _summary(self, r: SeedResult) -> str:
        return _(
            "seeded %(families)s families, %(groups)s KUBE (%(memberships)s memberships), %(grants)s grants "
            "(%(tranches)s tranches), %(companions)s companions (%(assignments)s assignments) "
            "in %(seconds).1f s: %(rps)s rows/s"
        ) % {
            "families": f"{r.families:,}",
            "groups": f"{r.groups:,}",
            "memberships": f"{r.memberships:,}",
            "grants": f"{r.grants:,}",
            "tranches": f"{r.tranches:,}",
            "companions": f"{r.companions:,}",
            "assignments": f"{r.assignments:,}",
            "seconds": r.seconds,
            "rps": f"{r.rows / max(r.seconds, 1e-9):,.0f}",
        }
