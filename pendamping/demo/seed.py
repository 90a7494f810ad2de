"""Writing the demo data set, a batch of about 5,000 families at a time, each batch in one transaction.

Nothing but the counters of NIK serials and KUBE codes outlives a batch, so a million families take no
more memory than five thousand. The same seed (and batch size) gives the same rows."""

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pendamping.demo.build import Builder, Rows
from pendamping.demo.companions import CompanionRows, companion_models, companions_for
from pendamping.demo.people import SerialBook
from pendamping.demo.plan import DesaPool, plan_cluster
from pendamping.registry.models import Family, Grant, Group, Membership, Tranche

# The demo's "today": every date is on or before it, so the data never depends on the day it is made.
REFERENCE_DATE = dt.date(2026, 1, 15)
BATCH_SIZE = 5000
# Rows per INSERT statement: the widest table stays far below PostgreSQL's 65,535 parameters.
ROWS_PER_INSERT = 2000
FAMILIES_PER_COMPANION = 80  # 2,000 families -> 25 companions


@dataclass
class SeedResult:
    families: int = 0
    groups: int = 0
    memberships: int = 0
    grants: int = 0
    tranches: int = 0
    companions: int = 0
    assignments: int = 0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return (
            self.families + self.groups + self.memberships + self.grants + self.tranches
            + self.companions + self.assignments
        )  # fmt: skip


Progress = Callable[[SeedResult], None]


def family_count() -> int:
    return Family.objects.count()


def _refuse_filled_database() -> None:
    existing = Family.objects.count()
    if existing:
        raise ValidationError(
            _("database already has %(n)s families; seed_demo only fills an empty database") % {"n": existing}
        )
    companion_model, _assignment = companion_models()
    if companion_model.objects.exists():
        raise ValidationError(_("database already has companions; seed_demo only fills an empty database"))


def demo_seed(
    *,
    families: int,
    seed: int,
    companions: int | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> SeedResult:
    """Fill an empty registry with `families` families, their KUBE, grants and companions."""
    if families < 1 or batch_size < 1:
        raise ValidationError(_("The number of families and the batch size must be at least 1."))
    _refuse_filled_database()
    rng = random.Random(seed)  # nosec B311  # demo data, reproducible on purpose
    serials = SerialBook()
    try:
        pool = DesaPool.load(serials)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    builder = Builder(rng=rng, ref=REFERENCE_DATE, serials=serials)
    wanted = max(1, families // FAMILIES_PER_COMPANION) if companions is None else companions
    result, started = SeedResult(), time.perf_counter()
    while result.families < families:
        rows = _next_batch(builder, pool, families - result.families, batch_size)
        # Companions are spread over the batches in proportion to the families written so far.
        due = round(wanted * (result.families + len(rows.families)) / families) - result.companions
        with transaction.atomic():
            _write(rows, result)
            _write_companions(companions_for(rng, serials, REFERENCE_DATE, rows.groups, due), result)
        result.seconds = time.perf_counter() - started
        if progress:
            progress(result)
    return result


def _next_batch(builder: Builder, pool: DesaPool, remaining: int, batch_size: int) -> Rows:
    rows = Rows()
    while len(rows.families) < min(batch_size, remaining):
        plan = plan_cluster(builder.rng, remaining - len(rows.families))
        builder.cluster(pool.pick(builder.rng, plan.families), plan, rows)
    return rows


def _write(rows: Rows, result: SeedResult) -> None:
    # Order matters: bulk_create sets the primary keys the later rows take their foreign keys from.
    Family.objects.bulk_create(rows.families, batch_size=ROWS_PER_INSERT)
    Group.objects.bulk_create(rows.groups, batch_size=ROWS_PER_INSERT)
    Membership.objects.bulk_create(rows.memberships, batch_size=ROWS_PER_INSERT)
    Grant.objects.bulk_create(rows.grants, batch_size=ROWS_PER_INSERT)
    Tranche.objects.bulk_create(rows.tranches, batch_size=ROWS_PER_INSERT)
    result.families += len(rows.families)
    result.groups += len(rows.groups)
    result.memberships += len(rows.memberships)
    result.grants += len(rows.grants)
    result.tranches += len(rows.tranches)


def _write_companions(rows: CompanionRows, result: SeedResult) -> None:
    companion_model, assignment_model = companion_models()
    companion_model.objects.bulk_create(rows.companions, batch_size=ROWS_PER_INSERT)
    assignment_model.objects.bulk_create(rows.assignments, batch_size=ROWS_PER_INSERT)
    result.companions += len(rows.companions)
    result.assignments += len(rows.assignments)
