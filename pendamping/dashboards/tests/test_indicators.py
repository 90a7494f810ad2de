"""Every indicator of the dashboard against numbers counted by hand on a small province (fixture.py)."""

import pytest

from pendamping.dashboards.area import area_get, province
from pendamping.dashboards.board import dashboard
from pendamping.dashboards.period import parse_period
from pendamping.dashboards.tests.fixture import PERIOD, small_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(regions, admin):
    small_province()
    return dashboard(user=admin, area=province(), period=parse_period(PERIOD))


def values(figures):
    return {f.key: f.value for f in figures}


def test_the_headline_is_the_share_of_the_quarters_appraised_companions_performing_well(board):
    c = board.companions
    assert c.headline.value == 50.0 and c.appraised.value == 4 and c.baseline == 20  # 2 of 4 in Q3
    assert [(p.label, p.share) for p in c.trend[-2:]] == [("2026 Q2", 0.0), ("2026 Q3", 50.0)]
    assert c.trend[0].share is None and len(c.trend) == 8  # quarters without appraisals show no share
    assert values(c.by_status)["companions_active"] == 4 and values(c.by_status)["companions_trainee"] == 1
    assert "performing=yes" in c.headline.href and "period=2026Q3" in c.headline.href


def test_kube_by_status_level_outstanding_and_graduated_in_the_period(board):
    g = board.groups
    assert values(g.by_status) == {"kube_forming": 1, "kube_active": 5, "kube_inactive": 0, "kube_graduated": 1}
    assert [(f.label, f.value) for f in g.by_level] == [("tumbuh", 1), ("maju", 1)]
    assert g.outstanding.value == 1 and g.graduated.value == 1
    assert g.by_status[1].href == "/registry/groups/?status=active"


def test_report_timeliness_of_the_report_month_in_all_and_per_regency(board):
    t = board.groups.timeliness
    assert (t.on_time.value, t.late.value, t.missing.value) == (2, 1, 2)
    assert t.by_child == {"35.78": (1, 1, 1), "35.07": (1, 0, 1)}
    assert "period=2026-09" in t.missing.href and "status=missing" in t.missing.href


def test_grants_disbursed_realised_and_unspent_by_source_and_year(board):
    m = board.money
    assert (m.disbursed.value, m.realised.value, m.unspent.value) == (10_000_000, 4_000_000, 6_000_000)
    rows = [(r.year, r.granted, r.disbursed, r.realised, r.unspent) for r in m.grants]
    assert rows == [(2025, 25_000_000, 25_000_000, 25_000_000, 0), (2026, 20_000_000, 10_000_000, 4_000_000, 6_000_000)]


def test_iks_collected_used_and_balance_at_the_periods_end(board):
    m = board.money
    assert (m.iks_collected.value, m.iks_used.value, m.iks_balance.value) == (100_000, 30_000, 120_000)


def test_partnership_coverage_is_the_share_of_active_kube_with_a_running_agreement(board):
    p = board.partners
    assert p.coverage.value == 20.0 and p.covered.value == 1  # 1 of 5 active KUBE
    assert values(p.by_type) == {"government": 0, "private": 1, "community": 0}
    assert p.by_child == {"35.78": (3, 1), "35.07": (2, 0)}


def test_families_income_change_median_distribution_and_decile_shift(board):
    f = board.families
    assert f.families.value == 5 and f.followed.value == 2  # one family has only its record at joining
    assert f.median_change.value == 100_000  # (+300,000 and -100,000) / 2
    dist = dict(f.distribution)
    assert dist["-10 … 0 %"] == 1 and dist["25 … 50 %"] == 1 and sum(dist.values()) == 2
    assert dict(f.decile_shifts) == {-3: 0, -2: 0, -1: 0, 0: 1, 1: 1, 2: 0, 3: 0}
    assert f.moved_up.value == 50.0 and f.moved_down.value == 0.0


def test_the_province_breaks_down_by_regency(board):
    rows = {r.code: r for r in board.children}
    assert len(rows) == 38
    sby = rows["35.78"]
    assert (sby.families, sby.active_groups, sby.covered, sby.on_time, sby.late, sby.missing) == (4, 3, 33.3, 1, 1, 1)
    assert sby.performing_well == pytest.approx(33.3) and rows["35.07"].performing_well == 100.0
    assert sby.href == "/dashboards/area/35.78/?period=2026-Q3"


def test_a_regency_breaks_down_by_kecamatan_and_a_kecamatan_lists_its_kube(regions, admin):
    g = small_province()
    surabaya = dashboard(user=admin, area=area_get(user=admin, code="35.78"), period=parse_period(PERIOD))
    rows = {r.code: r for r in surabaya.children}
    assert rows["35.78.01"].families == 4 and rows["35.78.01"].missing == 1
    assert surabaya.money.iks_balance.value == 120_000 and surabaya.groups.timeliness.missing.value == 1
    kecamatan = dashboard(user=admin, area=area_get(user=admin, code="35.78.01"), period=parse_period(PERIOD))
    kube = {k.pk: k.report_status for k in kecamatan.kube}
    assert kube[g["s1"].pk] == "on_time" and kube[g["s2"].pk] == "late" and kube[g["s3"].pk] == "missing"
    assert kube[g["forming"].pk] == "" and kecamatan.children == []


def test_an_officer_counts_only_their_regency(regions, surabaya_officer):
    small_province()
    board = dashboard(user=surabaya_officer, area=province(), period=parse_period(PERIOD))
    assert [r.code for r in board.children] == ["35.78"]
    assert board.families.families.value == 4 and board.groups.timeliness.missing.value == 1
    assert board.companions.appraised.value == 3 and board.money.grants[0].year == 2026
    assert board.evaluation is None
