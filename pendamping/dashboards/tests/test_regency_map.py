"""The regency map: 38 kabupaten/kota drawn from the bundled boundaries, coloured by an indicator of the user's
scope (a count of today, or a share the dashboard judges for a period), each a link to the list behind its number;
nothing loaded from the network."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from pendamping.companions.tests.appraisal_factories import final_appraisal
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.dashboards.choropleth import CREDIT, NO_DATA, PALETTE, choropleth, shapes
from pendamping.dashboards.regency_map import INDICATORS
from pendamping.dashboards.tests.fixture import PERIOD, Q3, small_province
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, FamilyFactory, GroupFactory, village

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_boundaries_hold_the_38_regencies_with_their_codes():
    drawn, view_box = shapes()
    assert len(drawn) == 38 and len({s.code for s in drawn}) == 38
    assert {s.code for s in drawn} >= {"35.01", "35.07", "35.78", "35.79"}
    assert all(re.fullmatch(r"(M[0-9.,L-]+Z)+", s.path) for s in drawn)
    width, height = (float(n) for n in view_box.split()[2:])
    assert width == 1000 and 300 < height < 800  # the province is wider than tall


def test_colours_follow_the_values_and_missing_values_show_no_data():
    values = {"35.78": 100, "35.07": 0, "35.01": 50}
    drawn = choropleth(title="t", values=values, href=lambda code: f"/x/{code}")
    by_code = {a.code: a for a in drawn.areas}
    assert by_code["35.78"].fill == PALETTE[-1] and by_code["35.07"].fill == PALETTE[0]
    assert by_code["35.01"].fill == PALETTE[2]
    assert by_code["35.79"].fill == NO_DATA and by_code["35.79"].value is None
    assert by_code["35.78"].href == "/x/35.78" and by_code["35.78"].label == "100"
    assert drawn.legend[-1][0] == NO_DATA and len(drawn.legend) == len(PALETTE) + 1


def test_one_value_everywhere_is_one_class():
    drawn = choropleth(title="t", values={s.code: 7 for s in shapes()[0]}, href=str)
    assert {a.fill for a in drawn.areas} == {PALETTE[-1]} and len(drawn.legend) == 1


def test_the_admin_sees_every_regency_counted_and_each_links_to_its_list(regions, admin):
    FamilyFactory.create_batch(3, desa=village(SURABAYA_VILLAGE))
    FamilyFactory(desa=village(MALANG_VILLAGE))
    page = signed_in(admin).get("/dashboards/map/").content.decode()
    assert 'href="/registry/families/?regency=35.78"' in page and 'href="/registry/families/?regency=35.07"' in page
    assert "Kota Surabaya: 3" in page and "Kabupaten Malang: 1" in page and "Kabupaten Pacitan: 0" in page
    assert CREDIT in page and "<table>" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # nothing from the network


def test_an_officer_sees_numbers_of_their_regency_only(regions, surabaya_officer):
    GroupFactory(desa=village(SURABAYA_VILLAGE), status=Group.Status.ACTIVE)
    GroupFactory(desa=village(MALANG_VILLAGE), status=Group.Status.ACTIVE)
    page = signed_in(surabaya_officer).get("/dashboards/map/", {"indicator": "active_groups"}).content.decode()
    assert "Kota Surabaya: 1" in page and "Kabupaten Malang: no data" in page
    assert 'href="/registry/groups/?regency=35.78&amp;status=active"' in page


@pytest.mark.parametrize("who", ["companion_user", "evaluator"])
def test_companions_and_evaluators_get_no_map(regions, who, request):
    assert signed_in(request.getfixturevalue(who)).get("/dashboards/map/").status_code == 403


def api(user):
    from pendamping.accounts.services import token_create

    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='map')[1]}"})


def test_the_api_gives_the_maps_numbers_in_the_callers_scope(regions, admin, surabaya_officer):
    GroupFactory(desa=village(SURABAYA_VILLAGE), status=Group.Status.ACTIVE)
    GroupFactory(desa=village(MALANG_VILLAGE), status=Group.Status.FORMING)
    body = api(admin).get("/api/dashboards/regency-values", {"indicator": "groups"}).json()
    values = {row["regency_code"]: row["value"] for row in body["regencies"]}
    assert body["indicator"] == "groups" and len(values) == 38
    assert (values["35.78"], values["35.07"], values["35.01"]) == (1, 1, 0)
    body = api(surabaya_officer).get("/api/dashboards/regency-values", {"indicator": "active_groups"}).json()
    assert body["regencies"] == [{"regency_code": "35.78", "value": 1}]


def test_the_api_refuses_companions_and_unknown_indicators(regions, admin, companion_user):
    assert api(companion_user).get("/api/dashboards/regency-values").status_code == 403
    assert api(admin).get("/api/dashboards/regency-values", {"indicator": "secrets"}).status_code in (400, 422)


def test_the_highest_of_large_amounts_lands_in_the_top_class():
    values = {"35.78": 123_456_789_012.0, "35.07": 0.1, "35.01": 98_765_432_109.7}
    drawn = choropleth(title="t", values=values, href=str, decimals=1)
    by_code = {a.code: a for a in drawn.areas}
    assert (by_code["35.78"].fill, by_code["35.07"].fill) == (PALETTE[-1], PALETTE[0])


@pytest.fixture(autouse=True)
def _no_kept_boards():
    cache.clear()  # the shares are read off kept dashboards: none may come from another test


def map_page(user, indicator, period=PERIOD):
    return signed_in(user).get("/dashboards/map/", {"indicator": indicator, "period": period}).content.decode()


def fill(page, code):
    return re.search(rf'fill="(#\w+)" stroke="#555" stroke-width="0.8" data-code="{re.escape(code)}"', page).group(1)


def test_a_share_reads_with_its_unit_in_the_labels_and_the_legend():
    drawn = choropleth(title="t", values={"35.78": 50.0, "35.07": 0.0, "35.01": None}, href=str, decimals=1, unit="%")
    by_code = {a.code: a for a in drawn.areas}
    assert (by_code["35.78"].label, by_code["35.07"].label, by_code["35.01"].label) == ("50.0 %", "0.0 %", "no data")
    assert drawn.legend[0][1] == "0.0 % – 10.0 %" and drawn.legend[-1] == (NO_DATA, "no data")


@pytest.mark.parametrize(
    ("indicator", "surabaya", "malang"),
    [
        ("performing_well", "33.3 %", "100.0 %"),  # Q3's final appraisals: 1 of 3 in Surabaya, 1 of 1 in Malang
        ("coverage", "33.3 %", "0.0 %"),  # s1 of 3 active KUBE has an agreement; neither of Malang's 2
        ("reports_on_time", "33.3 %", "50.0 %"),  # September: s1 on time, s2 late, s3 missing; m1 on time, m2 missing
        ("reports_missing", "33.3 %", "50.0 %"),
    ],
)
def test_a_share_colours_the_map_with_the_numbers_counted_by_hand(regions, admin, indicator, surabaya, malang):
    small_province()
    page = map_page(admin, indicator)
    assert f"Kota Surabaya: {surabaya}" in page and f"Kabupaten Malang: {malang}" in page
    assert "Kabupaten Pacitan: no data" in page  # nothing to share there: no data, not 0 %
    assert fill(page, "35.01") == NO_DATA and {fill(page, "35.78"), fill(page, "35.07")} <= set(PALETTE)
    assert f'<option value="{indicator}" selected>' in page and '<option value="2026-Q3" selected>' in page
    assert '<a href="/dashboards/area/35.78/?period=2026-Q3"><path' in page  # the click opens the same period


def test_a_share_of_zero_is_coloured_not_shown_as_no_data(regions, admin):
    small_province()
    page = map_page(admin, "coverage")
    assert (fill(page, "35.07"), fill(page, "35.78")) == (PALETTE[0], PALETTE[-1])
    assert "33.3 %" in page and "no data" in page  # the legend has the unit and the regencies without KUBE


def test_the_select_offers_every_indicator_and_counts_show_today(regions, admin):
    page = map_page(admin, "families")
    assert len(INDICATORS) == 7 and all(f'<option value="{key}"' in page for key in INDICATORS)
    assert "Companions performing well (%)</option>" in page and "Families (KBS)</option>" in page
    assert "Counted now, whatever the period" in page and "Counted at" not in page
    assert '<a href="/dashboards/area/35.78/"><path' in page  # a count is today's: no period to carry


def test_each_share_opens_the_list_behind_it_with_the_dashboards_filters(regions, admin):
    small_province()
    lists = {  # the dashboard's own filters (indicators/companions.py, partners.py, groups.py)
        "performing_well": "/companions/appraisals/?regency=35.78&amp;performing=yes&amp;period=2026Q3"
        "&amp;status=final",
        "coverage": "/partnerships/?regency=35.78",
        "reports_on_time": "/enterprise/reports/timeliness/?regency=35.78&amp;period=2026-09&amp;status=on_time",
        "reports_missing": "/enterprise/reports/timeliness/?regency=35.78&amp;period=2026-09&amp;status=missing",
    }
    for indicator, href in lists.items():
        assert f'<a href="{href}">33.3 %</a>' in map_page(admin, indicator)


def test_under_the_map_is_what_the_colours_are_for_and_when_they_were_counted(regions, admin):
    small_province()
    page = map_page(admin, "performing_well")
    assert "Final appraisals of 2026 Q3, the period&#x27;s last quarter." in page and "Counted at " in page
    assert "Monthly reports of 09/2026 expected from active KUBE" in map_page(admin, "reports_missing")
    assert "running partnership on 09/30/2026" in map_page(admin, "coverage")


def test_the_chosen_period_is_the_one_coloured(regions, admin):
    small_province()
    page = map_page(admin, "reports_missing", "2026-Q2")  # no report of June 2026 was sent
    assert "Kota Surabaya: 100.0 %" in page and "Kabupaten Malang: 100.0 %" in page
    assert "?regency=35.78&amp;period=2026-06&amp;status=missing" in page
    page = map_page(admin, "performing_well", "2026-Q2")  # Q2: one companion appraised, not performing well
    assert "Kota Surabaya: 0.0 %" in page and "Kabupaten Malang: no data" in page
    assert "period=2026Q2" in page and '<a href="/dashboards/area/35.78/?period=2026-Q2"><path' in page


def test_before_a_quarter_is_appraised_the_map_shows_the_dashboards_newest_quarter(regions, admin):
    small_province()
    page = map_page(admin, "performing_well", "2026-Q4")  # Q4 is appraised after it ends
    assert "Kota Surabaya: 33.3 %" in page and "period=2026Q3" in page
    assert "Final appraisals of 2026 Q3, the newest quarter appraised so far." in page


def test_the_shares_are_the_dashboards_kept_numbers_not_counted_anew(regions, admin):
    small_province()
    client = signed_in(admin)
    assert client.get("/dashboards/", {"period": PERIOD}).status_code == 200  # counts the board and keeps it
    final_appraisal(CompanionFactory(home_desa=village(MALANG_VILLAGE)), Q3, result="30", well=False)
    page = client.get("/dashboards/map/", {"indicator": "performing_well", "period": PERIOD}).content.decode()
    assert "Kabupaten Malang: 100.0 %" in page  # the kept board's 1 of 1, as the dashboard shows it


def test_an_officer_sees_shares_of_their_regency_only(regions, surabaya_officer):
    small_province()
    page = map_page(surabaya_officer, "performing_well")
    assert "Kota Surabaya: 33.3 %" in page and "Kabupaten Malang: no data" in page


def test_the_dashboard_opens_the_map_for_its_period(regions, admin):
    page = signed_in(admin).get("/dashboards/", {"period": PERIOD}).content.decode()
    assert 'href="/dashboards/map/?period=2026-Q3"' in page
