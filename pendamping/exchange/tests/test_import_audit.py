"""E1 (QUALITY.md) for the import door: an import is one operation on the audit trail (the batch's `import`
entry with its counts), and what it did to each record is kept beside it, row by row: ImportedRecord names every
family it created (runs of ids) and, for every family it changed, the fields as they were. An undo is audited
too. Per-family audit entries are deliberately not written: a million-row import would write a million."""

import pytest
from django.contrib.contenttypes.models import ContentType

from pendamping.audit.models import AuditEntry
from pendamping.exchange.models import ImportBatch, ImportedRecord
from pendamping.exchange.services.batches import batch_run, batch_undo, batch_upload
from pendamping.exchange.tests.helpers import FAMILY_HEADER, csv_bytes, family_row
from pendamping.registry.models import Family
from pendamping.registry.tests.factories import nik_for

pytestmark = pytest.mark.django_db


def _entries(batch: ImportBatch, action: str) -> list[AuditEntry]:
    kind = ContentType.objects.get_for_model(ImportBatch)
    return list(AuditEntry.objects.filter(content_type=kind, object_id=str(batch.pk), action=action))


def _run(user, rows, **options) -> ImportBatch:
    content = csv_bytes(FAMILY_HEADER, rows)
    batch = batch_upload(actor=user, kind="families", name="f.csv", chunks=[content], **options)
    batch_run(batch=batch)
    batch.refresh_from_db()
    return batch


def test_an_import_is_one_audited_operation_with_every_created_record_beside_it(regions, surabaya_officer):
    niks = [nik_for(regions["35.78.01.1001"], n) for n in range(9301, 9304)]
    family_entries_before = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Family)).count()
    batch = _run(surabaya_officer, [family_row(nik) for nik in niks])
    (entry,) = _entries(batch, "import")
    assert entry.actor == surabaya_officer
    assert entry.changes["created"] == [None, 3] and entry.changes["rows"] == [None, 3]
    created = sorted(Family.objects.filter(nik__in=niks).values_list("pk", flat=True))
    assert sorted(ImportedRecord.objects.filter(batch=batch, action="c").object_ids()) == created
    families = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Family))
    assert families.count() == family_entries_before  # the batch stands for its rows


def test_an_updating_import_keeps_each_changed_records_old_values_and_its_undo_is_audited(regions, surabaya_officer):
    nik = nik_for(regions["35.78.01.1001"], 9311)
    _run(surabaya_officer, [family_row(nik)])
    family = Family.objects.get(nik=nik)
    batch = _run(surabaya_officer, [family_row(nik, income="2.000.000")], on_existing="update")
    (entry,) = _entries(batch, "import")
    assert entry.changes["updated"] == [None, 1]
    (record,) = ImportedRecord.objects.filter(batch=batch, action="u")
    assert record.object_id == family.pk and record.before["monthly_income"] == 1_500_000
    batch_undo(actor=surabaya_officer, batch=batch)
    assert len(_entries(batch, "undo")) == 1
    assert Family.objects.get(pk=family.pk).monthly_income == 1_500_000
