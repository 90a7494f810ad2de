"""The dashboard pages: who sees which, the period picker, the drill-down links, charts with their tables, and
nothing loaded from the network."""

import re

import pytest

from pendamping.dashboards.tests.fixture import PERIOD, small_province

pytestmark = pytest.mark.django_db


def test_the_admin_sees_the_province_with_every_number_linked_to_its_list(regions, admin, client_for):
    small_province()
    page = client_for(admin).get("/dashboards/", {"period": PERIOD}).content.decode()
    assert re.search(r">50[.,]0 %<", page) and "20 %" in page  # the headline against the baseline
    assert 'href="/registry/groups/?status=active"' in page
    assert 'href="/enterprise/reports/timeliness/?period=2026-09&amp;status=missing"' in page
    assert 'href="/dashboards/area/35.78/?period=2026-Q3"' in page  # drill down to a regency
    assert page.count("<svg") >= 4 and page.count("<details") >= 4  # charts, each with its numbers as a table
    assert 'value="2026-Q3" selected' in page and "?period=2026-Q2" in page and "?period=2026-Q4" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)


def test_a_regency_and_a_kecamatan_open_from_the_province(regions, admin, client_for):
    small_province()
    client = client_for(admin)
    regency = client.get("/dashboards/area/35.78/", {"period": PERIOD}).content.decode()
    assert "Kota Surabaya" in regency and 'href="/dashboards/area/35.78.01/?period=2026-Q3"' in regency
    kecamatan = client.get("/dashboards/area/35.78.01/", {"period": PERIOD}).content.decode()
    assert "KUBE Maju Bersama" in kecamatan and "/registry/groups/?regency=35.78&amp;kecamatan=35.78.01" in kecamatan


def test_an_officer_of_one_regency_lands_on_it_and_cannot_open_another(regions, surabaya_officer, client_for):
    small_province()
    client = client_for(surabaya_officer)
    response = client.get("/dashboards/", {"period": PERIOD})
    assert response.status_code == 302 and response["Location"] == "/dashboards/area/35.78/?period=2026-Q3"
    assert client.get("/dashboards/area/35.78/").status_code == 200
    assert client.get("/dashboards/area/35.07/").status_code == 404
    assert client.get("/dashboards/area/35.07.01/").status_code == 404
    assert client.get("/dashboards/area/35.78.01.1001/").status_code == 404  # a village is no dashboard


@pytest.mark.parametrize("who", ["companion_user", "evaluator", "norole"])
def test_roles_without_dashboards_are_refused(regions, client_for, request, who):
    assert client_for(request.getfixturevalue(who)).get("/dashboards/").status_code == 403


def test_a_forged_period_shows_the_current_quarter(regions, admin, client_for):
    assert client_for(admin).get("/dashboards/", {"period": "2026-13'"}).status_code == 200


def test_the_map_drills_down_to_the_regency_dashboard(regions, admin, client_for):
    page = client_for(admin).get("/dashboards/map/").content.decode()
    assert '<a href="/dashboards/area/35.78/"><path' in page
    assert 'href="/registry/families/?regency=35.78"' in page  # the table's number opens the list
