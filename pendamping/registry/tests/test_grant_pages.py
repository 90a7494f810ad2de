"""Grant pages through the test client: amounts typed the Indonesian way, tranches that never exceed the
grant, scope (404 outside it) and a grant list whose queries do not grow with its rows."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.registry.models import Grant, Group, Tranche
from pendamping.registry.tests.factories import MALANG_VILLAGE, GrantFactory, GroupFactory, TrancheFactory, village

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(f"registry:{name}", args=args)


@pytest.fixture(autouse=True)
def _english_pages_plain_static(settings: Any) -> None:
    # The messages checked are the English source strings (Indonesian is the default language); without
    # `collectstatic` the manifest storage of production settings has no entries for the pages' static links.
    settings.LANGUAGE_CODE = "en"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def surabaya(surabaya_officer: Any, client_for: Callable[..., Client]) -> Client:
    return client_for(surabaya_officer)


@pytest.fixture
def group() -> Group:
    return GroupFactory(name="KUBE Sejahtera")


def _grant(client: Client, group: Group, amount: str, **extra: str) -> Any:
    return client.post(url("grant_create", group.pk), {"amount": amount, "source": "apbn", "year": "2024", **extra})


def test_an_amount_with_thousands_dots_is_read_as_rupiah(surabaya: Client, group: Group) -> None:
    response = _grant(surabaya, group, "25.000.000")

    assert response.status_code == 302 and response["Location"] == url("group_detail", group.pk)
    assert Grant.objects.get(group=group).amount == 25_000_000


def test_an_amount_with_cents_is_refused(surabaya: Client, group: Group) -> None:
    response = _grant(surabaya, group, "25.000.000,50")

    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    assert not Grant.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5000", "dua juta", ""])
def test_other_bad_amounts_are_refused(surabaya: Client, group: Group, amount: str) -> None:
    response = _grant(surabaya, group, amount)

    assert "amount" in response.context["form"].errors
    assert not Grant.objects.exists()


def test_an_implausible_year_is_refused(surabaya: Client, group: Group) -> None:
    response = surabaya.post(url("grant_create", group.pk), {"amount": "1000000", "source": "apbn", "year": "1990"})

    assert response.context["form"].errors
    assert not Grant.objects.exists()


def test_a_grant_is_created_with_its_first_tranche(surabaya: Client, group: Group) -> None:
    _grant(surabaya, group, "20.000.000", tranche_amount="10.000.000", tranche_on="2024-03-01")

    grant = Grant.objects.get(group=group)
    assert list(grant.tranches.values_list("number", "amount")) == [(1, 10_000_000)]


def test_a_first_tranche_bigger_than_the_grant_saves_nothing(surabaya: Client, group: Group) -> None:
    response = _grant(surabaya, group, "5.000.000", tranche_amount="6.000.000", tranche_on="2024-03-01")

    form = response.context["form"]
    assert "tranche_amount" in form.errors and "amount" not in form.errors
    assert not Grant.objects.exists() and not Tranche.objects.exists()


def test_a_tranche_amount_without_a_date_is_refused(surabaya: Client, group: Group) -> None:
    response = _grant(surabaya, group, "5.000.000", tranche_amount="1.000.000")

    assert response.context["form"].non_field_errors()
    assert not Grant.objects.exists()


def test_tranches_add_up_to_at_most_the_grant(surabaya: Client) -> None:
    grant = GrantFactory(amount=10_000_000)
    TrancheFactory(grant=grant, amount=6_000_000)

    refused = surabaya.post(url("tranche_add", grant.pk), {"amount": "5.000.000", "disbursed_on": "2024-04-01"})
    accepted = surabaya.post(url("tranche_add", grant.pk), {"amount": "4.000.000", "disbursed_on": "2024-04-01"})

    assert "more than the grant" in " ".join(refused.context["form"].errors["amount"])
    assert accepted.status_code == 302
    assert list(grant.tranches.values_list("amount", flat=True)) == [6_000_000, 4_000_000]


def test_a_disbursement_date_in_the_future_is_refused(surabaya: Client) -> None:
    grant = GrantFactory()
    tomorrow = dt.date.today() + dt.timedelta(days=2)

    response = surabaya.post(url("tranche_add", grant.pk), {"amount": "1.000.000", "disbursed_on": tomorrow})

    assert "disbursed_on" in response.context["form"].errors
    assert not grant.tranches.exists()


def test_editing_a_grant_below_its_tranches_is_refused(surabaya: Client) -> None:
    grant = GrantFactory(amount=10_000_000)
    TrancheFactory(grant=grant, amount=6_000_000)
    data = {"amount": "5.000.000", "source": "apbn", "year": "2024", "version": grant.version}

    response = surabaya.post(url("grant_edit", grant.pk), data)

    assert "amount" in response.context["form"].errors
    assert Grant.objects.get(pk=grant.pk).amount == 10_000_000


def test_a_grant_is_edited(surabaya: Client) -> None:
    grant = GrantFactory(amount=10_000_000)
    data = {"amount": "12.500.000", "source": "apbd_prov", "year": "2023", "note": "revisi", "version": grant.version}

    response = surabaya.post(url("grant_edit", grant.pk), data)

    grant.refresh_from_db()
    assert response.status_code == 302
    assert (grant.amount, grant.source, grant.year, grant.note) == (12_500_000, "apbd_prov", 2023, "revisi")


def test_the_kube_page_shows_grant_totals_of_approved_tranches_only(surabaya: Client, group: Group) -> None:
    grant = GrantFactory(group=group, amount=10_000_000)
    TrancheFactory(grant=grant, amount=4_000_000, status=Tranche.Status.APPROVED, approved_at=timezone.now())
    TrancheFactory(grant=grant, amount=3_000_000)  # awaiting approval: not disbursed yet
    GrantFactory(group=group, amount=5_000_000, year=2023)

    response = surabaya.get(url("group_detail", group.pk))

    assert response.context["grant_totals"] == {"amount": 15_000_000, "disbursed": 4_000_000, "remaining": 11_000_000}


# --- scope and roles ----------------------------------------------------------------------------------


@pytest.fixture
def malang_grant() -> Grant:
    grant = GrantFactory(group=GroupFactory(desa=village(MALANG_VILLAGE)), amount=10_000_000)
    TrancheFactory(grant=grant, amount=1_000_000)
    return grant


@pytest.mark.parametrize(("name", "method"), [("grant_edit", "get"), ("grant_edit", "post"), ("tranche_add", "post")])
def test_another_regencys_grant_is_not_found(surabaya: Client, malang_grant: Grant, name: str, method: str) -> None:
    data = {"amount": "2.000.000", "source": "apbn", "year": "2024", "disbursed_on": "2024-04-01"}

    response = getattr(surabaya, method)(url(name, malang_grant.pk), data)

    assert response.status_code == 404
    malang_grant.refresh_from_db()
    assert malang_grant.amount == 10_000_000 and malang_grant.tranches.count() == 1


def test_a_grant_for_another_regencys_kube_is_not_found(surabaya: Client) -> None:
    malang = GroupFactory(desa=village(MALANG_VILLAGE))

    assert _grant(surabaya, malang, "1.000.000").status_code == 404
    assert not Grant.objects.exists()


@pytest.mark.parametrize("role", ["auditor", "companion_user"])
def test_read_only_roles_may_not_record_grants(
    role: str, request: Any, client_for: Callable[..., Client], group: Group
) -> None:
    user = request.getfixturevalue(role)
    AssignmentFactory(group=group, companion=CompanionFactory(user=user if role == "companion_user" else None))

    assert _grant(client_for(user), group, "1.000.000").status_code == 403
    assert not Grant.objects.exists()


def test_grant_list_shows_only_the_officers_regency(surabaya: Client, malang_grant: Grant, group: Group) -> None:
    GrantFactory(group=group)

    response = surabaya.get(url("grant_list"))

    assert [g.group.name for g, _paid, _left in response.context["rows"]] == ["KUBE Sejahtera"]


def test_grant_list_filters_by_year_and_kube_name(surabaya: Client, group: Group) -> None:
    GrantFactory(group=group, year=2023)
    GrantFactory(group=GroupFactory(name="KUBE Lain"), year=2024)

    by_year = surabaya.get(url("grant_list"), {"year": "2023"}).context["rows"]
    by_name = surabaya.get(url("grant_list"), {"q": "lain"}).context["rows"]

    assert [g.year for g, _p, _l in by_year] == [2023]
    assert [g.group.name for g, _p, _l in by_name] == ["KUBE Lain"]


def test_grant_list_htmx_returns_only_the_results(surabaya: Client, group: Group) -> None:
    GrantFactory(group=group)

    body = surabaya.get(url("grant_list"), HTTP_HX_REQUEST="true").content.decode()

    assert 'id="results"' in body and "<html" not in body


def test_grant_list_queries_do_not_grow_with_the_rows(surabaya: Client) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            surabaya.get(url("grant_list"))
        return len(ctx.captured_queries)

    for _ in range(5):
        TrancheFactory(grant=GrantFactory())
    few = count()
    for _ in range(15):
        TrancheFactory(grant=GrantFactory())

    assert count() == few
