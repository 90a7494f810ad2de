"""Retention (QUALITY E5): with the clock moved past the period, the purge anonymises personal fields, keeps
every count and sum, audits each record, and leaves records inside their period alone."""

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.audit.selectors import audit_of
from pendamping.audit.services import audit_record, snapshot
from pendamping.companions.models import Application, Call, Companion
from pendamping.complaints.models import Complaint
from pendamping.complaints.tests.factories import ComplaintFactory
from pendamping.privacy.models import Erasure
from pendamping.privacy.services.retention import ANONYMOUS, retention_purge
from pendamping.privacy.tasks import purge_task
from pendamping.registry.models import Family, Grant
from pendamping.registry.services import family_create, family_update
from pendamping.registry.tests.factories import (
    SURABAYA_VILLAGE,
    FamilyFactory,
    GrantFactory,
    MembershipFactory,
    nik_for,
    village,
)

pytestmark = [pytest.mark.django_db]

TODAY = timezone.localdate()
LATER = TODAY + dt.timedelta(days=3650 + 30)  # the clock moved just past the families' ten years


def ended(family: Family, days_before_later: int) -> Family:
    stamp = timezone.make_aware(dt.datetime.combine(LATER - dt.timedelta(days=days_before_later), dt.time(9)))
    Family.objects.filter(pk=family.pk).update(status=Family.Status.MOVED, updated_at=stamp)
    family.refresh_from_db()
    return family


def aggregates() -> dict[str, Any]:
    families = Family.objects.aggregate(n=Count("id"), income=Sum("monthly_income"), people=Sum("household_size"))
    return families | Grant.objects.aggregate(grants=Sum("amount")) | {"complaints": Complaint.objects.count()}


def test_the_purge_anonymises_what_is_past_its_period_and_keeps_the_aggregates() -> None:
    gone = ended(FamilyFactory(head_name="Lama Sekali", address="Jl. Lama 1"), 3650 + 30)
    recent = ended(FamilyFactory(head_name="Baru Pindah"), 100)
    active = FamilyFactory(head_name="Masih Aktif")
    member = ended(FamilyFactory(), 3650 + 30)
    MembershipFactory(family=member)  # still in a KUBE: its period has not started
    GrantFactory.create_batch(2)
    before = aggregates()

    assert retention_purge(today=LATER)["registry.family"] == 1

    gone.refresh_from_db()
    assert (gone.head_name, gone.address, gone.rt, gone.dtks_id) == (ANONYMOUS, "", "", "")
    assert gone.nik == gone.kk_number == f"{gone.pk:016d}"
    assert (gone.birth_date.month, gone.birth_date.day) == (1, 1)
    assert gone.status == Family.Status.MOVED and gone.monthly_income == 1_200_000
    for untouched in (recent, active, member):
        kept = Family.objects.get(pk=untouched.pk)
        assert (kept.nik, kept.head_name) == (untouched.nik, untouched.head_name)
    assert aggregates() == before


def test_each_anonymised_record_is_audited_without_its_old_values() -> None:
    gone = ended(FamilyFactory(head_name="Lama Sekali"), 3700)
    nik = gone.nik
    retention_purge(today=LATER)
    entry = AuditEntry.objects.get(object_id=str(gone.pk), content_type__model="family")
    assert (entry.action, entry.actor, entry.object_repr) == ("update", None, ANONYMOUS)
    assert entry.changes["retention"] == [None, "anonymised"] and entry.changes["retention_days"] == [None, 3650]
    assert nik not in str(entry.changes) and "Lama" not in str(entry.changes)
    assert Erasure.objects.filter(record_type="registry.family", object_id=str(gone.pk)).exists()


def test_the_records_earlier_audit_entries_lose_its_personal_values_and_keep_the_rest(admin: User) -> None:
    """E5 with E2: the trail keeps every entry (when, who, door, action, the non-personal values), but neither the
    anonymised record's create and change entries nor its past memberships' entries still say who it was."""
    family = family_create(actor=admin, nik=nik_for(village(SURABAYA_VILLAGE), 77), desa_code=SURABAYA_VILLAGE,
                           kk_number="3578010000000077", head_name="Sutini Rahayu", address="Jl. Melati 7")  # fmt: skip
    family = family_update(actor=admin, family=family, version=family.version, address="Jl. Mawar 9", household_size=5)
    membership = MembershipFactory(family=family, left_on=LATER - dt.timedelta(days=3700))
    audit_record(actor=admin, action="create", obj=membership, after=snapshot(membership))
    secrets = [family.nik, family.kk_number, "Sutini", "Melati", "Mawar"]
    kept = list(audit_of([family, membership]).order_by("id").values_list("id", "at", "door", "action", "actor_id"))
    ended(family, 3700)
    retention_purge(today=LATER)
    entries = audit_of([family, membership]).order_by("id")
    assert list(entries.values_list("id", "at", "door", "action", "actor_id"))[: len(kept)] == kept
    assert entries.count() == len(kept) + 1  # and the purge's own entry
    for entry in entries:
        text = f"{entry.object_repr} {entry.changes}"
        assert not [s for s in secrets if s in text], (entry.action, text)
    change = entries.filter(action="update", actor=admin).get()
    assert change.changes["household_size"] == [1, 5] and change.changes["address"] == [ANONYMOUS, ANONYMOUS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM audit_redaction_in_progress")
        assert cursor.fetchone()[0] == 0  # the gate closed again


def test_a_second_run_and_a_dry_run_change_nothing() -> None:
    ended(FamilyFactory(), 3700)
    assert retention_purge(today=LATER, dry_run=True)["registry.family"] == 1
    assert not Erasure.objects.exists() and not AuditEntry.objects.exists()
    retention_purge(today=LATER)
    entries = AuditEntry.objects.count()
    assert retention_purge(today=LATER)["registry.family"] == 0
    assert AuditEntry.objects.count() == entries


def test_closed_complaints_lose_the_complainant_after_their_period(settings: Any) -> None:
    settings.PRIVACY_RETENTION_DAYS = {"complaints.complaint": 30}
    old = ComplaintFactory(status=Complaint.Status.RESOLVED, resolution="Selesai", closed_on=TODAY)
    open_one = ComplaintFactory()
    counts = retention_purge(today=TODAY + dt.timedelta(days=31))
    assert counts["complaints.complaint"] == 1
    old.refresh_from_db()
    assert (old.complainant_name, old.complainant_contact, old.description) == ("", "", ANONYMOUS)
    assert (old.category, old.status, old.resolution) == (Complaint.Category.FUNDS, "resolved", "Selesai")
    open_one.refresh_from_db()
    assert open_one.complainant_name == "Siti Pelapor"
    assert retention_purge(today=TODAY + dt.timedelta(days=29))["complaints.complaint"] == 0


def test_rejected_applicants_are_anonymised_two_years_after_the_decision(admin: User) -> None:
    call = Call.objects.create(title="Rekrutmen", opens_on=TODAY, closes_on=TODAY, status=Call.Status.DECIDED)
    desa = village()
    application = Application.objects.create(
        call=call,
        regency_id=desa.code[:5],
        reference="R1",
        nik="3578015505900001",
        name="Calon Ditolak",
        sex=Companion.Sex.FEMALE,
        birth_date=dt.date(1990, 5, 15),
        phone="081234567890",
        education="s1",
        home_desa=desa,
        motivation="Ingin membantu",
        channel="public",
        status=Application.Status.REJECTED,
        decision_reason="nilai kurang",
        decided_at=timezone.now(),
        score=55,
    )
    assert retention_purge(today=TODAY + dt.timedelta(days=700))["companions.application"] == 0
    purge_task.enqueue(today=(TODAY + dt.timedelta(days=731)).isoformat())
    application.refresh_from_db()
    assert (application.name, application.phone, application.nik) == (ANONYMOUS, "", f"{application.pk:016d}")
    assert (application.score, application.sex, application.birth_date.year) == (55, "F", 1990)


def test_the_command_shows_what_a_dry_run_would_do(capsys: Any) -> None:
    ended(FamilyFactory(), 3700)
    call_command("privacy", "purge", "--dry-run", "--today", LATER.isoformat())
    assert "1  registry.family would be anonymised" in capsys.readouterr().out
    assert not Erasure.objects.exists()
