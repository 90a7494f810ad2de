"""What the parts of the companion-model demo share: its calendar, the people who act in it, NIKs for new
applicants, and backdating of the timestamps the database stamps with the real clock.

The story runs on the business demo's fixed "today" (facts.DEMO_TODAY, 27 November 2026): a call opened and
decided early in 2026, a briefing in April, an internship in May and June, the new companions in the field from
July, visits over the 24 months up to October 2026, and the appraisals of 2025 Q4 to 2026 Q3."""

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Model

from pendamping.accounts.models import User
from pendamping.companions.models import Application, Companion
from pendamping.demo import people
from pendamping.demo.facts import at
from pendamping.registry.models import Family

SEED = 2026
# The recruitment call.
CALL_CREATED = dt.date(2026, 1, 5)
CALL_OPENS = dt.date(2026, 1, 12)
CALL_CLOSES = dt.date(2026, 2, 13)
DECIDED_ON = dt.date(2026, 3, 6)
# The briefing batch: Monday to Friday, after Lebaran (20-21 March 2026).
BRIEFING_CREATED = dt.date(2026, 3, 16)
BRIEFING_STARTS = dt.date(2026, 4, 13)
BRIEFING_ENDS = dt.date(2026, 4, 17)
# The internship round: eight weeks at the host KUBE.
ROUND_CREATED = dt.date(2026, 4, 22)
ROUND_STARTS = dt.date(2026, 5, 4)
ROUND_ENDS = dt.date(2026, 6, 26)
# The new companions take over KUBE from these days on; the companions of the 2019 study who had none got
# theirs in a rebalancing of caseloads before the visits' window.
NEW_ASSIGNMENTS = dt.date(2026, 7, 1)
REBALANCED_ON = dt.date(2024, 10, 1)
# Applicants' NIK serials start here in their kecamatan: far above the registry seed's (which count up from
# 0001) and below the evaluation study's extra companions (9000 up).
APPLICANT_SERIAL = 8001


def part_rng(seed: int, part: str) -> random.Random:
    # A str seed is hashed: stable across runs. Demo data, reproducible on purpose.
    return random.Random(f"{seed}-companion-model-{part}")  # nosec B311


@dataclass(frozen=True)
class Actors:
    """The demo logins who act: the provincial admin, and the regency officer for the rows of their regencies.
    None (the system) stands in for a login that does not exist."""

    admin: User | None
    officer: User | None

    @classmethod
    def load(cls) -> "Actors":
        def find(username: str) -> User | None:
            return User.objects.filter(username=username, is_active=True).first()

        return cls(admin=find("admin"), officer=find("officer"))

    def for_regency(self, code: str) -> User | None:
        if self.officer is not None and code in self.officer.regency_codes:
            return self.officer
        return self.admin

    def officer_name(self, code: str) -> str | None:
        """The demo officer's name when the regency is theirs (they assess its trainees)."""
        if self.officer is not None and code in self.officer.regency_codes:
            return self.officer.get_full_name() or self.officer.username
        return None


def free_nik(prefix: str, sex: str, born: dt.date, serial: int) -> str:
    """A valid NIK no family, companion or applicant has: the first free serial from `serial` up."""
    while True:
        nik = people.nik_for(prefix, sex, born, serial)
        taken = (
            Family.objects.filter(nik=nik).exists()
            or Companion.objects.filter(nik=nik).exists()
            or Application.objects.filter(nik=nik).exists()
        )
        if not taken:
            return nik
        serial += 1


def backdate(model: type[Model], stamps: Iterable[tuple[int, dt.datetime]], field: str = "created_at") -> None:
    """Set a timestamp the database stamped with the real clock (auto_now_add) to the demo's own day."""
    for pk, moment in stamps:
        model._default_manager.filter(pk=pk).update(**{field: moment})


def office_time(day: dt.date, rng: random.Random, first_hour: int = 8, last_hour: int = 16) -> dt.datetime:
    return at(day, rng.randint(first_hour, last_hour), rng.randrange(0, 60, 5))
