"""The demo's business data: monthly reports, IKS ledgers, grant plans and purchases, tranche approvals, welfare
follow-up, partnerships and complaints, then the KUBE classification computed from them.

`demo_enterprise_ensure` runs after the registry seed and the demo users (it names the demo officer, admin and
companion login on the rows). Each part fills its tables only when they are empty, so running the demo again
duplicates nothing. Rows are written straight to the tables in batches (bulk_create, like the registry seed),
but only rows the services would accept. Every part draws from its own random.Random, seeded with the seed and
the part's name, taking the KUBE in id order: the same registry gives the same rows. Dates are relative to the
demo's own "today" (facts.DEMO_TODAY), and the classification is computed as of that day."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from pendamping.accounts.models import User
from pendamping.complaints.models import Complaint
from pendamping.demo.complaints import demo_complaints_seed
from pendamping.demo.facts import DEMO_TODAY, Kube, load_kube
from pendamping.demo.grant_use import Approvers, approve, pending_second_tranches, plan_for, realisations_for
from pendamping.demo.partnerships import demo_partnerships_seed
from pendamping.demo.reports import iks_uses_for, reports_for, trajectory_for
from pendamping.demo.welfare import outlook, welfare_for
from pendamping.enterprise.models import IksEntry, MonthlyReport, PlanItem, Realisation, WelfareRecord
from pendamping.enterprise.services.classification import group_scores_refresh
from pendamping.enterprise.services.welfare_change import welfare_changes_rebuild
from pendamping.partnerships.models import Partner
from pendamping.registry.models import Group, Tranche

SEED = 2019
CHUNK = 500  # KUBE read and written at a time: memory stays flat for a large registry
ROWS_PER_INSERT = 2000
REPORTING_SHARE = 0.9  # of the ACTIVE KUBE; the others never sent a report
TRANCHE_FIELDS = ["status", "entered_by", "approved_by", "approved_at"]
BUSINESS_MODELS = (MonthlyReport, IksEntry, PlanItem, Realisation, WelfareRecord)


@dataclass
class Batch:
    """One chunk's unsaved rows, in the order they are written."""

    tranches: list[Tranche] = field(default_factory=list)
    reports: list[MonthlyReport] = field(default_factory=list)
    contributions: list[IksEntry] = field(default_factory=list)
    uses: list[IksEntry] = field(default_factory=list)
    items: list[PlanItem] = field(default_factory=list)
    realisations: list[Realisation] = field(default_factory=list)
    welfare: list[WelfareRecord] = field(default_factory=list)


@dataclass
class BusinessCounts:
    reports: int = 0
    reporting: int = 0  # KUBE with reports
    iks: int = 0
    items: int = 0
    realisations: int = 0
    welfare: int = 0
    approved: int = 0
    pending: int = 0


@dataclass(frozen=True)
class DemoBusiness:
    created: bool
    message: str


def _rng(seed: int, part: str) -> random.Random:
    # A str seed is hashed with SHA-512: stable across runs and machines. Demo data, reproducible on purpose.
    return random.Random(f"{seed}-{part}")  # nosec B311


def _user_id(username: str) -> int | None:
    return User.objects.filter(username=username, is_active=True).values_list("id", flat=True).first()


def _kube_rows(rng: random.Random, kube: Kube, who: Approvers, batch: Batch) -> None:
    batch.tranches += approve(rng, [t for grant in kube.grants for t in grant.tranches.all()], who)
    reporting = kube.group.status == Group.Status.ACTIVE and rng.random() < REPORTING_SHARE
    trajectory = trajectory_for(rng, kube.group.sector) if reporting else None
    if trajectory is not None:
        reports, contributions = reports_for(rng, kube, trajectory)
        batch.reports += reports
        batch.contributions += contributions
        batch.uses += iks_uses_for(rng, kube, contributions)
    for grant in kube.grants:
        items = plan_for(rng, grant, kube.group.sector)
        batch.items += items
        batch.realisations += realisations_for(rng, kube, grant, items)
    batch.welfare += welfare_for(rng, kube, outlook(kube.group, trajectory))


def _write(batch: Batch, counts: BusinessCounts) -> None:
    # Order matters: bulk_create sets the primary keys the IKS lines and purchases take from reports and items.
    Tranche.objects.bulk_update(batch.tranches, TRANCHE_FIELDS, batch_size=ROWS_PER_INSERT)
    MonthlyReport.objects.bulk_create(batch.reports, batch_size=ROWS_PER_INSERT)
    IksEntry.objects.bulk_create(batch.contributions + batch.uses, batch_size=ROWS_PER_INSERT)
    PlanItem.objects.bulk_create(batch.items, batch_size=ROWS_PER_INSERT)
    Realisation.objects.bulk_create(batch.realisations, batch_size=ROWS_PER_INSERT)
    WelfareRecord.objects.bulk_create(batch.welfare, batch_size=ROWS_PER_INSERT)
    counts.approved += len(batch.tranches)
    counts.reports += len(batch.reports)
    counts.reporting += len({r.group_id for r in batch.reports})
    counts.iks += len(batch.contributions) + len(batch.uses)
    counts.items += len(batch.items)
    counts.realisations += len(batch.realisations)
    counts.welfare += len(batch.welfare)


@transaction.atomic
def demo_business_seed(*, seed: int = SEED, progress: Callable[[int, int], None] | None = None) -> BusinessCounts:
    """Reports, IKS, grant use, approvals and welfare for every KUBE, a chunk of KUBE at a time, in one
    transaction (all or nothing, so a re-run after a failure starts clean)."""
    rng, counts = _rng(seed, "business"), BusinessCounts()
    who = Approvers(entered_by=_user_id("officer"), approved_by=_user_id("admin"))
    ids = list(Group.objects.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), CHUNK):
        batch = Batch()
        for kube in load_kube(ids[start : start + CHUNK]):
            _kube_rows(rng, kube, who, batch)
        _write(batch, counts)
        if progress is not None:
            progress(min(start + CHUNK, len(ids)), len(ids))
    # After the approvals: these stay pending.
    pending = Tranche.objects.bulk_create(pending_second_tranches(rng, who))
    counts.pending = len(pending)
    welfare_changes_rebuild()  # the records went in by bulk_create, past the services that keep it current
    return counts


def _business_message(c: BusinessCounts) -> str:
    return _(
        "Demo business data: %(reports)s monthly reports from %(kube)s KUBE, %(iks)s IKS entries, %(items)s plan "
        "items, %(realisations)s purchases, %(welfare)s welfare records; %(approved)s tranches approved, "
        "%(pending)s awaiting approval."
    ) % {
        "reports": f"{c.reports:,}", "kube": f"{c.reporting:,}", "iks": f"{c.iks:,}", "items": f"{c.items:,}",
        "realisations": f"{c.realisations:,}", "welfare": f"{c.welfare:,}", "approved": f"{c.approved:,}",
        "pending": c.pending,
    }  # fmt: skip


def _partnerships(seed: int) -> str:
    with transaction.atomic():
        made = demo_partnerships_seed(
            rng=_rng(seed, "partnerships"), officer=_user_id("officer"), admin=_user_id("admin")
        )
    return _(
        "Demo partnerships: %(partners)s partners, %(agreements)s agreements (%(ended)s ended) covering %(kube)s "
        "KUBE now, %(activities)s activities."
    ) % {
        "partners": made.partners, "agreements": made.agreements, "ended": made.ended, "kube": len(made.groups),
        "activities": made.activities,
    }  # fmt: skip


def _complaints(seed: int) -> str:
    with transaction.atomic():
        made = demo_complaints_seed(rng=_rng(seed, "complaints"), officer=_user_id("officer"), admin=_user_id("admin"))
    overdue = sum(1 for c in made if c.is_overdue(DEMO_TODAY))
    return _("Demo complaints: %(n)s, %(overdue)s overdue.") % {"n": len(made), "overdue": overdue}


def _scores() -> str:
    scored = group_scores_refresh(today=DEMO_TODAY)
    return _("KUBE classification computed for %(n)s active KUBE.") % {"n": f"{scored:,}"}


def demo_enterprise_ensure(*, seed: int = SEED, progress: Callable[[int, int], None] | None = None) -> DemoBusiness:
    """Fill each empty part of the business demo, then classify the KUBE if anything was added."""
    messages = []
    if not any(model.objects.exists() for model in BUSINESS_MODELS):
        messages.append(_business_message(demo_business_seed(seed=seed, progress=progress)))
    if not Partner.objects.exists():
        messages.append(_partnerships(seed))
    if not Complaint.objects.exists():
        messages.append(_complaints(seed))
    if not messages:
        return DemoBusiness(False, _("The business demo data exist already; keeping them."))
    if Group.objects.filter(status=Group.Status.ACTIVE).exists():
        messages.append(_scores())
    return DemoBusiness(True, "\n".join(messages))
