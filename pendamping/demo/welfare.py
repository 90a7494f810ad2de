"""Demo welfare follow-up: each member family's income at joining, then one to three updates for current members.

Incomes follow the KUBE: members of growing (and graduated) KUBE earn clearly more over time, of stagnating ones
about the same, of failing (and inactive) ones less. The welfare decile moves with the income."""

import datetime as dt
import random

from pendamping.demo.facts import DEMO_TODAY, Kube, Member, rupiah
from pendamping.demo.people import date_between
from pendamping.demo.reports import FAILING, GROWING, STAGNATING, Trajectory
from pendamping.enterprise.models import WelfareRecord
from pendamping.registry.models import Group

# The income at the latest update against the one at joining.
CHANGE = {GROWING: (1.25, 1.8), STAGNATING: (0.92, 1.15), FAILING: (0.75, 0.98)}
LOWEST_INCOME = 100_000
FIRST_UPDATE_AFTER = dt.timedelta(days=180)
NOTES = ("", "", "", "Kunjungan rumah", "Pendataan ulang", "Verifikasi DTSEN")


def outlook(group: Group, trajectory: Trajectory | None) -> str:
    """How the members fare: the KUBE's trajectory, or for KUBE without reports what their status says."""
    if trajectory is not None:
        return trajectory.kind
    if group.status == Group.Status.GRADUATED:
        return GROWING
    return FAILING if group.status == Group.Status.INACTIVE else STAGNATING


def welfare_for(rng: random.Random, kube: Kube, kind: str) -> list[WelfareRecord]:
    rows = []
    for member in kube.members:
        # Members of failing KUBE earned about what they earn now when they joined; the others earned less.
        factor = rng.uniform(0.9, 1.05) if kind == FAILING else rng.uniform(0.7, 1.0)
        start = max(LOWEST_INCOME, rupiah(member.income * factor, 10_000))
        rows.append(
            WelfareRecord(
                family_id=member.family_id,
                group=kube.group,
                kind=WelfareRecord.Kind.JOINING,
                recorded_on=member.joined_on,
                monthly_income=start,
                welfare_decile=member.decile,
                entered_by_id=kube.user_id,
            )  # fmt: skip
        )
        if member.left_on is None:
            rows.extend(_updates(rng, kube, member, start, rng.uniform(*CHANGE[kind])))
    return rows


def _updates(rng: random.Random, kube: Kube, member: Member, start: int, change: float) -> list[WelfareRecord]:
    """Updates spread over the membership, the latest within the last months; the change grows step by step."""
    first, last = member.joined_on + FIRST_UPDATE_AFTER, DEMO_TODAY - dt.timedelta(days=14)
    if first > last:
        return []
    count = rng.randint(1, 3)
    span = (last - first) / count
    days = sorted({date_between(rng, first + span * k, first + span * (k + 1)) for k in range(count)})
    rows = []
    for n, day in enumerate(days, start=1):
        ratio = 1 + (change - 1) * n / len(days) + rng.uniform(-0.03, 0.03)
        income = max(LOWEST_INCOME, rupiah(start * ratio, 10_000))
        rows.append(
            WelfareRecord(
                family_id=member.family_id,
                group=kube.group,
                kind=WelfareRecord.Kind.UPDATE,
                recorded_on=day,
                monthly_income=income,
                welfare_decile=_decile(member.decile, income / start),
                note=rng.choice(NOTES),
                entered_by_id=kube.user_id,
            )  # fmt: skip
        )
    return rows


def _decile(at_joining: int | None, ratio: float) -> int | None:
    if at_joining is None:
        return None
    step = 2 if ratio >= 1.5 else 1 if ratio >= 1.2 else -1 if ratio <= 0.85 else 0
    return min(10, max(1, at_joining + step))
