"""The dashboards over the API: a dashboard's numbers (the same as the page's), the regency map's, and a report
made, polled and downloaded, scoped like the pages."""

from typing import get_args

import pytest
from django.core.cache import cache
from django.test import Client

from pendamping.accounts.services import token_create
from pendamping.dashboards.api import IndicatorKey
from pendamping.dashboards.period import parse_period
from pendamping.dashboards.regency_map import INDICATORS
from pendamping.dashboards.tests.fixture import PERIOD, small_province

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_kept_boards():
    cache.clear()  # boards are kept in the cache: none may come from another test


def api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='t')[1]}"})


def map_values(client: Client, **query) -> tuple[dict, dict]:
    body = client.get("/api/dashboards/regency-values", query).json()
    return body, {row["regency_code"]: row["value"] for row in body["regencies"]}


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


def test_the_maps_shares_are_the_dashboards_with_their_unit_and_period(regions, admin):
    small_province()
    client = api(admin)
    by_hand = {  # (Surabaya, Malang): see fixture.py
        "performing_well": (33.3, 100.0),  # Q3's final appraisals: 1 of 3, 1 of 1
        "coverage": (33.3, 0.0),  # active KUBE with a running agreement: 1 of 3, 0 of 2
        "reports_on_time": (33.3, 50.0),  # September's reports: 1 of 3, 1 of 2
        "reports_missing": (33.3, 50.0),
    }
    for indicator, (surabaya, malang) in by_hand.items():
        body, values = map_values(client, indicator=indicator, period=PERIOD)
        assert (body["indicator"], body["unit"], body["period"], len(values)) == (indicator, "%", "2026-Q3", 38)
        assert (values["35.78"], values["35.07"]) == (surabaya, malang)
        assert values["35.01"] is None  # Pacitan has nothing to share: null, not 0


def test_the_maps_counts_stay_counts_with_zero_for_nothing(regions, admin):
    small_province()
    body, values = map_values(api(admin), indicator="active_groups", period=PERIOD)
    assert (body["unit"], body["title"]) == ("", "Active KUBE")
    assert (values["35.78"], values["35.07"], values["35.01"]) == (3, 2, 0)


def test_the_maps_period_defaults_to_this_quarter_and_is_honoured(regions, admin):
    small_province()
    client = api(admin)
    assert map_values(client, indicator="coverage")[0]["period"] == parse_period("").key
    assert map_values(client, indicator="coverage", period="2026-13")[0]["period"] == parse_period("").key
    body, values = map_values(client, indicator="reports_missing", period="2026-Q2")  # June: nothing sent
    assert body["period"] == "2026-Q2" and (values["35.78"], values["35.07"]) == (100.0, 100.0)
    body, values = map_values(client, indicator="performing_well", period="2026-Q2")  # a's Q2 appraisal: not well
    assert (values["35.78"], values["35.07"]) == (0.0, None)
    response = client.get("/api/dashboards/regency-values", {"period": "2026-Q3-extra"})
    assert response.status_code in (400, 422)


def test_an_officer_gets_the_maps_shares_of_their_regency_only(regions, surabaya_officer, malang_officer):
    small_province()
    assert map_values(api(surabaya_officer), indicator="performing_well", period=PERIOD)[1] == {"35.78": 33.3}
    assert map_values(api(malang_officer), indicator="coverage", period=PERIOD)[1] == {"35.07": 0.0}


def test_an_evaluator_gets_no_map(regions, evaluator):
    response = api(evaluator).get("/api/dashboards/regency-values", {"indicator": "coverage", "period": PERIOD})
    assert response.status_code == 403


def test_the_schema_lists_the_maps_indicators_and_its_null_values(regions):
    schema = Client().get("/api/openapi.json").json()
    parameters = schema["paths"]["/api/dashboards/regency-values"]["get"]["parameters"]
    query = {p["name"]: p["schema"] for p in parameters}
    assert query["indicator"]["enum"] == list(get_args(IndicatorKey)) == list(INDICATORS)
    assert query["period"]["maxLength"] == 7
    shapes = schema["components"]["schemas"]
    assert {"unit", "period"} <= set(shapes["RegencyValuesOut"]["required"])
    assert {"type": "null"} in shapes["RegencyValueOut"]["properties"]["value"]["anyOf"]
