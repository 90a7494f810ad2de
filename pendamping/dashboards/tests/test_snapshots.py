"""Dashboard snapshots: a board is counted once and served from its snapshot until it is counted again (by the
page's button, or by the scheduled command); a province board is kept per scope, so an officer never gets the
admin's province."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from pendamping.dashboards.area import area_get, province
from pendamping.dashboards.period import parse_period
from pendamping.dashboards.snapshots import board_snapshot, snapshot_key
from pendamping.dashboards.tests.fixture import PERIOD, small_province
from pendamping.registry.tests.factories import SURABAYA_VILLAGE, FamilyFactory, village

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def test_a_board_is_served_from_its_snapshot_until_counted_again(regions, admin, client_for):
    small_province()
    period = parse_period(PERIOD)
    first, counted = board_snapshot(user=admin, area=province(), period=period)
    FamilyFactory(desa=village(SURABAYA_VILLAGE))
    kept, again = board_snapshot(user=admin, area=province(), period=period)
    assert kept.families.families.value == first.families.families.value == 5 and again == counted
    response = client_for(admin).post("/dashboards/recount/", {"area": "", "period": PERIOD})
    assert response.status_code == 302 and response["Location"] == "/dashboards/?period=2026-Q3"
    fresh, _when = board_snapshot(user=admin, area=province(), period=period)
    assert fresh.families.families.value == 6


def test_province_snapshots_are_kept_per_scope_and_regency_ones_per_area(regions, admin, surabaya_officer):
    period = parse_period(PERIOD)
    assert snapshot_key(user=admin, area=province(), period=period) != snapshot_key(
        user=surabaya_officer, area=province(), period=period
    )
    surabaya = area_get(user=admin, code="35.78")
    assert snapshot_key(user=admin, area=surabaya, period=period) == snapshot_key(
        user=surabaya_officer, area=surabaya, period=period
    )
    small_province()
    board_snapshot(user=admin, area=province(), period=period)
    officers, _when = board_snapshot(user=surabaya_officer, area=province(), period=period)
    assert [c.code for c in officers.children] == ["35.78"] and officers.families.families.value == 4


def test_the_recount_refuses_an_area_out_of_scope(regions, surabaya_officer, client_for):
    response = client_for(surabaya_officer).post("/dashboards/recount/", {"area": "35.07", "period": PERIOD})
    assert response.status_code == 404


def test_the_scheduled_command_counts_the_province_and_every_regency(regions, admin):
    call_command("refresh_dashboards", "--period", "2026-Q3")
    assert cache.get(snapshot_key(user=admin, area=province(), period=parse_period(PERIOD))) is not None
    surabaya = area_get(user=admin, code="35.78")
    assert cache.get(snapshot_key(user=admin, area=surabaya, period=parse_period(PERIOD))) is not None
