"""The IKS entries list: every KUBE's contributions and uses by region, kind and days, with their sum; the rows
behind the dashboards' IKS collected and used of an area and a period."""

import re

import pytest

from pendamping.dashboards.area import area_get, province
from pendamping.dashboards.board import dashboard
from pendamping.dashboards.period import parse_period
from pendamping.dashboards.tests.fixture import PERIOD, small_province
from pendamping.enterprise.models import IksEntry
from pendamping.enterprise.tests.factories import IksEntryFactory
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, village

pytestmark = pytest.mark.django_db
URL = "/enterprise/iks/entries/"


def listed(client, href):
    page = client.get(href)
    assert page.status_code == 200, href
    body = re.sub(r"\s+", " ", page.content.decode())
    rows = len(re.findall(r'<td class="nowrap">', body))
    sums = re.search(r"contributions Rp ([0-9,]+), uses Rp ([0-9,]+)", body)
    assert sums, body
    return rows, sum(int(n.replace(",", "")) for n in sums.groups())  # a kind filter leaves the other at 0


@pytest.fixture
def province_with_a_malang_fund(regions):
    g = small_province()  # Surabaya's s1: in 50,000 (May), in 100,000 (July), out 30,000 (August), in 999,000 (Oct)
    malang = GroupFactory(desa=village(MALANG_VILLAGE))
    IksEntryFactory(group=malang, kind=IksEntry.Kind.IN, on=PERIOD_DAY, amount=7_000)
    return g


PERIOD_DAY = parse_period(PERIOD).start


def test_the_dashboards_iks_numbers_open_the_entries_they_sum(province_with_a_malang_fund, admin, client_for):
    client = client_for(admin)
    for area in (province(), area_get(user=admin, code="35.78")):
        money = dashboard(user=admin, area=area, period=parse_period(PERIOD)).money
        for figure in (money.iks_collected, money.iks_used):
            assert listed(client, figure.href)[1] == figure.value, (area.code, figure.key)
    money = dashboard(user=admin, area=province(), period=parse_period(PERIOD)).money
    assert (money.iks_collected.value, money.iks_used.value) == (107_000, 30_000)
    assert listed(client, money.iks_collected.href) == (2, 107_000)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", (5, 1_186_000)),  # 1,156,000 contributed + 30,000 used
        ("kind=in", (4, 1_156_000)),
        ("kind=out", (1, 30_000)),
        ("regency=35.07", (1, 7_000)),
        ("regency=35.78&kecamatan=35.78.01&kind=in", (3, 1_149_000)),
        ("on_from=2026-07-31&on_to=2026-08-15", (2, 130_000)),
        ("on_from=2026-08-16", (1, 999_000)),
        ("on_from=2026-09-01&on_to=2026-07-01", (0, 0)),
    ],
)
def test_filters(province_with_a_malang_fund, admin, client_for, query, expected):
    assert listed(client_for(admin), f"{URL}?{query}") == expected


@pytest.mark.parametrize("query", ["regency=35", "kecamatan=x", "kind=gift", "on_from=2026-02-30", "on_to=31-12-2026"])
def test_a_malformed_filter_filters_nothing(province_with_a_malang_fund, admin, client_for, query):
    assert listed(client_for(admin), f"{URL}?{query}") == (5, 1_186_000)


def test_an_officer_sees_their_regencies_entries_only(province_with_a_malang_fund, surabaya_officer, client_for):
    client = client_for(surabaya_officer)
    assert listed(client, URL) == (4, 1_179_000)
    assert listed(client, f"{URL}?regency=35.07") == (0, 0)  # a forged filter narrows, never widens


def test_an_evaluator_is_refused(province_with_a_malang_fund, evaluator, client_for):
    assert client_for(evaluator).get(URL).status_code == 403


def test_contributions_and_uses_are_summed_apart(province_with_a_malang_fund, admin, client_for):
    body = re.sub(r"\s+", " ", client_for(admin).get(URL).content.decode())
    assert "5 entries: contributions Rp 1,156,000, uses Rp 30,000" in body
