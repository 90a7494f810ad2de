"""The welfare change list: the families behind the dashboards' family figures, filtered by region and by the
way their welfare decile moved, lowest income change first, in the user's regencies only."""

import datetime as dt
import re

import pytest

from pendamping.enterprise.models import WelfareRecord
from pendamping.enterprise.selectors.welfare import WelfareFilters, welfare_change_list
from pendamping.enterprise.services.welfare_change import welfare_changes_rebuild
from pendamping.enterprise.tests.factories import WelfareRecordFactory
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, FamilyFactory, village

pytestmark = pytest.mark.django_db
URL = "/enterprise/welfare/"


def _followed(desa: str, name: str, *, before: int, after: int, deciles: tuple[int, int] | None) -> None:
    family = FamilyFactory(desa=village(desa), head_name=name)
    d0, d1 = deciles or (None, None)
    at = {"kind": WelfareRecord.Kind.JOINING, "recorded_on": dt.date(2025, 2, 1)}
    WelfareRecordFactory(family=family, monthly_income=before, welfare_decile=d0, **at)
    at = {"kind": WelfareRecord.Kind.UPDATE, "recorded_on": dt.date(2026, 2, 1)}
    WelfareRecordFactory(family=family, monthly_income=after, welfare_decile=d1, **at)


@pytest.fixture
def families(regions):
    _followed(SURABAYA_VILLAGE, "Naik Satu", before=1_000_000, after=1_300_000, deciles=(3, 4))
    _followed(SURABAYA_VILLAGE, "Turun Satu", before=1_000_000, after=700_000, deciles=(3, 2))
    _followed(SURABAYA_VILLAGE, "Tetap Saja", before=1_000_000, after=1_050_000, deciles=(3, 3))
    _followed(MALANG_VILLAGE, "Warga Malang", before=800_000, after=600_000, deciles=None)
    FamilyFactory(desa=village(SURABAYA_VILLAGE), head_name="Belum Dipantau")  # no welfare record: not listed
    welfare_changes_rebuild()


def names(client, query=""):
    page = client.get(f"{URL}?{query}")
    assert page.status_code == 200
    return re.findall(r'hx-boost="false">([^<]+)</a>', page.content.decode())


def test_families_followed_up_lowest_income_change_first(families, admin, client_for):
    client = client_for(admin)
    assert names(client) == ["Turun Satu", "Warga Malang", "Tetap Saja", "Naik Satu"]
    assert names(client, "order=-change") == ["Naik Satu", "Tetap Saja", "Warga Malang", "Turun Satu"]
    assert names(client, "order=-pct") == ["Naik Satu", "Tetap Saja", "Warga Malang", "Turun Satu"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("shift=up", ["Naik Satu"]),
        ("shift=down", ["Turun Satu"]),
        ("shift=same", ["Tetap Saja"]),
        ("regency=35.07", ["Warga Malang"]),
        ("regency=35.78&kecamatan=35.78.01&shift=down", ["Turun Satu"]),
        (f"desa={SURABAYA_VILLAGE}&order=-change", ["Naik Satu", "Tetap Saja", "Turun Satu"]),
        ("kecamatan=35.07.01", ["Warga Malang"]),
    ],
)
def test_filters_by_region_and_decile_shift(families, admin, client_for, query, expected):
    assert names(client_for(admin), query) == expected


@pytest.mark.parametrize("query", ["regency=35", "regency=35.78%27--", "kecamatan=x", "shift=sideways", "order=id"])
def test_a_malformed_filter_filters_nothing(families, admin, client_for, query):
    assert len(names(client_for(admin), query)) == 4


def test_an_officer_sees_their_regencies_families_only(families, surabaya_officer, auditor, client_for):
    for user in (surabaya_officer, auditor):
        assert sorted(names(client_for(user))) == ["Naik Satu", "Tetap Saja", "Turun Satu"]
        assert names(client_for(user), "regency=35.07") == []  # a forged filter narrows, never widens


def test_roles_without_the_dashboards_are_refused(families, companion_user, evaluator, client_for):
    for user in (companion_user, evaluator):
        assert client_for(user).get(URL).status_code == 403


def test_the_selector_counts_what_the_page_lists(families, admin):
    assert welfare_change_list(user=admin, filters=WelfareFilters(shift="up")).count() == 1
    assert welfare_change_list(user=admin, filters=WelfareFilters.from_params({"regency": "35.78"})).count() == 3


def test_the_page_speaks_indonesian_and_shows_the_change(families, admin, client_for, settings):
    settings.LANGUAGE_CODE = "id"  # the product's default (the suite runs in English)
    body = client_for(admin).get(URL).content.decode()
    assert "Perubahan kesejahteraan keluarga anggota" in body and "Perubahan (%)" in body
    assert "-300.000" in body and "+300.000" in body and "-30,0" in body
    assert '<span class="badge badge-warning">-1</span>' in body
