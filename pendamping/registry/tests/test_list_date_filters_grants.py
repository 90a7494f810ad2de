"""The grant list's days: `disbursed_from`/`disbursed_to` keep the grants with an approved tranche paid in them,
`spent_from`/`spent_to` those with spending recorded in them (both ends included). The dashboard's "grants
disbursed" and "grant spending realised" open exactly those grants; each grant is listed once, its sums are not
multiplied, and no value widens the user's scope."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.dashboards.area import area_get
from pendamping.dashboards.indicators.money import money_figures
from pendamping.dashboards.period import parse_period
from pendamping.enterprise.tests.factories import RealisationFactory
from pendamping.exchange.exports.lists_registry import grants as grants_export
from pendamping.registry.models import Grant, Tranche
from pendamping.registry.tests.factories import MALANG_VILLAGE, GrantFactory, GroupFactory, TrancheFactory, village

pytestmark = pytest.mark.django_db

GRANTS = reverse("registry:grant_list")
PAID_JANUARY = {"disbursed_from": "2026-01-01", "disbursed_to": "2026-01-31"}
SPENT_JANUARY = {"spent_from": "2026-01-01", "spent_to": "2026-01-31"}
DEC_31, JAN_1, JAN_15, JAN_31, FEB_1 = (
    dt.date(2025, 12, 31),
    dt.date(2026, 1, 1),
    dt.date(2026, 1, 15),
    dt.date(2026, 1, 31),
    dt.date(2026, 2, 1),
)


def _grant(name: str, *, desa: str = "35.78.01.1001", **fields: Any) -> Grant:
    return GrantFactory(group=GroupFactory(name=name, desa=village(desa)), **fields)


def _paid(grant: Grant, on: dt.date, amount: int = 1_000_000, *, approved: bool = True) -> Tranche:
    status = Tranche.Status.APPROVED if approved else Tranche.Status.PENDING
    return TrancheFactory(
        grant=grant, disbursed_on=on, amount=amount, status=status, approved_at=timezone.now() if approved else None
    )


def _rows(client: Client, **params: str) -> list[Any]:
    response = client.get(GRANTS, params)
    assert response.status_code == 200
    return [grant for grant, _paid, _left in response.context["rows"]]


def _names(client: Client, **params: str) -> list[str]:
    return [grant.group.name for grant in _rows(client, **params)]


@pytest.fixture
def admin_client(admin: User, client_for: Callable[..., Client]) -> Client:
    return client_for(admin)


@pytest.fixture
def paid_around_january() -> None:
    for name, on in [("A Desember", DEC_31), ("B Awal", JAN_1), ("C Akhir", JAN_31), ("D Februari", FEB_1)]:
        _paid(_grant(f"KUBE {name}"), on)
    _paid(_grant("KUBE E Menunggu"), JAN_15, approved=False)  # not disbursed until approved
    _grant("KUBE F Belum")


@pytest.mark.usefixtures("paid_around_january")
def test_grants_paid_on_both_bounding_days_are_listed_and_none_outside(admin_client: Client) -> None:
    assert _names(admin_client, **PAID_JANUARY) == ["KUBE B Awal", "KUBE C Akhir"]


@pytest.mark.usefixtures("paid_around_january")
def test_one_disbursement_bound_alone_leaves_the_other_end_open(admin_client: Client) -> None:
    assert _names(admin_client, disbursed_from="2026-01-01") == ["KUBE B Awal", "KUBE C Akhir", "KUBE D Februari"]
    assert _names(admin_client, disbursed_to="2026-01-31") == ["KUBE A Desember", "KUBE B Awal", "KUBE C Akhir"]


def test_a_grant_paid_and_spent_often_is_listed_once_with_its_own_sums(admin_client: Client) -> None:
    grant = _grant("KUBE Rajin", amount=20_000_000)
    _paid(grant, dt.date(2026, 1, 5), 2_000_000)
    _paid(grant, dt.date(2026, 1, 20), 3_000_000)
    _paid(grant, dt.date(2026, 2, 10), 4_000_000)  # after the range: in the total only
    _paid(grant, dt.date(2026, 1, 25), 1_000_000, approved=False)  # awaiting approval: in neither
    for day in (2, 12, 22):
        RealisationFactory(grant=grant, spent_on=dt.date(2026, 1, day))

    response = admin_client.get(GRANTS, {**PAID_JANUARY, **SPENT_JANUARY})
    [(row, disbursed, remaining)] = response.context["rows"]

    assert row.pk == grant.pk
    assert (disbursed, remaining, row.disbursed_in_range) == (9_000_000, 11_000_000, 5_000_000)
    body = response.content.decode()
    assert "Disbursed in the date range" in body and "5,000,000" in body and "9,000,000" in body


def test_without_disbursement_days_the_list_has_no_range_column(admin_client: Client) -> None:
    grant = _grant("KUBE Rajin")
    _paid(grant, JAN_15)
    RealisationFactory(grant=grant, spent_on=JAN_15)

    response = admin_client.get(GRANTS, {"disbursed_from": "2026-02-30", **SPENT_JANUARY})

    assert [g.pk for g, _p, _l in response.context["rows"]] == [grant.pk]
    assert response.context["in_range"] is False
    assert "Disbursed in the date range" not in response.content.decode()


def test_grants_spent_on_both_bounding_days_are_listed_and_none_outside(admin_client: Client) -> None:
    for name, on in [("A Desember", DEC_31), ("B Awal", JAN_1), ("C Akhir", JAN_31), ("D Februari", FEB_1)]:
        RealisationFactory(grant=_grant(f"KUBE {name}"), spent_on=on)
    _paid(_grant("KUBE E Dicairkan saja"), JAN_15)

    assert _names(admin_client, **SPENT_JANUARY) == ["KUBE B Awal", "KUBE C Akhir"]
    assert _names(admin_client, spent_to="2026-01-01") == ["KUBE A Desember", "KUBE B Awal"]


def test_disbursement_and_spending_days_together_keep_grants_with_both(admin_client: Client) -> None:
    both = _grant("KUBE Keduanya")
    _paid(both, JAN_15)
    RealisationFactory(grant=both, spent_on=JAN_31)
    spent_later = _grant("KUBE Belanja Februari")
    _paid(spent_later, JAN_15)
    RealisationFactory(grant=spent_later, spent_on=FEB_1)
    paid_earlier = _grant("KUBE Cair Desember")
    _paid(paid_earlier, DEC_31)
    RealisationFactory(grant=paid_earlier, spent_on=JAN_1)

    assert _names(admin_client, **PAID_JANUARY, **SPENT_JANUARY) == ["KUBE Keduanya"]


def test_the_days_combine_with_the_area_the_year_and_the_name(admin_client: Client) -> None:
    _paid(_grant("KUBE Surabaya"), JAN_15)
    _paid(_grant("KUBE Surabaya lama", year=2023), JAN_15)
    _paid(_grant("KUBE Malang", desa=MALANG_VILLAGE), JAN_15)
    _paid(_grant("KUBE Wonocolo", desa="35.78.02.1001"), JAN_15)

    assert _names(admin_client, regency="35.78", **PAID_JANUARY) == [
        "KUBE Surabaya",
        "KUBE Wonocolo",
        "KUBE Surabaya lama",
    ]
    assert _names(admin_client, regency="35.78", kecamatan="35.78.01", year="2024", **PAID_JANUARY) == ["KUBE Surabaya"]
    assert _names(admin_client, q="malang", **PAID_JANUARY) == ["KUBE Malang"]


@pytest.mark.usefixtures("paid_around_january")
@pytest.mark.parametrize(
    "params",
    [
        {"disbursed_from": "2026-02-30"},  # no such day
        {"disbursed_to": "31-01-2026"},
        {"spent_from": "20260101"},
        {"spent_to": "2026-W05"},
        {"disbursed_from": "' OR 1=1 --", "spent_to": "2026-02-29"},  # 2026 is no leap year
    ],
)
def test_a_malformed_day_narrows_nothing(admin_client: Client, params: dict[str, str]) -> None:
    assert len(_rows(admin_client, **params)) == 6


@pytest.mark.usefixtures("paid_around_january")
def test_a_malformed_day_does_not_cost_the_list_its_year(admin_client: Client) -> None:
    _paid(_grant("KUBE Tahun lalu", year=2023), JAN_15)

    assert _names(admin_client, year="2023", disbursed_from="2026-13-01") == ["KUBE Tahun lalu"]


@pytest.mark.usefixtures("paid_around_january")
@pytest.mark.parametrize(
    "params",
    [
        {"disbursed_from": "2026-01-31", "disbursed_to": "2026-01-01"},
        {"spent_from": "2026-02-01", "spent_to": "2026-01-31"},
    ],
)
def test_a_range_ending_before_it_begins_lists_nothing(admin_client: Client, params: dict[str, str]) -> None:
    response = admin_client.get(GRANTS, params)

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "No grants match these filters." in response.content.decode()


@pytest.mark.parametrize("days", [{**PAID_JANUARY, **SPENT_JANUARY}, {"disbursed_from": "x", "spent_to": "y"}, {}])
def test_days_never_widen_an_officers_scope(
    surabaya_officer: User, client_for: Callable[..., Client], days: dict[str, str]
) -> None:
    for name, desa in [("KUBE Surabaya", "35.78.01.1001"), ("KUBE Malang", MALANG_VILLAGE)]:
        grant = _grant(name, desa=desa)
        _paid(grant, JAN_15)
        RealisationFactory(grant=grant, spent_on=JAN_15)
    client = client_for(surabaya_officer)

    assert _names(client, **days) == ["KUBE Surabaya"]
    assert _names(client, regency="35.07", **days) == []


def test_the_list_reads_the_days_in_a_fixed_number_of_queries(admin_client: Client) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = admin_client.get(GRANTS, {**PAID_JANUARY, **SPENT_JANUARY})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    def grant_paid_and_spent() -> None:
        grant = GrantFactory()
        _paid(grant, JAN_1)
        _paid(grant, JAN_31)
        RealisationFactory(grant=grant, spent_on=JAN_15)

    for _ in range(3):
        grant_paid_and_spent()
    few = count()
    for _ in range(12):
        grant_paid_and_spent()

    assert count() == few


def test_the_page_shows_the_date_inputs_and_keeps_the_days_across_pages(admin_client: Client) -> None:
    for n in range(26):  # one more than a page
        _paid(_grant(f"KUBE {n:02d}"), JAN_15)
    _paid(_grant("KUBE Februari"), FEB_1)

    first = admin_client.get(GRANTS, PAID_JANUARY)
    second = admin_client.get(GRANTS, {**PAID_JANUARY, "page": "2"})
    body = first.content.decode()

    for name, value in PAID_JANUARY.items():
        assert f'type="date" name="{name}" value="{value}"' in body
    assert 'type="date" name="spent_from"' in body and 'type="date" name="spent_to"' in body
    assert "?disbursed_from=2026-01-01&amp;disbursed_to=2026-01-31&amp;page=2" in body
    assert [g.group.name for g, _p, _l in second.context["rows"]] == ["KUBE 25"]


@pytest.mark.parametrize("code", ["35.78", "35.78.01"])
def test_the_dashboards_money_numbers_open_the_grants_they_add_up(admin: User, admin_client: Client, code: str) -> None:
    kept = _grant("KUBE Dihitung")
    _paid(kept, JAN_1, 2_000_000)
    _paid(kept, JAN_31, 3_000_000)
    _paid(kept, FEB_1, 4_000_000)
    RealisationFactory(grant=kept, spent_on=JAN_31, amount=700_000)
    RealisationFactory(grant=kept, spent_on=JAN_1, amount=300_000)
    other = _grant("KUBE Lain")
    _paid(other, JAN_15, 1_500_000)
    RealisationFactory(grant=other, spent_on=DEC_31)
    _paid(_grant("KUBE Menunggu"), JAN_15, approved=False)
    _paid(_grant("KUBE Malang", desa=MALANG_VILLAGE), JAN_15)

    money = money_figures(user=admin, area=area_get(user=admin, code=code), period=parse_period("2026-01"))
    paid = admin_client.get(money.disbursed.href).context["rows"]
    spent = admin_client.get(money.realised.href).context["rows"]

    assert money.disbursed.value == sum(g.disbursed_in_range for g, _p, _l in paid) == 6_500_000
    assert [g.group.name for g, _p, _l in paid] == ["KUBE Dihitung", "KUBE Lain"]
    assert money.realised.value == 1_000_000
    assert [g.group.name for g, _p, _l in spent] == ["KUBE Dihitung"]


def test_the_download_lists_the_grants_the_page_lists(admin: User) -> None:
    _paid(_grant("KUBE Januari"), JAN_15, 2_000_000)
    _paid(_grant("KUBE Februari"), FEB_1)

    rows = grants_export(admin, PAID_JANUARY)

    assert [(g.group.name, g.paid, g.remaining) for g in rows] == [("KUBE Januari", 2_000_000, 8_000_000)]


def test_the_grant_api_keeps_ignoring_the_days(surabaya_officer: User) -> None:
    _paid(_grant("KUBE Januari"), JAN_15)
    _paid(_grant("KUBE Februari"), FEB_1)
    api = Client(headers={"Authorization": f"Bearer {token_create(user=surabaya_officer, name='t')[1]}"})

    response = api.get("/api/grants", PAID_JANUARY)

    assert response.status_code == 200
    assert sorted(row["group_name"] for row in response.json()["items"]) == ["KUBE Februari", "KUBE Januari"]


def test_a_kecamatans_link_keeps_its_kecamatan_in_the_filter_bar(admin_client: Client) -> None:
    _grant("Kube Karang Pilang")
    _grant("Kube Malang", desa=MALANG_VILLAGE)
    url = reverse("registry:grant_list")
    body = admin_client.get(url, {"regency": "35.78", "kecamatan": "35.78.01"}).content.decode()
    assert '<option value="35.78.01" selected>' in body  # the select shows it, so refiltering keeps it
    assert _names(admin_client, regency="35.78", kecamatan="35.78.01") == ["Kube Karang Pilang"]
