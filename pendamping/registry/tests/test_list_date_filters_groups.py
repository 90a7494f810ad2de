"""The KUBE list's days of status change (`changed_from`, `changed_to`, both included): with status "graduated"
they are the dashboard's "graduated in the period", so its number opens exactly the KUBE it counts. A malformed
day narrows nothing, a range that ends before it begins holds nothing, and no value widens the user's scope."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.core.filters import Days
from pendamping.dashboards.area import area_get
from pendamping.dashboards.indicators.groups import group_figures
from pendamping.dashboards.period import parse_period
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, GroupFactory, village

pytestmark = pytest.mark.django_db

GROUPS = reverse("registry:group_list")
JANUARY = {"changed_from": "2026-01-01", "changed_to": "2026-01-31"}
GRADUATED = Group.Status.GRADUATED


def _kube(name: str, on: dt.date | None, *, status: str = GRADUATED, desa: str = SURABAYA_VILLAGE) -> Group:
    return GroupFactory(name=name, status=status, status_changed_on=on, desa=village(desa))


def _names(client: Client, **params: str) -> list[str]:
    response = client.get(GROUPS, params)
    assert response.status_code == 200
    return [g.name for g in response.context["page"].items]


@pytest.fixture
def admin_client(admin: User, client_for: Callable[..., Client]) -> Client:
    return client_for(admin)


@pytest.fixture
def around_january() -> None:
    """KUBE whose status changed the day before January, on its first and last days, the day after, and never."""
    _kube("KUBE A Desember", dt.date(2025, 12, 31))
    _kube("KUBE B Awal", dt.date(2026, 1, 1))
    _kube("KUBE C Akhir", dt.date(2026, 1, 31))
    _kube("KUBE D Februari", dt.date(2026, 2, 1))
    _kube("KUBE E Belum", None, status=Group.Status.FORMING)


@pytest.mark.usefixtures("around_january")
def test_the_kube_list_takes_changes_on_both_bounding_days_and_none_outside(admin_client: Client) -> None:
    assert _names(admin_client, **JANUARY) == ["KUBE B Awal", "KUBE C Akhir"]


@pytest.mark.usefixtures("around_january")
def test_one_bound_alone_leaves_the_other_end_open(admin_client: Client) -> None:
    since = _names(admin_client, changed_from="2026-01-01")
    until = _names(admin_client, changed_to="2026-01-31")

    assert since == ["KUBE B Awal", "KUBE C Akhir", "KUBE D Februari"]
    assert until == ["KUBE A Desember", "KUBE B Awal", "KUBE C Akhir"]


def test_graduated_in_the_period_needs_the_status_the_days_and_the_area(admin_client: Client) -> None:
    _kube("KUBE Lulus", dt.date(2026, 1, 15))
    _kube("KUBE Aktif lagi", dt.date(2026, 1, 15), status=Group.Status.ACTIVE)
    _kube("KUBE Lulus lama", dt.date(2025, 6, 1))
    _kube("KUBE Lulus Malang", dt.date(2026, 1, 20), desa=MALANG_VILLAGE)
    _kube("KUBE Lulus Wonocolo", dt.date(2026, 1, 9), desa="35.78.02.1001")  # kec. Wonocolo

    province = _names(admin_client, status="graduated", **JANUARY)
    surabaya = _names(admin_client, regency="35.78", status="graduated", **JANUARY)
    kecamatan = _names(admin_client, regency="35.78", kecamatan="35.78.01", status="graduated", **JANUARY)

    assert province == ["KUBE Lulus", "KUBE Lulus Malang", "KUBE Lulus Wonocolo"]
    assert surabaya == ["KUBE Lulus", "KUBE Lulus Wonocolo"]
    assert kecamatan == ["KUBE Lulus"]


def test_the_dashboards_graduated_number_opens_the_kube_it_counts(admin: User, admin_client: Client) -> None:
    _kube("KUBE B Awal", dt.date(2026, 1, 1))
    _kube("KUBE C Akhir", dt.date(2026, 1, 31))
    _kube("KUBE D Februari", dt.date(2026, 2, 1))
    _kube("KUBE A Desember", dt.date(2025, 12, 31))
    _kube("KUBE Aktif", dt.date(2026, 1, 10), status=Group.Status.ACTIVE)
    _kube("KUBE Malang", dt.date(2026, 1, 10), desa=MALANG_VILLAGE)

    figure = group_figures(
        user=admin, area=area_get(user=admin, code="35.78"), period=parse_period("2026-01")
    ).graduated
    page = admin_client.get(figure.href).context["page"]

    assert figure.value == page.count == 2
    assert [g.name for g in page.items] == ["KUBE B Awal", "KUBE C Akhir"]


@pytest.mark.usefixtures("around_january")
@pytest.mark.parametrize(
    "params",
    [
        {"changed_from": "2026-02-30"},  # no such day
        {"changed_from": "kemarin"},
        {"changed_to": "20260131"},  # fromisoformat reads it; no date input sends it
        {"changed_from": "2026-W01-1"},
        {"changed_from": "2026-1-5"},
        {"changed_from": "", "changed_to": " "},
    ],
)
def test_a_malformed_day_narrows_nothing(admin_client: Client, params: dict[str, str]) -> None:
    assert len(_names(admin_client, **params)) == 5


@pytest.mark.usefixtures("around_january")
def test_a_malformed_bound_leaves_the_other_bound_working(admin_client: Client) -> None:
    names = _names(admin_client, changed_from="2026-13-01", changed_to="2026-01-31")

    assert names == ["KUBE A Desember", "KUBE B Awal", "KUBE C Akhir"]


@pytest.mark.usefixtures("around_january")
def test_a_range_ending_before_it_begins_lists_nothing(admin_client: Client) -> None:
    response = admin_client.get(GROUPS, {"changed_from": "2026-01-31", "changed_to": "2026-01-01"})

    assert response.status_code == 200
    assert response.context["page"].count == 0
    assert "No KUBE match these filters." in response.content.decode()


@pytest.mark.parametrize("days", [JANUARY, {"changed_from": "2026-02-30"}, {"changed_to": "x"}, {}])
def test_days_never_widen_an_officers_scope(
    surabaya_officer: User, client_for: Callable[..., Client], days: dict[str, str]
) -> None:
    _kube("KUBE Surabaya", dt.date(2026, 1, 10))
    _kube("KUBE Malang", dt.date(2026, 1, 10), desa=MALANG_VILLAGE)
    client = client_for(surabaya_officer)

    assert _names(client, status="graduated", **days) == ["KUBE Surabaya"]
    assert _names(client, regency="35.07", status="graduated", **days) == []


def test_the_page_shows_the_date_inputs_and_keeps_the_days_across_pages(admin_client: Client) -> None:
    for n in range(26):  # one more than a page
        _kube(f"KUBE {n:02d}", dt.date(2026, 1, 10))
    params = {"status": "graduated", **JANUARY}

    first = admin_client.get(GROUPS, params)
    second = admin_client.get(GROUPS, {**params, "page": "2"})
    partial = admin_client.get(GROUPS, {**params, "page": "2"}, HTTP_HX_REQUEST="true").content.decode()
    body = first.content.decode()

    assert 'type="date" name="changed_from" value="2026-01-01"' in body
    assert 'type="date" name="changed_to" value="2026-01-31"' in body
    assert "?status=graduated&amp;changed_from=2026-01-01&amp;changed_to=2026-01-31&amp;page=2" in body
    assert [g.name for g in second.context["page"].items] == ["KUBE 25"]
    assert "KUBE 25" in partial and "<html" not in partial


def test_the_kube_api_keeps_ignoring_the_days(surabaya_officer: User) -> None:
    _kube("KUBE Lulus", dt.date(2026, 1, 10))
    _kube("KUBE Lama", dt.date(2025, 1, 10))
    api = Client(headers={"Authorization": f"Bearer {token_create(user=surabaya_officer, name='t')[1]}"})

    response = api.get("/api/groups", {"changed_from": "2026-01-01"})

    assert response.status_code == 200
    assert sorted(row["name"] for row in response.json()["items"]) == ["KUBE Lama", "KUBE Lulus"]


@given(st.dates())
def test_a_day_written_yyyy_mm_dd_is_read_as_that_day(day: dt.date) -> None:
    text = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"

    assert Days.of(text, text) == Days(day, day)


@given(st.text(max_size=12), st.text(max_size=12))
def test_any_text_gives_a_range_or_nothing_never_an_error(first: str, last: str) -> None:
    days = Days.of(first, last)

    assert bool(days) == bool(days.start or days.end)
    days.q("status_changed_on")  # builds without raising


def test_an_empty_range_and_an_open_range_build_the_right_lookups() -> None:
    jan1, jan31 = dt.date(2026, 1, 1), dt.date(2026, 1, 31)

    assert Days(start=jan1).q("on").children == [("on__gte", jan1)]
    assert Days(end=jan31).q("on").children == [("on__lte", jan31)]
    assert Days(jan1, jan31).q("on").children == [("on__gte", jan1), ("on__lte", jan31)]
    assert Days(jan31, jan1).q("on").children == [("pk__in", [])]
    assert not Days.of("2026-02-30", "")
