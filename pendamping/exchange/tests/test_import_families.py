"""Importing families end to end through the batch services and the command: modes, policies, counts, undo."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pendamping.exchange.kinds._families_write import runs
from pendamping.exchange.models import ImportBatch, ImportedRecord
from pendamping.exchange.services.batches import batch_check, batch_run, batch_undo, batch_upload
from pendamping.exchange.tests.helpers import FAMILY_HEADER, csv_bytes, family_row, write, xlsx_bytes
from pendamping.registry.models import Family
from pendamping.registry.tests.factories import nik_for

pytestmark = pytest.mark.django_db


def _niks(regions, count, start=9001, desa="35.78.01.1001"):
    return [nik_for(regions[desa], n) for n in range(start, start + count)]


def _batch(actor, content, *, name="families.csv", **options):
    return batch_upload(actor=actor, kind="families", name=name, chunks=[content], **options)


def test_valid_file_creates_every_family_and_records_them(regions, surabaya_officer):
    rows = [family_row(nik) for nik in _niks(regions, 5)]
    batch = _batch(surabaya_officer, csv_bytes(FAMILY_HEADER, rows))
    summary = batch_run(batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.rows, batch.created, batch.rejected) == ("done", 5, 5, 0)
    assert Family.objects.filter(nik__in=[r[0] for r in rows]).count() == 5
    created = Family.objects.filter(nik__in=[r[0] for r in rows]).values_list("pk", flat=True)
    records = ImportedRecord.objects.filter(batch=batch, action="c")
    assert sorted(records.object_ids()) == sorted(created)
    assert records.count() == len(runs(sorted(created)))  # one record per run of consecutive ids
    family = Family.objects.get(nik=rows[0][0])
    assert (family.regency_id, family.monthly_income, family.welfare_decile, family.rt) == ("35.78", 1500000, 2, "003")
    assert summary.balanced


def test_all_or_nothing_writes_nothing_when_one_row_is_bad(regions, surabaya_officer):
    rows = [family_row(nik) for nik in _niks(regions, 4)]
    rows[2][8] = "1,5 juta"
    batch = _batch(surabaya_officer, csv_bytes(FAMILY_HEADER, rows))
    batch_run(batch=batch)
    batch.refresh_from_db()
    assert batch.status == "rejected"
    assert Family.objects.filter(nik__in=[r[0] for r in rows]).count() == 0
    assert batch.created + batch.updated + batch.skipped + batch.rejected == batch.rows == 4
    (error,) = batch.errors
    assert (error["row"], error["column"], error["value"]) == (4, "PENGHASILAN", "1,5 juta")


def test_valid_only_writes_the_good_rows_and_reports_the_rest(regions, surabaya_officer):
    rows = [family_row(nik) for nik in _niks(regions, 4)]
    rows[1][0] = "3578 0101 0101 0001"
    batch = _batch(surabaya_officer, csv_bytes(FAMILY_HEADER, rows), mode="valid-only")
    batch_run(batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.created, batch.rejected) == ("done", 3, 1)
    assert batch.errors[0]["row"] == 3 and batch.errors[0]["column"] == "NIK"


def test_reimporting_the_same_file_creates_nothing(regions, surabaya_officer):
    content = csv_bytes(FAMILY_HEADER, [family_row(nik) for nik in _niks(regions, 3)])
    batch_run(batch=_batch(surabaya_officer, content))
    again = _batch(surabaya_officer, content)
    batch_run(batch=again)
    again.refresh_from_db()
    assert (again.created, again.skipped, again.status) == (0, 3, "done")


def test_update_policy_changes_only_what_differs_and_undo_restores(regions, surabaya_officer):
    niks = _niks(regions, 2)
    batch_run(batch=_batch(surabaya_officer, csv_bytes(FAMILY_HEADER, [family_row(n) for n in niks])))
    changed = [family_row(niks[0], income="2.000.000"), family_row(niks[1])]
    batch = _batch(surabaya_officer, csv_bytes(FAMILY_HEADER, changed), on_existing="update")
    batch_run(batch=batch)
    batch.refresh_from_db()
    assert (batch.updated, batch.skipped) == (1, 1)
    assert Family.objects.get(nik=niks[0]).monthly_income == 2_000_000
    batch_undo(actor=surabaya_officer, batch=batch)
    assert Family.objects.get(nik=niks[0]).monthly_income == 1_500_000


def test_reject_policy_refuses_existing_rows(regions, surabaya_officer):
    content = csv_bytes(FAMILY_HEADER, [family_row(nik) for nik in _niks(regions, 2)])
    batch_run(batch=_batch(surabaya_officer, content))
    batch = _batch(surabaya_officer, content, on_existing="reject")
    batch_run(batch=batch)
    batch.refresh_from_db()
    assert batch.status == "rejected" and batch.error_count == 2


def test_duplicate_nik_in_one_file_names_both_rows(regions, surabaya_officer):
    nik = _niks(regions, 1)[0]
    batch = _batch(surabaya_officer, csv_bytes(FAMILY_HEADER, [family_row(nik), family_row(nik)]))
    batch_run(batch=batch)
    batch.refresh_from_db()
    assert batch.errors[0]["row"] == 3 and "row 2" in batch.errors[0]["message"]


def test_rows_of_another_regency_are_rejected_not_moved(regions, surabaya_officer):
    malang = nik_for(regions["35.07.01.2001"], 9100)
    batch = _batch(surabaya_officer, csv_bytes(FAMILY_HEADER, [family_row(malang, desa="35.07.01.2001")]))
    batch_run(batch=batch)
    batch.refresh_from_db()
    assert batch.status == "rejected" and "outside your regencies" in batch.errors[0]["message"]
    assert not Family.objects.filter(nik=malang).exists()


def test_undo_deletes_created_families(regions, surabaya_officer):
    niks = _niks(regions, 3)
    batch = _batch(surabaya_officer, csv_bytes(FAMILY_HEADER, [family_row(n) for n in niks]))
    batch_run(batch=batch)
    batch_undo(actor=surabaya_officer, batch=batch)
    assert not Family.objects.filter(nik__in=niks).exists()
    assert ImportBatch.objects.get(pk=batch.pk).status == "undone"


def test_undo_deletes_the_runs_of_the_batch_and_nothing_between_them(regions, surabaya_officer):
    batch = _batch(surabaya_officer, csv_bytes(FAMILY_HEADER, [family_row(n) for n in _niks(regions, 3)]))
    batch_run(batch=batch)
    first, middle, last = Family.objects.order_by("pk")
    ImportedRecord.objects.filter(batch=batch).delete()  # as if another office's family took the middle id
    for family in (first, last):
        ImportedRecord.objects.create(batch=batch, model="registry.family", object_id=family.pk,
                                      last_object_id=family.pk, action="c")  # fmt: skip
    batch_undo(actor=surabaya_officer, batch=batch)
    assert list(Family.objects.all()) == [middle]


def test_check_writes_nothing_but_counts(regions, surabaya_officer):
    batch = _batch(surabaya_officer, csv_bytes(FAMILY_HEADER, [family_row(n) for n in _niks(regions, 3)]))
    batch_check(batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.created) == ("checked", 3)
    assert not Family.objects.filter(nik__in=[]).exists() and Family.objects.count() == 0


def test_xlsx_with_semicolon_free_layout_imports(regions, surabaya_officer):
    rows = [family_row(nik) for nik in _niks(regions, 2)]
    batch = _batch(surabaya_officer, xlsx_bytes(FAMILY_HEADER, rows), name="f.xlsx")
    batch_run(batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.created) == ("done", 2)


def test_command_exit_status_and_report(regions, admin, tmp_path):
    rows = [family_row(nik) for nik in _niks(regions, 2)]
    good = write(tmp_path, "good.csv", csv_bytes(FAMILY_HEADER, rows, delimiter=";"))
    call_command("import_data", "families", str(good), "--user", "admin")
    rows[0][1] = "12345"
    bad = write(tmp_path, "bad.csv", csv_bytes(FAMILY_HEADER, [rows[0]]))
    report = tmp_path / "report.csv"
    with pytest.raises(CommandError) as raised:
        call_command("import_data", "families", str(bad), "--user", "admin", "--on-existing", "update",
                     "--report", str(report))  # fmt: skip
    assert raised.value.returncode == 1
    assert "NO KK" in report.read_text(encoding="utf-8-sig")


def test_an_import_flags_possible_duplicates_for_review(regions, surabaya_officer):
    from pendamping.exchange.models import PossibleDuplicate
    from pendamping.exchange.tasks import import_task

    first, second = _niks(regions, 2)
    rows = [family_row(first, kk=first, name="Siti Aminah"), family_row(second, kk=first, name="Hj. Siti Aminah")]
    batch = _batch(surabaya_officer, csv_bytes(FAMILY_HEADER, rows))
    import_task.enqueue(batch_id=batch.pk, check_only=False)  # as the worker runs it (in-process in tests)
    flag = PossibleDuplicate.objects.get(batch=batch)
    assert flag.reason == "kk_name" and flag.regency_id == "35.78"


def test_a_siks_ng_export_imports_as_it_is_with_a_saved_mapping(regions, surabaya_officer):
    from pendamping.exchange.services.mappings import mapping_columns, mapping_save

    header = ["IDDTKS", "NIK", "NO KK", "NAMA", "TGL LAHIR", "TEMPAT LAHIR", "JENIS KELAMIN", "ALAMAT", "RT", "RW",
              "NAMA DESA", "KECAMATAN", "DESIL"]  # fmt: skip
    nik = _niks(regions, 1)[0]
    born = f"{nik[6:8]}/{nik[8:10]}/19{nik[10:12]}"
    desa = regions["35.78.01.1001"]
    row = ["DTKS01", nik, nik, "Siti Aminah", born, "Surabaya", "L", "Jl. Mawar", "1", "2", desa.name,
           desa.parent.name, "3"]  # fmt: skip
    mapping_save(actor=surabaya_officer, kind="families", name="SIKS-NG", columns={"TEMPAT LAHIR": ""})
    batch = _batch(surabaya_officer, csv_bytes(header, [row], delimiter=";"),
                   mapping=mapping_columns(kind="families", name="SIKS-NG"))  # fmt: skip
    batch_run(batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.created, batch.message) == ("done", 1, ""), batch.errors
    family = Family.objects.get(nik=nik)
    assert (family.desa_id, family.dtks_id, family.welfare_decile) == ("35.78.01.1001", "DTKS01", 3)


def test_created_ids_are_recorded_as_runs_of_consecutive_numbers():
    assert runs([]) == []
    assert runs([7, 1, 2, 3, 5]) == [(1, 3), (5, 5), (7, 7)]
    assert runs(list(range(10, 5010))) == [(10, 5009)]
