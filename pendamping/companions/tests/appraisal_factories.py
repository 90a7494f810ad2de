"""Rows for the appraisal tests, written directly (no services): visits with their follow-ups, KUBE scores, final
appraisals with a given result, and one companion's quarter (2025 Q1) whose computed indicators are known by hand."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from pendamping.companions.models import Appraisal, AppraisalRubric, Companion, FollowUp, Visit
from pendamping.companions.services.appraisal import rubric_ensure_default
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.enterprise.models import GroupScore
from pendamping.enterprise.services.classification import rubric_ensure_default as classification_rubric
from pendamping.enterprise.tests.factories import MonthlyReportFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import SURABAYA_VILLAGE, GroupFactory, village

Q1 = dt.date(2025, 1, 1)
Q2 = dt.date(2025, 4, 1)


def rated_ids(rubric: AppraisalRubric) -> list[int]:
    return list(rubric.indicators.exclude(role="data").order_by("pk").values_list("pk", flat=True))


def all_rated(rubric: AppraisalRubric, value: int) -> dict[int, int]:
    return dict.fromkeys(rated_ids(rubric), value)


def visit(companion: Companion, group: Group, on: dt.date, *follow_ups: tuple[dt.date, dt.date | None]) -> Visit:
    v = Visit.objects.create(
        companion=companion, group=group, regency_id=group.regency_id, on=on, as_motivator=True, members_present=5
    )
    for due, done in follow_ups:
        FollowUp.objects.create(visit=v, action="Periksa buku kas", due_on=due, done_on=done)
    return v


def score(group: Group, level: int, value: str) -> GroupScore:
    names = {1: "tumbuh", 2: "berkembang", 3: "maju"}
    GroupScore.objects.filter(group=group).delete()
    return GroupScore.objects.create(
        group=group,
        regency_id=group.regency_id,
        rubric=classification_rubric(),
        score=Decimal(value),
        level_position=level,
        level_name=names[level],
        months_reported=12,
        computed_at=timezone.now(),
    )


def final_appraisal(companion: Companion, period: dt.date, *, result: str, well: bool, **more: Any) -> Appraisal:
    return Appraisal.objects.create(
        companion=companion,
        regency_id=companion.regency_id,
        period=period,
        rubric=rubric_ensure_default(),
        status=Appraisal.Status.FINAL,
        score=Decimal(result),
        performing_well=well,
        **more,
    )


def _on(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


@dataclass
class Quarter:
    companion: Companion
    a: Group
    b: Group


def known_quarter(*, code: str = SURABAYA_VILLAGE, **companion: Any) -> Quarter:
    """A companion accompanying KUBE A and B (active, founded 2023) since 2024, and in 2025 Q1:
    - visits: one to each KUBE each month -> 6 of 6 KUBE-months at the target of 1: points 1
    - reports (due on the 10th): A's three on time; B's January late, February and March missing -> 3 of 6: 0.5
    - classification now: A berkembang (2), B tumbuh (1), no earlier appraisal -> 1 of 2: 0.5
    - follow-ups due in the quarter: three done by their due date, one late -> 3 of 4: 0.75
    The data part is worth 10 × (1 + 0.5 + 0.5 + 0.75) = 27.5 of its 40."""
    desa = village(code)
    person = CompanionFactory(home_desa=desa, **companion)
    a, b = (GroupFactory(desa=desa, status=Group.Status.ACTIVE, founded_on=dt.date(2023, 1, 1)) for _ in "ab")
    for group in (a, b):
        AssignmentFactory(companion=person, group=group, started_on=dt.date(2024, 1, 1))
    follow_ups = [
        (dt.date(2025, 1, 20), dt.date(2025, 1, 18)),
        (dt.date(2025, 2, 20), dt.date(2025, 2, 20)),
        (dt.date(2025, 3, 20), dt.date(2025, 3, 1)),
        (dt.date(2025, 3, 25), dt.date(2025, 4, 2)),
    ]
    for month in (1, 2, 3):
        visit(person, a, dt.date(2025, month, 8), follow_ups[month - 1])
        visit(person, b, dt.date(2025, month, 15))
    visit(person, b, dt.date(2025, 3, 16), follow_ups[3])  # a second visit to B in March: no extra points
    for month in (1, 2, 3):
        MonthlyReportFactory(group=a, period=dt.date(2025, month, 1))  # on the 5th of the next month
    MonthlyReportFactory(group=b, period=dt.date(2025, 1, 1), submitted_at=_on(dt.date(2025, 2, 20)))
    score(a, 2, "61.00")
    score(b, 1, "38.50")
    return Quarter(person, a, b)
