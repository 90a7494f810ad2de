"""The import pages from upload to undo: check, mapping (with a saved mapping), run, downloads, progress."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from python_calamine import CalamineWorkbook

from pendamping.exchange.models import ImportBatch, SavedMapping
from pendamping.exchange.tests.helpers import FAMILY_HEADER, csv_bytes, family_row
from pendamping.registry.models import Family
from pendamping.registry.tests.factories import nik_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_after_commit(monkeypatch):
    monkeypatch.setattr("pendamping.exchange.queue.transaction.on_commit", lambda fn, **kwargs: fn())


@pytest.fixture
def officer_client(surabaya_officer):
    client = Client()
    client.force_login(surabaya_officer)
    return client


def _post_file(client, content, name="families.csv", **fields):
    data = {"kind": "families", "mode": "all", "on_existing": "skip", **fields}
    return client.post("/exchange/imports/new/", {**data, "file": SimpleUploadedFile(name, content)})


def test_upload_check_run_and_undo(regions, officer_client):
    niks = [nik_for(regions["35.78.01.1001"], n) for n in (9001, 9002)]
    response = _post_file(officer_client, csv_bytes(FAMILY_HEADER, [family_row(n) for n in niks]))
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/exchange/imports/{batch.pk}/"
    page = officer_client.get(response["Location"]).content.decode()
    assert "Would be created" in page and "Import now" in page
    officer_client.post(f"/exchange/imports/{batch.pk}/run/")
    assert Family.objects.filter(nik__in=niks).count() == 2
    assert "Undo this import" in officer_client.get(f"/exchange/imports/{batch.pk}/").content.decode()
    officer_client.post(f"/exchange/imports/{batch.pk}/undo/")
    assert not Family.objects.filter(nik__in=niks).exists()
    assert "undone" in officer_client.get("/exchange/imports/").content.decode()


def test_unknown_headers_are_mapped_on_the_page_and_the_mapping_saved(regions, officer_client, surabaya_officer):
    header = ["No. Induk", "Kartu Keluarga", "Nama KRT", "Desa Kode"]
    nik = nik_for(regions["35.78.01.1001"], 9003)
    _post_file(officer_client, csv_bytes(header, [[nik, nik, "Ani", "35.78.01.1001"]]))
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and "NO KK" in batch.message
    page = officer_client.get(f"/exchange/imports/{batch.pk}/").content.decode()
    assert "Kartu Keluarga" in page and "suggested" in page
    columns = {"col_0": "nik", "col_1": "kk_number", "col_2": "head_name", "col_3": "desa_code"}
    form = {"mode": "all", "on_existing": "skip", "save_as": "Daftar desa", **columns}
    officer_client.post(f"/exchange/imports/{batch.pk}/configure/", form)
    batch.refresh_from_db()
    assert batch.status == "checked" and batch.created == 1
    saved = SavedMapping.objects.get(name="Daftar desa")
    assert saved.columns["kartukeluarga"] == "kk_number"
    other = nik_for(regions["35.78.01.1001"], 9004)
    _post_file(officer_client, csv_bytes(header, [[other, other, "Budi", "35.78.01.1001"]]), mapping=str(saved.pk))
    assert ImportBatch.objects.latest("pk").status == "checked"


def test_errors_and_rows_to_fix_download_in_both_formats(regions, officer_client):
    bad = family_row(nik_for(regions["35.78.01.1001"], 9005), income="=HYPERLINK(1)")
    _post_file(officer_client, csv_bytes(FAMILY_HEADER, [bad]))
    batch = ImportBatch.objects.get()
    errors = officer_client.get(f"/exchange/imports/{batch.pk}/errors/")
    assert "PENGHASILAN" in errors.content.decode("utf-8-sig")
    fix = officer_client.get(f"/exchange/imports/{batch.pk}/to-fix/", {"format": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(fix.content)).get_sheet_by_index(0).to_python()
    assert rows[0][-1] == "ERRORS" and rows[1][0] == bad[0]
    assert rows[1][8] == "'=HYPERLINK(1)"  # neutralised: a spreadsheet never runs it


def test_template_has_the_header_notes_and_lists(officer_client):
    response = officer_client.get("/exchange/templates/families.xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names[:2] == ["data", "notes"]
    assert book.get_sheet_by_name("data").to_python()[0][:3] == ["NIK", "NO KK", "NAMA"]
    assert any("16 digits" in str(row[2]) for row in book.get_sheet_by_name("notes").to_python())


def test_progress_partial_polls_while_running_and_refreshes_when_done(regions, officer_client, surabaya_officer):
    _post_file(officer_client, csv_bytes(FAMILY_HEADER, [family_row(nik_for(regions["35.78.01.1001"], 9006))]))
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status="running", progress_done=40, progress_total=100)
    partial = officer_client.get(f"/exchange/imports/{batch.pk}/", {"part": "progress"}, HTTP_HX_REQUEST="true")
    assert b'hx-trigger="load delay:1s"' in partial.content and b'value="40"' in partial.content
    ImportBatch.objects.filter(pk=batch.pk).update(status="checked")
    done = officer_client.get(f"/exchange/imports/{batch.pk}/", {"part": "progress"}, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_another_officers_batches_and_mappings_are_not_found(regions, officer_client, malang_officer):
    theirs = Client()
    theirs.force_login(malang_officer)
    _post_file(theirs, csv_bytes(FAMILY_HEADER, [family_row(nik_for(regions["35.07.01.2001"], 9007),
                                                             desa="35.07.01.2001")]))  # fmt: skip
    batch = ImportBatch.objects.get()
    assert officer_client.get(f"/exchange/imports/{batch.pk}/").status_code == 404
    mapping = SavedMapping.objects.create(kind="families", name="Malang", columns={}, created_by=malang_officer)
    assert officer_client.post(f"/exchange/mappings/{mapping.pk}/delete/").status_code == 404
    assert "Malang" not in officer_client.get("/exchange/mappings/").content.decode()
