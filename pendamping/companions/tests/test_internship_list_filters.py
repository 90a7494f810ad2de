"""The internship round list's area and period filters (regency, kecamatan, ends_from, ends_to): the dashboards'
internship figures link to the list with them, so a figure opens the rounds it counts, and each row says how many
trainees of the area it has (and how many completed the internship).

Cast: the admin sees every round; the Surabaya officer the rounds with Surabaya trainees."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pendamping.accounts.models import User
from pendamping.companions.models import Companion, InternshipRound, Placement
from pendamping.companions.selectors.internship import RoundFilters, round_list
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, region, village

pytestmark = pytest.mark.django_db
Clients = Callable[..., Client]
LIST = "/companions/internship/"
SURABAYA, MALANG = "35.78", "35.07"
KARANG_PILANG, TEGALSARI = "35.78.01", "35.78.05"  # kecamatan of Kota Surabaya
TEGALSARI_VILLAGE = "35.78.05.1001"
JUL31, AUG31, SEP30 = dt.date(2024, 7, 31), dt.date(2024, 8, 31), dt.date(2024, 9, 30)
DONE, CONFIRMED = Placement.Status.COMPLETED, Placement.Status.CONFIRMED


def trainee(name: str, desa: str = SURABAYA_VILLAGE, **kwargs: Any) -> Companion:
    return CompanionFactory(name=name, home_desa=village(desa), status=Companion.Status.TRAINEE, **kwargs)


def ending(title: str, last_day: dt.date, *people: tuple[Companion, str]) -> InternshipRound:
    """A month's round ending on `last_day`, with each (trainee, placement status) of `people` in it."""
    rnd = InternshipRound.objects.create(
        title=title,
        starts_on=last_day - dt.timedelta(days=29),
        ends_on=last_day,
        status=InternshipRound.Status.CONFIRMED,
    )
    for companion, status in people:
        Placement.objects.create(round=rnd, companion=companion, status=status)
    return rnd


def titles(user: User, **params: str) -> list[str]:
    return [r.title for r in round_list(user=user, filters=RoundFilters(**params))]


@pytest.fixture
def rounds() -> dict[str, InternshipRound]:
    """July: two Surabaya trainees of Karang Pilang, one completed. August: Malang only. September: one of Tegalsari
    (Surabaya), completed, and one of Malang, completed."""
    return {
        "jul": ending("Juli", JUL31, (trainee("Ani"), DONE), (trainee("Budi"), CONFIRMED)),
        "aug": ending("Agustus", AUG31, (trainee("Eko", MALANG_VILLAGE), CONFIRMED)),
        "sep": ending(
            "September", SEP30, (trainee("Citra", TEGALSARI_VILLAGE), DONE), (trainee("Fajar", MALANG_VILLAGE), DONE)
        ),
    }


def test_a_regency_lists_each_round_with_trainees_serving_there_once(
    rounds: dict[str, InternshipRound], admin: User
) -> None:
    assert titles(admin, regency=SURABAYA) == ["September", "Juli"]  # Juli has two of them, and is one row
    assert titles(admin, regency=MALANG) == ["September", "Agustus"]
    assert titles(admin) == ["September", "Agustus", "Juli"]


def test_a_kecamatan_lists_the_rounds_with_trainees_living_there(
    rounds: dict[str, InternshipRound], admin: User
) -> None:
    assert titles(admin, kecamatan=KARANG_PILANG) == ["Juli"]
    assert titles(admin, regency=SURABAYA, kecamatan=TEGALSARI) == ["September"]
    assert titles(admin, kecamatan="35.07.01") == ["September", "Agustus"]  # Donomulyo, Kabupaten Malang


def test_a_kecamatan_counts_where_trainees_live_whatever_regency_they_serve(admin: User) -> None:
    # As the dashboards count a kecamatan: by the companion's home village; the regency comes along as its parent.
    ending("Oktober", dt.date(2024, 10, 31), (trainee("Gita", regency=region(MALANG)), CONFIRMED))
    assert titles(admin, regency=SURABAYA, kecamatan=KARANG_PILANG) == ["Oktober"]
    assert titles(admin, regency=SURABAYA) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"ends_from": "2024-08-31"}, ["September", "Agustus"]),
        ({"ends_to": "2024-08-31"}, ["Agustus", "Juli"]),
        ({"ends_from": "2024-08-31", "ends_to": "2024-08-31"}, ["Agustus"]),
        ({"ends_from": "2024-08-01", "ends_to": "2024-09-29"}, ["Agustus"]),
        ({"ends_from": "2024-07-31", "ends_to": "2024-09-30"}, ["September", "Agustus", "Juli"]),
        ({"ends_to": "2024-07-30"}, []),
    ],
)
def test_the_end_bounds_are_inclusive(
    rounds: dict[str, InternshipRound], admin: User, params: dict[str, str], expected: list[str]
) -> None:
    assert titles(admin, **params) == expected


def test_the_filters_combine(rounds: dict[str, InternshipRound], admin: User) -> None:
    InternshipRound.objects.filter(pk=rounds["sep"].pk).update(status=InternshipRound.Status.FINISHED)
    assert titles(admin, regency=SURABAYA, ends_from="2024-07-01", ends_to="2024-08-31") == ["Juli"]
    assert titles(admin, regency=MALANG, ends_from="2024-09-01") == ["September"]
    assert titles(admin, regency=MALANG, status=InternshipRound.Status.FINISHED) == ["September"]
    assert titles(admin, regency=SURABAYA, status=InternshipRound.Status.CONFIRMED, ends_to="2024-12-31") == ["Juli"]


@pytest.mark.parametrize(
    "params",
    [
        {"regency": "3578"},
        {"regency": "35.7"},
        {"regency": "35.78.01"},  # a kecamatan's code is no regency
        {"regency": "٣٥.٧٨"},  # Arabic-Indic digits: \d would take them
        {"regency": "35.78'--"},
        {"kecamatan": "35.78"},
        {"kecamatan": "35.78.1"},
        {"kecamatan": "35.78.01.1001"},
        {"ends_from": "2024-02-30"},
        {"ends_from": "20240831"},
        {"ends_to": "31/08/2024"},
        {"ends_to": "2024-W35-6"},
        {"ends_to": ""},
    ],
)
def test_a_malformed_value_filters_nothing(
    rounds: dict[str, InternshipRound], admin: User, params: dict[str, str]
) -> None:
    assert titles(admin, **params) == ["September", "Agustus", "Juli"]


def test_a_well_formed_code_without_trainees_lists_nothing(rounds: dict[str, InternshipRound], admin: User) -> None:
    assert titles(admin, regency="35.01") == []  # Kabupaten Pacitan: nobody there
    assert titles(admin, kecamatan="35.78.31") == []  # Sambikerep, Surabaya: nobody lives there


def test_an_area_narrows_an_officers_list_never_widens_it(
    rounds: dict[str, InternshipRound], surabaya_officer: User, admin: User
) -> None:
    assert titles(surabaya_officer) == ["September", "Juli"]
    assert titles(surabaya_officer, regency=SURABAYA) == ["September", "Juli"]
    # September has a Malang trainee too, but not one the officer may see: nor may they learn which rounds do.
    assert titles(surabaya_officer, regency=MALANG) == []
    assert titles(surabaya_officer, kecamatan="35.07.01") == []
    assert titles(admin, regency=MALANG) == ["September", "Agustus"]


def test_each_row_counts_the_trainees_of_the_area_and_those_who_completed(
    rounds: dict[str, InternshipRound], admin: User
) -> None:
    def rows(regency: str) -> dict[str, tuple[int, int, int]]:
        found = round_list(user=admin, filters=RoundFilters(regency=regency))
        return {r.title: (r.trainee_count, r.area_placements, r.area_completed) for r in found}

    assert rows(SURABAYA) == {"Juli": (2, 2, 1), "September": (2, 1, 1)}
    assert rows(MALANG) == {"Agustus": (1, 1, 0), "September": (2, 1, 1)}


@pytest.mark.parametrize("who", ["admin", "surabaya_officer"])
def test_the_rows_add_up_to_the_dashboards_count_of_a_regency_and_a_period(
    rounds: dict[str, InternshipRound], who: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who)
    ending("Juni", dt.date(2024, 6, 30), (trainee("Hadi"), DONE))  # Surabaya, before the period
    start, last_day = dt.date(2024, 7, 1), dt.date(2024, 9, 30)
    # Counted as dashboards.indicators.companions._pipeline counts a regency's internship figures in a period.
    placements = Placement.objects.visible_to(user).filter(
        companion__regency_id=SURABAYA, round__ends_on__range=(start, last_day)
    )
    placed, finished = placements.count(), placements.filter(status=Placement.Status.COMPLETED).count()
    filters = RoundFilters(regency=SURABAYA, ends_from=start.isoformat(), ends_to=last_day.isoformat())
    found = list(round_list(user=user, filters=filters))
    assert (placed, finished) == (3, 2)
    assert [r.title for r in found] == ["September", "Juli"]
    assert sum(r.area_placements for r in found) == placed
    assert sum(r.area_completed for r in found) == finished


# --- the page ---------------------------------------------------------------------------------------------------


def test_the_page_lists_the_dashboards_link_with_the_area_columns(
    rounds: dict[str, InternshipRound], admin: User, client_for: Clients
) -> None:
    response = client_for(admin).get(LIST, {"regency": SURABAYA, "ends_from": "2024-07-01", "ends_to": "2024-09-30"})
    page = response.content.decode()
    items = response.context["page"].items
    assert response.status_code == 200
    assert [r.title for r in items] == ["September", "Juli"]
    assert [(r.area_placements, r.area_completed) for r in items] == [(1, 1), (2, 1)]
    assert "Agustus" not in page and "From the area" in page
    assert "From the area" not in client_for(admin).get(LIST).content.decode()


def test_the_status_filter_still_works_on_the_page(
    rounds: dict[str, InternshipRound], admin: User, client_for: Clients
) -> None:
    InternshipRound.objects.filter(pk=rounds["aug"].pk).update(status=InternshipRound.Status.DRAFT)
    items = client_for(admin).get(LIST, {"status": "draft"}).context["page"].items
    assert [r.title for r in items] == ["Agustus"]
    items = client_for(admin).get(LIST, {"status": "nonsense"}).context["page"].items
    assert [r.title for r in items] == ["September", "Agustus", "Juli"]


def test_the_filter_form_offers_the_users_regencies_and_the_kecamatan_of_the_one_chosen(
    rounds: dict[str, InternshipRound], surabaya_officer: User, client_for: Clients
) -> None:
    form = client_for(surabaya_officer).get(LIST, {"regency": SURABAYA, "kecamatan": TEGALSARI}).context["form"]
    assert list(form.fields["regency"].widget.choices) == [("", "all"), (SURABAYA, "Kota Surabaya")]
    kecamatan = dict(form.fields["kecamatan"].widget.choices)
    assert kecamatan[TEGALSARI] == "Tegalsari" and kecamatan[KARANG_PILANG] == "Karang Pilang" and len(kecamatan) == 32
    regency = str(form["regency"])
    assert 'hx-get="/registry/regions/options/"' in regency and 'hx-target="#id_kecamatan"' in regency
    assert '<option value="35.78" selected>Kota Surabaya</option>' in regency
    for name in ("ends_from", "ends_to"):
        assert f'type="date" name="{name}"' in str(form[name])
    forged = client_for(surabaya_officer).get(LIST, {"regency": MALANG}).context["form"]
    assert list(forged.fields["kecamatan"].widget.choices) == [("", "all")]  # not the officer's: no kecamatan


def test_an_htmx_request_gets_the_filtered_results_and_pages_keep_the_filters(
    rounds: dict[str, InternshipRound], admin: User, client_for: Clients, settings: Any
) -> None:
    settings.PENDAMPING = {**settings.PENDAMPING, "PAGE_SIZE": 1}
    params = {"regency": SURABAYA, "ends_to": "2024-09-30"}
    response = client_for(admin).get(LIST, params, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200 and '<form method="get" class="filters"' not in page
    assert 'id="results"' in page and "September" in page and "Juli" not in page
    assert "?regency=35.78&amp;ends_to=2024-09-30&amp;page=2" in page
    second = client_for(admin).get(LIST, {**params, "page": "2"}, headers={"HX-Request": "true"}).content.decode()
    assert "Juli" in second and "September" not in second


def test_the_filtered_page_is_one_list_query_whatever_the_number_of_rounds(admin: User, client_for: Clients) -> None:
    def queries(n: int) -> int:
        for i in range(n):
            people = [(trainee(f"T{n}-{i}-a"), DONE), (trainee(f"T{n}-{i}-b", MALANG_VILLAGE), CONFIRMED)]
            ending(f"R{n}-{i}", JUL31, *people)
        with CaptureQueriesContext(connection) as captured:
            assert client_for(admin).get(LIST, {"regency": SURABAYA}).status_code == 200
        return len(captured)

    assert queries(2) == queries(6)
