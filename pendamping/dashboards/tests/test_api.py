"""The dashboards over the API: a dashboard's numbers (the same as the page's), and a report made, polled and
downloaded, scoped like the pages."""

import pytest
from django.test import Client

from pendamping.accounts.services import token_create
from pendamping.dashboards.tests.fixture import PERIOD, small_province

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='t')[1]}"})


def test_the_board_holds_every_figure_with_the_list_behind_it(regions, admin):
    small_province()
    body = api(admin).get("/api/dashboards/board", {"period": PERIOD}).json()
    figures = {(f["section"], f["key"]): f for f in body["figures"]}
    assert figures[("Companions", "performing_well_share")]["value"] == 50.0
    assert figures[("Grants and IKS", "grants_unspent")]["value"] == 6_000_000
    assert figures[("Monthly reports", "missing")]["href"].startswith("/enterprise/reports/timeliness/")
    assert body["level"] == "province" and body["report_month"] == "2026-09-01" and len(body["children"]) == 38


def test_an_officer_gets_their_regency_and_a_404_elsewhere(regions, surabaya_officer):
    small_province()
    client = api(surabaya_officer)
    body = client.get("/api/dashboards/board", {"area": "35.78", "period": PERIOD}).json()
    assert body["name"] == "Kota Surabaya" and body["children"][0]["code"] == "35.78.01"
    assert client.get("/api/dashboards/board", {"area": "35.07"}).status_code == 404


def test_a_report_is_queued_polled_and_downloaded(regions, surabaya_officer, malang_officer):
    small_province()
    client = api(surabaya_officer)
    body = {"kind": "regency_month", "area_code": "35.78", "period": "2026-09", "format": "xlsx"}
    made = client.post("/api/dashboards/reports", body, content_type="application/json")
    assert made.status_code == 202
    report = client.get(f"/api/dashboards/reports/{made.json()['id']}").json()
    assert report["status"] == "done" and report["progress"] == 100  # the test queue runs tasks at once
    file = client.get(f"/api/dashboards/reports/{report['id']}/file")
    assert file.status_code == 200 and file.content.startswith(b"PK")  # an XLSX is a zip
    assert api(malang_officer).get(f"/api/dashboards/reports/{report['id']}/file").status_code == 404


def test_a_report_of_another_regency_is_refused_with_the_reason(regions, surabaya_officer):
    body = {"kind": "regency_month", "area_code": "35.07", "period": "2026-09", "format": "pdf"}
    response = api(surabaya_officer).post("/api/dashboards/reports", body, content_type="application/json")
    assert response.status_code in (400, 422) and "35.07" in response.content.decode()
