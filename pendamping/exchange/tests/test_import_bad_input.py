"""Issue 6, "Bad input": every case through the import page (and the API for a few): a clear message that says
what and where, never a server error, and nothing written in all-or-nothing mode."""

from pathlib import Path

import pytest
from django.test import Client

from pendamping.accounts.services import token_create
from pendamping.exchange.models import ImportBatch
from pendamping.exchange.tests import files
from pendamping.exchange.tests.helpers import FAMILY_HEADER, csv_bytes, family_row, xlsx_bytes
from pendamping.registry.models import Family
from pendamping.registry.tests.factories import FamilyFactory, nik_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_after_commit(monkeypatch):
    """The pages hand batches to the worker after their transaction commits; a test's never commits, so the
    hand-over happens at once (the tasks themselves run in-process in tests)."""
    monkeypatch.setattr("pendamping.exchange.queue.transaction.on_commit", lambda fn, **kwargs: fn())


def upload(user, content: bytes, *, name: str = "families.csv", mode: str = "all") -> ImportBatch:
    """Through the page, as an officer does it; the check runs at once (tests run tasks immediately)."""
    client = Client()
    client.force_login(user)
    response = client.post(
        "/exchange/imports/new/",
        {"kind": "families", "mode": mode, "on_existing": "skip", "file": _named(content, name)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.latest("pk")
    page = client.get(f"/exchange/imports/{batch.pk}/")
    assert page.status_code == 200
    return batch


def _named(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def run(user, content: bytes, **options) -> ImportBatch:
    batch = upload(user, content, **options)
    batch.refresh_from_db()
    if batch.status == "checked":
        client = Client()
        client.force_login(user)
        assert client.post(f"/exchange/imports/{batch.pk}/run/").status_code == 302
        batch.refresh_from_db()
    return batch


def _nik(regions, n=9001):
    return nik_for(regions["35.78.01.1001"], n)


def _messages(batch: ImportBatch) -> str:
    return batch.message + " " + " ".join(f"{e['row']} {e['column']} {e['message']}" for e in batch.errors)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"<!DOCTYPE html><html><body><table><tr><td>NIK</td></tr></table></body></html>", "HTML"),
        (csv_bytes(["ALPHA", "BETA"], [["1", "2"]]), "NIK"),
        (csv_bytes(["NIK", "NAMA"], [["3578010101900001", "Ani"]]), "NO KK"),
    ],
    ids=["html as csv", "unknown columns only", "missing required column"],
)
def test_a_file_that_cannot_be_imported_fails_with_a_message(surabaya_officer, content, expected):
    batch = run(surabaya_officer, content)
    assert batch.status == "failed" and expected in batch.message
    assert Family.objects.count() == 0


def test_an_empty_file_is_refused_at_the_upload(surabaya_officer):
    client = Client()
    client.force_login(surabaya_officer)
    response = client.post("/exchange/imports/new/", {"kind": "families", "mode": "all", "on_existing": "skip",
                                                      "file": _named(b"", "empty.csv")})  # fmt: skip
    assert response.status_code == 200 and "empty" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_headers_only_says_there_is_nothing_to_import(surabaya_officer):
    batch = run(surabaya_officer, csv_bytes(FAMILY_HEADER, []))
    assert batch.status == "rejected" and "no data rows" in batch.message


def test_unknown_columns_are_named_and_ignored(regions, surabaya_officer):
    header = [*FAMILY_HEADER, "CATATAN PETUGAS"]
    batch = run(surabaya_officer, csv_bytes(header, [[*family_row(_nik(regions)), "x"]]))
    assert batch.status == "done" and "CATATAN PETUGAS" in batch.message


@pytest.mark.parametrize(
    "maker",
    [files.truncated_xlsx, files.encrypted_xlsx, lambda d: files.zip_bomb(d, unpacked=300 * 2**20),
     lambda d: files.wide_xlsx(d)],
    ids=["truncated xlsx", "password-protected xlsx", "zip bomb", "16384 columns"],
)  # fmt: skip
def test_damaged_or_hostile_workbooks_are_refused_before_parsing(surabaya_officer, tmp_path, maker, settings):
    settings.PENDAMPING = {**settings.PENDAMPING, "IMPORT_MAX_BYTES": 5 * 2**20}
    path: Path = maker(tmp_path)
    batch = run(surabaya_officer, path.read_bytes(), name="upload.xlsx")
    assert batch.status == "failed" and batch.message
    assert Family.objects.count() == 0


def test_merged_cells_are_named(regions, surabaya_officer, tmp_path):
    rows = [FAMILY_HEADER, family_row(_nik(regions)), family_row(_nik(regions, 9002))]
    path = files.xlsx_file(tmp_path, rows, merges=[(1, 3, 2, 3)])
    batch = run(surabaya_officer, path.read_bytes(), name="merged.xlsx")
    assert "merged" in _messages(batch).lower()
    assert batch.status == "rejected" and Family.objects.count() == 0


@pytest.mark.parametrize(
    ("nik", "words"),
    [("3578 0101 0101 0001", "spaces"), ("35780101O1010001", "digits only"), ("357801010101001", "15 digits"),
     ("3.57801E+15", "number")],
    ids=["spaces", "letters", "15 digits", "scientific"],
)  # fmt: skip
def test_bad_niks_are_rejected_with_row_and_column(regions, surabaya_officer, nik, words):
    rows = [family_row(_nik(regions)), family_row(nik)]
    batch = run(surabaya_officer, csv_bytes(FAMILY_HEADER, rows))
    (error,) = batch.errors
    assert (error["row"], error["column"]) == (3, "NIK") and words in error["message"]
    assert batch.status == "rejected" and Family.objects.count() == 0


def test_a_nik_stored_as_a_number_in_excel_is_explained(regions, surabaya_officer):
    row = family_row(_nik(regions))
    row[0] = 3578010101010001  # what Excel keeps of a NIK column not formatted as text
    batch = run(surabaya_officer, xlsx_bytes(FAMILY_HEADER, [row]), name="f.xlsx")
    assert "stored as a number" in batch.errors[0]["message"]


def test_duplicate_nik_in_the_file_and_in_the_database(regions, surabaya_officer):
    existing = FamilyFactory(desa=regions["35.78.01.1001"], nik=_nik(regions, 9003))
    rows = [family_row(_nik(regions)), family_row(_nik(regions)), family_row(existing.nik)]
    client = Client()
    client.force_login(surabaya_officer)
    batch = upload(surabaya_officer, csv_bytes(FAMILY_HEADER, rows))
    fields = ("nik", "kk_number", "head_name", "desa_code", "address", "rt", "rw", "household_size",
              "monthly_income", "welfare_decile")  # fmt: skip
    columns = {f"col_{i}": name for i, name in enumerate(fields)}
    client.post(f"/exchange/imports/{batch.pk}/configure/", {"mode": "all", "on_existing": "reject", **columns})
    batch.refresh_from_db()
    assert batch.status == "checked"
    assert {e["row"] for e in batch.errors} == {3, 4}
    assert "row 2" in batch.errors[0]["message"] and "already exists" in batch.errors[1]["message"]


def test_rows_of_another_regency_and_impossible_dates_and_amounts(regions, surabaya_officer):
    malang = nik_for(regions["35.07.01.2001"], 9004)
    header = [*FAMILY_HEADER, "TGL DESIL"]
    rows = [
        [*family_row(malang, desa="35.07.01.2001"), ""],
        [*family_row(_nik(regions)), "31/02/2024"],
        [*family_row(_nik(regions, 9005), income="1,5 juta"), ""],
        [*family_row(_nik(regions, 9006), income="Rp 1.500.000,00"), ""],
    ]
    batch = run(surabaya_officer, csv_bytes(header, rows))
    by_row = {e["row"]: e for e in batch.errors}
    assert set(by_row) == {2, 3, 4}
    assert "outside your regencies" in by_row[2]["message"]
    assert by_row[3]["column"] == "TGL DESIL" and "31/02/2024" in by_row[3]["message"]
    assert by_row[4]["column"] == "PENGHASILAN"
    assert batch.status == "rejected" and Family.objects.count() == 0


def test_a_hostile_file_name_is_only_shown_never_used_as_a_path(regions, surabaya_officer, settings):
    name = "../" * 60 + "x" * 120 + ".csv"
    batch = run(surabaya_officer, csv_bytes(FAMILY_HEADER, [family_row(_nik(regions))]), name=name)
    assert batch.status == "done" and "/" not in batch.file_name and len(batch.file_name) <= 120
    stored = Path(settings.PENDAMPING["IMPORT_DIR"]) / batch.stored_as
    assert stored.exists() and stored.parent == Path(settings.PENDAMPING["IMPORT_DIR"])


def test_a_file_over_the_size_limit_is_refused_while_uploading(surabaya_officer, settings):
    settings.PENDAMPING = {**settings.PENDAMPING, "IMPORT_MAX_BYTES": 1000}
    client = Client()
    client.force_login(surabaya_officer)
    response = client.post("/exchange/imports/new/", {"kind": "families", "mode": "all", "on_existing": "skip",
                                                      "file": _named(b"x" * 5000, "big.csv")})  # fmt: skip
    assert response.status_code == 413 and "larger than the limit" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_api_takes_an_upload_and_reports_errors_by_row(regions, surabaya_officer):
    _token, raw = token_create(user=surabaya_officer, name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    bad = family_row(_nik(regions))
    bad[1] = "123"
    response = client.post(
        "/api/exchange/imports", {"kind": "families", "file": _named(csv_bytes(FAMILY_HEADER, [bad]), "f.csv")}
    )
    assert response.status_code == 201, response.content
    batch_id = response.json()["id"]
    detail = client.get(f"/api/exchange/imports/{batch_id}").json()
    assert detail["status"] == "checked" and detail["errors"][0]["column"] == "NO KK"
    assert client.post(f"/api/exchange/imports/{batch_id}/run", {}, content_type="application/json").status_code == 202
    assert client.get(f"/api/exchange/imports/{batch_id}").json()["status"] == "rejected"
    garbage = client.post("/api/exchange/imports", {"kind": "families", "file": _named(b"\x00\x01binary", "x.csv")})
    assert garbage.status_code == 201
    assert client.get(f"/api/exchange/imports/{garbage.json()['id']}").json()["status"] == "failed"
