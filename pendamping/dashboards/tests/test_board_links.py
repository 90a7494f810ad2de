"""Every number of a dashboard opens the list behind it, and that list shows the same number; the headline
stays readable while the period's last quarter is not appraised yet."""

import datetime as dt
import re

import pytest
from django.test import Client

from pendamping.companions.models import Application
from pendamping.companions.tests.factories import AssignmentFactory
from pendamping.companions.tests.test_recruitment_factories import make_call, submit
from pendamping.dashboards.area import area_get, province
from pendamping.dashboards.board import board_figures, dashboard
from pendamping.dashboards.period import parse_period
from pendamping.dashboards.tests.fixture import PERIOD, small_province
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_a_quarter_not_appraised_yet_shows_the_newest_appraised_quarter_labelled(regions, admin):
    small_province()  # final appraisals for 2026 Q2 and Q3, none for Q4
    for key in ("2026-Q4", "2026", "2026-11"):
        board = dashboard(user=admin, area=province(), period=parse_period(key))
        c = board.companions
        assert (c.quarter, c.quarter_label, c.earlier) == (dt.date(2026, 7, 1), "2026 Q3", True), key
        assert c.headline.value == 50.0 and c.appraised.value == 4 and "period=2026Q3" in c.headline.href
        assert c.trend[-1].label == "2026 Q4" and c.trend[-1].share is None  # the trend still ends at the period
        rows = {r.code: r.performing_well for r in board.children}
        assert rows["35.07"] == 100.0 and rows["35.78"] == pytest.approx(33.3)  # the headline's quarter, too
    q3 = dashboard(user=admin, area=province(), period=parse_period(PERIOD)).companions
    assert (q3.quarter_label, q3.earlier) == ("2026 Q3", False)


def test_before_any_appraisal_the_headline_is_a_dash_for_the_periods_quarter(regions, admin):
    small_province()
    c = dashboard(user=admin, area=province(), period=parse_period("2025-Q1")).companions
    assert (c.headline.value, c.appraised.value, c.quarter_label, c.earlier) == (None, 0, "2025 Q1", False)


def test_the_page_says_the_headline_is_an_earlier_quarters(regions, admin, settings):
    settings.DASHBOARD_SNAPSHOT_SECONDS = 0
    small_province()
    page = signed_in(admin).get("/dashboards/?period=2026-Q4")
    text = re.sub(r"\s+", " ", page.content.decode())
    assert "in 2026 Q3, the newest quarter appraised so far, against a baseline of 20 %" in text
    page = signed_in(admin).get(f"/dashboards/?period={PERIOD}")
    assert "in 2026 Q3, against a baseline of 20 %" in re.sub(r"\s+", " ", page.content.decode())


@pytest.mark.parametrize("code", ["", "35.78", "35.78.01"])
def test_every_number_of_a_board_links_to_a_list_that_opens(regions, admin, settings, code):
    settings.DASHBOARD_SNAPSHOT_SECONDS = 0
    small_province()
    area = area_get(user=admin, code=code) if code else province()
    board = dashboard(user=admin, area=area, period=parse_period(PERIOD))
    figures = board_figures(board)
    assert [f.key for _s, f in figures if not f.href] == []
    client = signed_in(admin)
    for href in sorted({f.href for _s, f in figures}):
        assert client.get(href).status_code == 200, href


def _rows(client, href):
    page = client.get(href)
    assert page.status_code == 200, href
    body = page.content.decode()
    return len(re.findall(r"<tr>\s*<td>", body))


def test_the_family_figures_open_the_families_they_count(regions, admin):
    small_province()
    f = dashboard(user=admin, area=province(), period=parse_period(PERIOD)).families
    client = signed_in(admin)
    assert _rows(client, f.followed.href) == f.followed.value == 2
    assert _rows(client, f.moved_up.href) == 1 and f.moved_up.value == 50.0  # 1 of the 2 followed
    assert _rows(client, f.moved_down.href) == 0 and f.moved_down.value == 0.0
    assert "shift=up" in f.moved_up.href and "shift=down" in f.moved_down.href


def _application(call, n, *, regency, desa, at, status=Application.Status.SUBMITTED):
    application = submit(call, n, regency=regency, desa=desa)
    reason = "" if status == Application.Status.SUBMITTED else "Memenuhi syarat."
    Application.objects.filter(pk=application.pk).update(created_at=at, status=status, decision_reason=reason)


def test_the_application_figures_open_the_applications_of_the_period_and_area(regions, admin):
    call = make_call(quotas={"35.78": 2, "35.07": 1})
    inside, after = (dt.datetime(2026, m, 3, 10, tzinfo=dt.UTC) for m in (8, 10))
    _application(call, 1, regency="35.78", desa=SURABAYA_VILLAGE, at=inside, status=Application.Status.ACCEPTED)
    _application(call, 2, regency="35.78", desa=SURABAYA_VILLAGE, at=inside)
    _application(call, 3, regency="35.07", desa=MALANG_VILLAGE, at=inside)
    _application(call, 4, regency="35.78", desa=SURABAYA_VILLAGE, at=after)  # after Q3
    surabaya = area_get(user=admin, code="35.78")
    pipeline = {f.key: f for f in dashboard(user=admin, area=surabaya, period=parse_period(PERIOD)).companions.pipeline}
    received, accepted = pipeline["applications"], pipeline["accepted"]
    assert (received.value, accepted.value) == (2, 1)
    for figure in (received, accepted):
        assert "regency=35.78" in figure.href and "received_from=2026-07-01" in figure.href
        assert "received_to=2026-09-30" in figure.href
    client = signed_in(admin)
    opened = [client.get(f.href).content.decode() for f in (received, accepted)]
    assert [len(set(re.findall(r'href="/companions/applications/(\d+)/"', body))) for body in opened] == [2, 1]


def test_a_kecamatan_lists_its_kube_with_their_companion_now(regions, admin):
    g = small_province()
    AssignmentFactory(group=g["s1"], companion__name="Sri Pendamping", started_on=dt.date(2025, 1, 1))
    AssignmentFactory(group=g["s2"], companion__name="Dulu Pendamping", ended_on=dt.date(2025, 6, 1))  # ended
    kecamatan = dashboard(user=admin, area=area_get(user=admin, code="35.78.01"), period=parse_period(PERIOD))
    companions = {k.pk: (k.companion_id, k.companion_name) for k in kecamatan.kube}
    assert companions[g["s1"].pk][1] == "Sri Pendamping" and companions[g["s2"].pk] == (None, None)
    body = signed_in(admin).get(f"/dashboards/area/35.78.01/?period={PERIOD}").content.decode()
    assert f'<a href="/companions/{companions[g["s1"].pk][0]}/">Sri Pendamping</a>' in body
    assert "Dulu Pendamping" not in body


def test_every_figure_has_its_own_stable_key(regions, admin):
    small_province()
    figures = board_figures(dashboard(user=admin, area=province(), period=parse_period(PERIOD)))
    keys = [f.key for _s, f in figures]
    assert "" not in keys and len(keys) == len(set(keys))
    # The companions' and the KUBE's statuses share names ("active"): each figure's key says whose it is.
    assert {"level_1", "level_3", "kube_graduated", "graduated_in_period", "companions_active", "kube_active"} <= set(
        keys
    )


def test_the_period_numbers_open_their_lists_with_the_periods_dates(regions, admin):
    small_province()
    figures = {
        f.key: f.href for _s, f in board_figures(dashboard(user=admin, area=province(), period=parse_period(PERIOD)))
    }
    q3 = ("2026-07-01", "2026-09-30")
    expected = {
        "applications": "received_from={}&received_to={}",
        "briefed": "ends_from={}&ends_to={}",
        "interned": "ends_from={}&ends_to={}",
        "graduated_in_period": "changed_from={}&changed_to={}",
        "grants_disbursed": "disbursed_from={}&disbursed_to={}",
        "grants_realised": "spent_from={}&spent_to={}",
    }
    for key, dates in expected.items():
        assert dates.format(*q3) in figures[key], key
