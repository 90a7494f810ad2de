"""The monthly regency and quarterly province reports: made by a task with progress, as PDF and XLSX, holding
the dashboard's numbers (read back with a PDF text extractor and openpyxl), and only for whom may see them."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from pypdf import PdfReader

from pendamping.dashboards.models import Report
from pendamping.dashboards.services import report_request
from pendamping.dashboards.tests.fixture import small_province

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_quarterly_province_report_as_pdf_holds_the_numbers(regions, admin):
    g = small_province()
    report = report_request(
        actor=admin, kind="province_quarter", area_code="", period="2026-Q3", fmt="pdf", lang="id", run_now=True
    )
    assert report.status == Report.Status.DONE and report.progress == 100
    text = pdf_text(bytes(report.content))
    assert "Jawa Timur" in text and "2026" in text
    assert "50,0 %" in text  # the headline, in Indonesian
    assert "Rp 10.000.000" in text and "Rp 6.000.000" in text  # disbursed, not yet realised
    assert g["s3"].name in text and g["m2"].name in text  # KUBE with a missing report
    assert report.file_name == "laporan-province_quarter-3500-2026-Q3.pdf"
    # Budget years in the grants table are years, not amounts: "2026 APBD provinsi", never "2.026".
    assert "2026 APBD provinsi" in text and "2025 APBN" in text and "2.026" not in text and "2.025" not in text


def test_the_monthly_regency_report_as_xlsx_holds_the_numbers(regions, surabaya_officer):
    g = small_province()
    report = report_request(
        actor=surabaya_officer, kind="regency_month", area_code="35.78", period="2026-09", fmt="xlsx", run_now=True
    )
    book = openpyxl.load_workbook(io.BytesIO(bytes(report.content)), read_only=True)
    indicators = {row[1]: row[2] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert indicators["Grants disbursed"] == 0  # September: the tranche came in August
    assert indicators["IKS balance at the period's end"] == 120_000
    assert indicators["Families (KBS)"] == 4
    missing = [row[1] for row in book["Missing reports"].iter_rows(min_row=2, values_only=True)]
    assert missing == [g["s3"].name]  # Malang's missing KUBE is not the officer's
    coaching = [row[0] for row in book["Coaching"].iter_rows(min_row=2, values_only=True)]
    assert len(coaching) == 2  # two of Surabaya's three appraised companions are not performing well


def test_an_officer_may_not_make_another_regencys_report_nor_the_provinces(regions, surabaya_officer):
    small_province()
    with pytest.raises(ValidationError, match="35.07"):
        report_request(actor=surabaya_officer, kind="regency_month", area_code="35.07", period="2026-09", fmt="pdf")
    with pytest.raises(ValidationError):
        report_request(actor=surabaya_officer, kind="province_quarter", area_code="", period="2026-Q3", fmt="pdf")
    with pytest.raises(ValidationError, match="month"):
        report_request(actor=surabaya_officer, kind="regency_month", area_code="35.78", period="2026-Q3", fmt="pdf")
    assert not Report.objects.exists()


def test_the_page_queues_the_report_shows_its_progress_and_hands_out_the_file(
    regions, admin, client_for, malang_officer
):
    small_province()
    client = client_for(admin)
    form = client.get("/dashboards/reports/", {"area": "35.78", "period": "2026-Q3"}).content.decode()
    assert 'value="2026-09"' in form  # from the dashboard: the regency's report month
    response = client.post(
        "/dashboards/reports/", {"kind": "regency_month", "area": "35.78", "period": "2026-09", "format": "pdf"}
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dashboards/reports/{report.pk}/"
    detail = client.get(response["Location"]).content.decode()  # the test queue runs tasks at once
    assert f"/dashboards/reports/{report.pk}/file" in detail
    download = client.get(f"/dashboards/reports/{report.pk}/file")
    assert download["Content-Type"] == "application/pdf" and download.content.startswith(b"%PDF")
    assert client_for(malang_officer).get(f"/dashboards/reports/{report.pk}/file").status_code == 404


def test_a_bad_request_says_what_is_wrong_and_stores_nothing(regions, admin, client_for):
    response = client_for(admin).post(
        "/dashboards/reports/", {"kind": "regency_month", "area": "35.78", "period": "2026-13", "format": "pdf"}
    )
    assert response.status_code == 200 and "2026-11" in response.content.decode()
    assert not Report.objects.exists()


def test_the_command_writes_the_report_file(regions, admin, tmp_path):
    small_province()
    out = tmp_path / "q3.xlsx"
    call_command("make_report", "province_quarter", "2026-Q3", "--format", "xlsx", "--out", str(out))
    book = openpyxl.load_workbook(out, read_only=True)
    assert "Missing reports" in book.sheetnames or "Laporan belum masuk" in book.sheetnames
    with pytest.raises(Exception, match="month"):
        call_command("make_report", "regency_month", "2026-Q3", "--regency", "35.78")
