"""Retention (UU 27/2022 art. 43): personal fields of records that ended longer ago than their retention period
are anonymised in place. The rows stay, with their region, sex, sizes, incomes and amounts, so every count,
sum and indicator over them stays what it was; only who the person was is gone.

A record's retention period starts when it ended: a family no longer active and in no KUBE since, a complaint
closed, an applicant not taken on. Each anonymised record is written to the Erasure register (so it is done
once) and gets its own audit entry, naming the fields cleared but never their old values; in the record's earlier
audit entries those fields' values are blanked as well (audit.services.audit_redact), the entries themselves stay."""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from pendamping.audit.services import audit_record, audit_redact
from pendamping.companions.models import Application, Call
from pendamping.complaints.models import Complaint
from pendamping.privacy import conf
from pendamping.privacy.models import Erasure
from pendamping.registry.models import Family, Membership

# Stored in place of a name or a free text: a value, not a message, so it is not translated.
ANONYMOUS = "[anonim]"


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _not_erased(qs: QuerySet[Any], record_type: str) -> QuerySet[Any]:
    done = Erasure.objects.filter(record_type=record_type, object_id=Cast(OuterRef("pk"), CharField()))
    return qs.exclude(Exists(done))


def _families_due(cutoff: dt.date) -> QuerySet[Any]:
    # A status change stamps updated_at; a family still in a KUBE, or that left one after the cutoff, waits.
    recent = Membership.objects.filter(Q(left_on__isnull=True) | Q(left_on__gte=cutoff)).values("family_id")
    qs = Family.objects.exclude(status=Family.Status.ACTIVE).filter(updated_at__lt=_start_of(cutoff))
    return qs.exclude(pk__in=recent)


def _complaints_due(cutoff: dt.date) -> QuerySet[Any]:
    closed = (Complaint.Status.RESOLVED, Complaint.Status.REJECTED)
    return Complaint.objects.filter(status__in=closed, closed_on__lt=cutoff)


def _applications_due(cutoff: dt.date) -> QuerySet[Any]:
    not_taken = (Application.Status.REJECTED, Application.Status.WAITING)
    return Application.objects.filter(
        status__in=not_taken, companion__isnull=True, call__status=Call.Status.DECIDED, decided_at__lt=_start_of(cutoff)
    )


def _anonymise_family(row: Any) -> dict[str, Any]:
    # A 16-digit key under region 00 (no province has it): unique, never a real NIK, and still digits for the
    # code that expects them. The birth year stays, for age bands.
    key = f"{row.pk:016d}"
    values = {"nik": key, "kk_number": key, "head_name": ANONYMOUS, "address": "", "rt": "", "rw": "", "dtks_id": ""}
    return values | {"birth_date": row.birth_date.replace(month=1, day=1)}


def _anonymise_complaint(row: Any) -> dict[str, Any]:
    return {"complainant_name": "", "complainant_contact": "", "subject_text": "", "description": ANONYMOUS}


def _anonymise_application(row: Any) -> dict[str, Any]:
    values = {"nik": f"{row.pk:016d}", "name": ANONYMOUS, "phone": "", "email": "", "experience": ""}
    return values | {"motivation": ANONYMOUS, "birth_date": row.birth_date.replace(month=1, day=1)}


def _memberships(row: Any) -> QuerySet[Any]:
    # Their audit entries are described as "<head's name> — <KUBE>".
    return Membership.objects.filter(family=row).select_related("family", "group")


@dataclass(frozen=True)
class Policy:
    record_type: str
    due: Callable[[dt.date], QuerySet[Any]]
    ended_on: Callable[[Any], dt.date]
    anonymised: Callable[[Any], dict[str, Any]]
    related: Callable[[Any], Iterable[models.Model]] = lambda row: ()


POLICIES = (
    Policy(
        "registry.family", _families_due, lambda r: timezone.localdate(r.updated_at), _anonymise_family, _memberships
    ),
    Policy("complaints.complaint", _complaints_due, lambda r: r.closed_on, _anonymise_complaint),
    Policy(
        "companions.application", _applications_due, lambda r: timezone.localdate(r.decided_at), _anonymise_application
    ),
)


@transaction.atomic
def _anonymise(policy: Policy, row: models.Model, days: int) -> None:
    values = policy.anonymised(row)
    # update(), not save(): updated_at must keep the day the record ended, and the bump of version makes any
    # edit form opened before the purge fail its version check instead of writing the old values back.
    type(row)._default_manager.filter(pk=row.pk).update(**values, version=F("version") + 1)
    ended = policy.ended_on(row)
    Erasure.objects.create(record_type=policy.record_type, object_id=str(row.pk), ended_on=ended, retention_days=days)
    row.refresh_from_db()
    # The record's earlier entries held the values just cleared (its create entry, every change): blanked too.
    audit_redact(rows=[row, *policy.related(row)], fields=values, marker=ANONYMOUS)
    after = {"retention": "anonymised", "fields": sorted(values), "retention_days": days, "ended_on": ended.isoformat()}
    audit_record(actor=None, action="update", obj=row, before={}, after=after)


def retention_purge(*, today: dt.date | None = None, dry_run: bool = False) -> dict[str, int]:
    """Anonymise every record past its retention period on `today` (default: the office's today). Returns the
    count per record type; with `dry_run`, what would be anonymised, writing nothing."""
    today = today or timezone.localdate()
    periods = conf.retention_days()
    counts: dict[str, int] = {}
    for policy in POLICIES:
        days = periods.get(policy.record_type)
        if days is None:
            continue
        rows = list(_not_erased(policy.due(today - dt.timedelta(days=days)), policy.record_type))
        counts[policy.record_type] = len(rows)
        if not dry_run:
            for row in rows:
                _anonymise(policy, row, days)
    return counts
