"""The regency map: 38 kabupaten/kota drawn from the bundled boundaries, coloured by an indicator counted in the
user's scope, each a link to the list behind its number; nothing loaded from the network."""

import re

import pytest
from django.test import Client

from pendamping.dashboards.choropleth import CREDIT, NO_DATA, PALETTE, choropleth, shapes
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
