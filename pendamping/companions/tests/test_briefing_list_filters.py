"""The briefing batch list's area and period filters (regency, kecamatan, ends_from, ends_to): the dashboards'
briefing figures link to the list with them, so a figure opens the batches it counts, and each row says how many
participants of the area it has (and how many completed).

Cast: the admin sees every batch; the Surabaya officer the batches with Surabaya participants."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pendamping.accounts.models import User
from pendamping.companions.models import Briefing, Companion, Participant
from pendamping.companions.selectors.briefing import BriefingFilters, briefing_list
from pendamping.companions.tests.briefing_factories import batch, join, malang, person
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.registry.tests.factories import SURABAYA_VILLAGE, region, village

pytestmark = pytest.mark.django_db
Clients = Callable[..., Client]
LIST = "/companions/briefings/"
SURABAYA, MALANG = "35.78", "35.07"
KARANG_PILANG, TEGALSARI = "35.78.01", "35.78.05"  # kecamatan of Kota Surabaya
TEGALSARI_VILLAGE = "35.78.05.1001"
JUL3, AUG15, SEP30 = dt.date(2024, 7, 3), dt.date(2024, 8, 15), dt.date(2024, 9, 30)


def ending(title: str, last_day: dt.date, *people: Companion) -> Briefing:
    """A batch of three days ending on `last_day`, with `people` in it."""
    b = batch(title, starts_on=last_day - dt.timedelta(days=2), ends_on=last_day)
    join(b, *people)
    return b


def completed(*people: Companion) -> None:
    Participant.objects.filter(companion__in=people).update(completed=True)


def titles(user: User, **params: str) -> list[str]:
    return [b.title for b in briefing_list(user=user, filters=BriefingFilters(**params))]


@pytest.fixture
def batches() -> dict[str, Briefing]:
    """July: two Surabaya people of Karang Pilang. August: Malang only. September: one of Tegalsari (Surabaya)
    and one of Malang."""
    return {
        "jul": ending("Juli", JUL3, person("Ani"), person("Budi")),
        "aug": ending("Agustus", AUG15, malang("Eko")),
        "sep": ending("September", SEP30, person("Citra", desa=TEGALSARI_VILLAGE), malang("Fajar")),
    }


def test_a_regency_lists_each_batch_with_participants_serving_there_once(
    batches: dict[str, Briefing], admin: User
) -> None:
    assert titles(admin, regency=SURABAYA) == ["September", "Juli"]  # Juli has two of them, and is one row
    assert titles(admin, regency=MALANG) == ["September", "Agustus"]
    assert titles(admin) == ["September", "Agustus", "Juli"]


def test_a_kecamatan_lists_the_batches_with_participants_living_there(
    batches: dict[str, Briefing], admin: User
) -> None:
    assert titles(admin, kecamatan=KARANG_PILANG) == ["Juli"]
    assert titles(admin, regency=SURABAYA, kecamatan=TEGALSARI) == ["September"]
    assert titles(admin, kecamatan="35.07.01") == ["September", "Agustus"]  # Donomulyo, Kabupaten Malang


def test_a_kecamatan_counts_where_people_live_whatever_regency_they_serve(admin: User) -> None:
    # As the dashboards count a kecamatan: by the companion's home village; the regency comes along as its parent.
    serving_malang = CompanionFactory(name="Gita", home_desa=village(SURABAYA_VILLAGE), regency=region(MALANG))
    ending("Oktober", dt.date(2024, 10, 4), serving_malang)
    assert titles(admin, regency=SURABAYA, kecamatan=KARANG_PILANG) == ["Oktober"]
    assert titles(admin, regency=SURABAYA) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"ends_from": "2024-08-15"}, ["September", "Agustus"]),
        ({"ends_to": "2024-08-15"}, ["Agustus", "Juli"]),
        ({"ends_from": "2024-08-15", "ends_to": "2024-08-15"}, ["Agustus"]),
        ({"ends_from": "2024-07-04", "ends_to": "2024-09-29"}, ["Agustus"]),
        ({"ends_from": "2024-07-03", "ends_to": "2024-09-30"}, ["September", "Agustus", "Juli"]),
        ({"ends_from": "2024-10-01"}, []),
    ],
)
def test_the_last_day_bounds_are_inclusive(
    batches: dict[str, Briefing], admin: User, params: dict[str, str], expected: list[str]
) -> None:
    assert titles(admin, **params) == expected


def test_the_filters_combine(batches: dict[str, Briefing], admin: User) -> None:
    Briefing.objects.filter(pk=batches["sep"].pk).update(status=Briefing.Status.FINISHED)
    assert titles(admin, regency=SURABAYA, ends_from="2024-07-01", ends_to="2024-08-31") == ["Juli"]
    assert titles(admin, regency=MALANG, ends_from="2024-08-16") == ["September"]
    assert titles(admin, regency=MALANG, status=Briefing.Status.FINISHED) == ["September"]
    assert titles(admin, regency=MALANG, status=Briefing.Status.PLANNED) == ["Agustus"]
    assert titles(admin, regency=SURABAYA, q="Jul", ends_to="2024-07-03") == ["Juli"]


@pytest.mark.parametrize(
    "params",
    [
        {"regency": "3578"},
        {"regency": "35.7"},
        {"regency": "35.78.01"},  # a kecamatan's code is no regency
        {"regency": "٣٥.٧٨"},  # Arabic-Indic digits: \d would take them
        {"regency": "35.78 OR 1=1"},
        {"kecamatan": "35.78"},
        {"kecamatan": "35.78.1"},
        {"kecamatan": "35.78.01.1001"},
        {"ends_from": "2024-02-30"},
        {"ends_from": "20240815"},
        {"ends_to": "15/08/2024"},
        {"ends_to": "2024-W33-4"},
        {"ends_to": "tomorrow"},
    ],
)
def test_a_malformed_value_filters_nothing(batches: dict[str, Briefing], admin: User, params: dict[str, str]) -> None:
    assert titles(admin, **params) == ["September", "Agustus", "Juli"]


def test_a_well_formed_code_without_participants_lists_nothing(batches: dict[str, Briefing], admin: User) -> None:
    assert titles(admin, regency="35.01") == []  # Kabupaten Pacitan: nobody there
    assert titles(admin, kecamatan="35.78.31") == []


def test_an_area_narrows_an_officers_list_never_widens_it(
    batches: dict[str, Briefing], surabaya_officer: User, admin: User
) -> None:
    assert titles(surabaya_officer) == ["September", "Juli"]
    assert titles(surabaya_officer, regency=SURABAYA) == ["September", "Juli"]
    # September has Malang people too, but not ones the officer may see: nor may they learn which batches do.
    assert titles(surabaya_officer, regency=MALANG) == []
    assert titles(surabaya_officer, kecamatan="35.07.01") == []
    assert titles(admin, regency=MALANG) == ["September", "Agustus"]


def test_each_row_counts_the_participants_of_the_area_and_those_who_completed(
    batches: dict[str, Briefing], admin: User
) -> None:
    completed(*Companion.objects.filter(name__in=["Ani", "Fajar"]))
    rows = {b.title: (b.participant_count, b.area_participants, b.area_completed) for b in _area(admin, SURABAYA)}
    assert rows == {"Juli": (2, 2, 1), "September": (2, 1, 0)}
    rows = {b.title: (b.participant_count, b.area_participants, b.area_completed) for b in _area(admin, MALANG)}
    assert rows == {"Agustus": (1, 1, 0), "September": (2, 1, 1)}


def _area(user: User, regency: str) -> list[Briefing]:
    return list(briefing_list(user=user, filters=BriefingFilters(regency=regency)))


@pytest.mark.parametrize("who", ["admin", "surabaya_officer"])
def test_the_rows_add_up_to_the_dashboards_count_of_a_regency_and_a_period(
    batches: dict[str, Briefing], who: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who)
    completed(*Companion.objects.filter(name__in=["Ani", "Citra", "Eko"]))  # not Budi
    outside = ending("Juni", dt.date(2024, 6, 28), person("Hadi"))  # Surabaya, before the period
    completed(*Companion.objects.filter(name="Hadi"))
    start, last_day = dt.date(2024, 7, 1), dt.date(2024, 9, 30)
    # Counted as dashboards.indicators.companions._pipeline counts a regency's briefing figures in a period.
    dashboard = (
        Participant.objects.visible_to(user)
        .filter(companion__regency_id=SURABAYA, briefing__ends_on__range=(start, last_day))
        .aggregate(n=Count("pk"), done=Count("pk", filter=Q(completed=True)))
    )
    filters = BriefingFilters(regency=SURABAYA, ends_from=start.isoformat(), ends_to=last_day.isoformat())
    rows = list(briefing_list(user=user, filters=filters))
    assert dashboard == {"n": 3, "done": 2}
    assert [b.title for b in rows] == ["September", "Juli"] and outside.title not in [b.title for b in rows]
    assert sum(b.area_participants for b in rows) == dashboard["n"]
    assert sum(b.area_completed for b in rows) == dashboard["done"]


# --- the page ---------------------------------------------------------------------------------------------------


def test_the_page_lists_the_dashboards_link_with_the_area_columns(
    batches: dict[str, Briefing], admin: User, client_for: Clients
) -> None:
    completed(*Companion.objects.filter(name="Ani"))
    response = client_for(admin).get(LIST, {"regency": SURABAYA, "ends_from": "2024-07-01", "ends_to": "2024-09-30"})
    page = response.content.decode()
    assert response.status_code == 200
    assert [b.title for b in response.context["page"].items] == ["September", "Juli"]
    assert "Agustus" not in page and "From the area" in page
    assert [(b.area_participants, b.area_completed) for b in response.context["page"].items] == [(1, 0), (2, 1)]
    assert "From the area" not in client_for(admin).get(LIST).content.decode()


def test_the_filter_form_offers_the_users_regencies_and_the_kecamatan_of_the_one_chosen(
    batches: dict[str, Briefing], surabaya_officer: User, client_for: Clients
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
    batches: dict[str, Briefing], admin: User, client_for: Clients
) -> None:
    params = {"regency": SURABAYA, "ends_to": "2024-09-30", "page_size": "1"}
    response = client_for(admin).get(LIST, params, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200 and '<form method="get" class="filters"' not in page
    assert 'id="results"' in page and "September" in page and "Juli" not in page
    assert "?regency=35.78&amp;ends_to=2024-09-30&amp;page_size=1&amp;page=2" in page
    second = client_for(admin).get(LIST, {**params, "page": "2"}, headers={"HX-Request": "true"}).content.decode()
    assert "Juli" in second and "September" not in second


def test_the_filtered_page_is_one_list_query_whatever_the_number_of_batches(admin: User, client_for: Clients) -> None:
    def queries(n: int) -> int:
        for i in range(n):
            ending(f"B{n}-{i}", JUL3, person(f"P{n}-{i}-a"), person(f"P{n}-{i}-b"), malang(f"P{n}-{i}-c"))
        with CaptureQueriesContext(connection) as captured:
            assert client_for(admin).get(LIST, {"regency": SURABAYA}).status_code == 200
        return len(captured)

    assert queries(2) == queries(6)
