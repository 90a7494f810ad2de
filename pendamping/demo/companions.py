"""Demo companions, each accompanying up to ten KUBE of their own regency.

The demo app sits above every domain app, so it may use all their models."""

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from pendamping.companions.models import Assignment, Companion
from pendamping.demo import people
from pendamping.demo.people import SerialBook
from pendamping.demo.plan import DEMO_REGENCIES, FALLBACK_MADURESE
from pendamping.registry.models import Group

EDUCATION = {"sma": 55, "diploma": 10, "s1": 25, "smp": 5, "s2": 5}
# Only KUBE still at work get a companion; inactive and graduated ones are no longer accompanied.
ACCOMPANIED = (Group.Status.ACTIVE, Group.Status.FORMING)
MADURESE = {code: share for code, _w, share in DEMO_REGENCIES}


def companion_models() -> tuple[type[Companion], type[Assignment]]:
    return Companion, Assignment


@dataclass
class CompanionRows:
    companions: list[Any] = field(default_factory=list)
    assignments: list[Any] = field(default_factory=list)


def _share_out(total: int, counts: dict[str, int]) -> dict[str, int]:
    """Split `total` companions over regencies in proportion to their KUBE (largest remainder)."""
    kube = sum(counts.values())
    if not kube or not total:
        return dict.fromkeys(counts, 0)
    exact = {code: total * n / kube for code, n in counts.items()}
    shares = {code: int(x) for code, x in exact.items()}
    by_remainder = sorted(counts, key=lambda c: (shares[c] - exact[c], c))
    for code in by_remainder[: total - sum(shares.values())]:
        shares[code] += 1
    return shares


def companions_for(
    rng: random.Random, serials: SerialBook, ref: dt.date, groups: list[Group], total: int
) -> CompanionRows:
    """`total` companions for the batch's KUBE (already saved); the KUBE beyond their caseloads wait."""
    limit = settings.PENDAMPING["CASELOAD_LIMIT"]
    by_regency: dict[str, list[Group]] = {}
    for group in groups:
        if group.status in ACCOMPANIED:
            by_regency.setdefault(group.regency_id, []).append(group)
    rows = CompanionRows()
    for regency, count in _share_out(total, {r: len(g) for r, g in by_regency.items()}).items():
        kube, start = by_regency[regency], 0
        for i in range(count):
            # Neighbouring KUBE (same desa, same cluster) go to the same companion.
            take = len(kube) // count + (i < len(kube) % count)
            _companion(rng, serials, ref, kube[min(start, len(kube) - 1)], kube[start : start + min(take, limit)], rows)
            start += take
    return rows


def _companion(
    rng: random.Random, serials: SerialBook, ref: dt.date, near: Group, caseload: list[Group], rows: CompanionRows
) -> None:
    """A companion living in the desa of one of their KUBE (if that kecamatan still has serials)."""
    companion_model, assignment_model = companion_models()
    home = next((g for g in [near, *caseload] if serials.room(g.desa_id.replace(".", "")[:6]) > 0), None)
    if home is None:
        return
    who = people.person(
        rng,
        serials,
        prefix=home.desa_id.replace(".", "")[:6],
        ref=ref,
        female_share=0.45,
        madurese_share=MADURESE.get(home.regency_id, FALLBACK_MADURESE),
        ages=(23, 55),
    )
    companion = companion_model(
        nik=who.nik,
        name=who.name,
        sex=who.sex,
        birth_date=who.birth_date,
        education=rng.choices(list(EDUCATION), weights=list(EDUCATION.values()))[0],
        phone=people.phone(rng),
        home_desa_id=home.desa_id,
        regency_id=home.regency_id,
        status="active",
    )
    rows.companions.append(companion)
    for group in caseload:
        started = people.date_between(rng, group.founded_on, min(ref, group.founded_on + dt.timedelta(days=90)))
        rows.assignments.append(assignment_model(companion=companion, group=group, started_on=started))
