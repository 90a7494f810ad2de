"""The home page: each role lands on a summary of its own scope, never of the whole province by mistake."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.enterprise.selectors.reports import add_months, this_month
from pendamping.enterprise.tests.factories import MonthlyReportFactory
from pendamping.registry.tests.factories import FamilyFactory, GroupFactory, kube_with_members, village

pytestmark = pytest.mark.django_db

SURABAYA_VILLAGE, MALANG_VILLAGE = "35.78.01.1001", "35.07.01.2001"


def test_an_officer_sees_counts_of_their_regency_only(client_for: Callable[..., Client], surabaya_officer: Any) -> None:
    FamilyFactory.create_batch(3, desa=village(SURABAYA_VILLAGE))
    FamilyFactory.create_batch(5, desa=village(MALANG_VILLAGE))
    GroupFactory(desa=village(MALANG_VILLAGE))
    response = client_for(surabaya_officer).get("/")
    summary = response.context["summary"]
    assert response.status_code == 200
    assert summary.families == 3
    assert sum(n for _code, _label, n in summary.groups) == 0


def test_the_admin_sees_the_province(client_for: Callable[..., Client], admin: Any) -> None:
    FamilyFactory.create_batch(2, desa=village(SURABAYA_VILLAGE))
    FamilyFactory.create_batch(2, desa=village(MALANG_VILLAGE))
    assert client_for(admin).get("/").context["summary"].families == 4


@pytest.mark.parametrize("role", ["evaluator", "norole", "officer_without_region"])
def test_roles_without_registry_scope_get_a_page_without_numbers(
    client_for: Callable[..., Client], request: pytest.FixtureRequest, role: str
) -> None:
    FamilyFactory.create_batch(2, desa=village(SURABAYA_VILLAGE))
    response = client_for(request.getfixturevalue(role)).get("/")
    assert response.status_code == 200
    assert response.context["summary"].families in (None, 0)


def test_anonymous_visitors_are_sent_to_the_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _last_month() -> dt.date:
    return add_months(this_month(), -1)


def test_an_officer_sees_last_months_reports_of_their_regency(
    client_for: Callable[..., Client], surabaya_officer: Any
) -> None:
    sent, silent = kube_with_members(5), kube_with_members(5)
    kube_with_members(5, desa=village(MALANG_VILLAGE))  # another regency's KUBE is not counted
    for group in (sent, silent):
        group.founded_on = _last_month().replace(year=_last_month().year - 1)
        group.save()
    MonthlyReportFactory(group=sent, period=_last_month())

    totals = client_for(surabaya_officer).get("/").context["summary"].reports.totals

    assert (totals.on_time + totals.late, totals.missing) == (1, 1)


def test_a_companion_is_offered_last_months_report_for_each_of_their_kube(
    client_for: Callable[..., Client], companion_user: Any
) -> None:
    companion = CompanionFactory(user=companion_user)
    mine = kube_with_members(5, name="KUBE Sumber Rejeki", founded_on=_last_month().replace(day=1, year=2020))
    AssignmentFactory(group=mine, companion=companion)
    kube_with_members(5, name="KUBE Bukan Milikku", founded_on=_last_month().replace(day=1, year=2020))

    page = client_for(companion_user).get("/").content.decode()

    assert "KUBE Sumber Rejeki" in page and "KUBE Bukan Milikku" not in page
    assert f"/enterprise/groups/{mine.pk}/reports/new/?period={_last_month():%Y-%m}" in page
