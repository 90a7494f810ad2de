"""The report pages through the test client: a companion entering a month on a phone, the refusals shown on the
form, a stale edit that keeps what was typed, scope (404 outside it), the list's query count, a month's
timeliness with its locks, and the reports panel of the KUBE page."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.enterprise.models import EnterpriseSettings, MonthlyReport, PeriodLock
from pendamping.enterprise.selectors.reports import add_months, this_month
from pendamping.enterprise.tests.factories import MonthlyReportFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, kube_with_members, village

pytestmark = pytest.mark.django_db
MARCH = dt.date(2025, 3, 1)


def url(name: str, *args: Any) -> str:
    return reverse(f"enterprise:{name}", args=args)


def form(**overrides: Any) -> dict[str, Any]:
    data = {
        "period": "2025-03",
        "revenue": "5.000.000",
        "operating_costs": "Rp 1.250.000",
        "capital_assets": "20.000.000",
        "cash_savings": "750.000",
        "members_active": "5",
        "meetings_held": "2",
        "iks_collected": "",
        "problems": "",
    }
    return {**data, **overrides}


@pytest.fixture
def group() -> Group:
    return kube_with_members(5, name="KUBE Sumber Rejeki")


@pytest.fixture
def companion(companion_user: User, group: Group, client_for: Callable[..., Client]) -> Client:
    AssignmentFactory(group=group, companion=CompanionFactory(user=companion_user))
    return client_for(companion_user)


@pytest.fixture
def surabaya(surabaya_officer: User, client_for: Callable[..., Client]) -> Client:
    return client_for(surabaya_officer)


def text(response: Any) -> str:
    return response.content.decode()


# --- entering a report ---------------------------------------------------------------------------------------


def test_the_new_report_form_is_made_for_a_phone(companion: Client, group: Group) -> None:
    response = companion.get(url("report_new", group.pk), {"period": "2025-03"})

    page = text(response)
    assert response.status_code == 200
    assert page.count('inputmode="numeric"') >= 7  # five amounts, members, meetings
    assert 'type="month"' in page and 'value="2025-03"' in page
    assert "<script" not in page.split("</head>")[1]  # works without JavaScript
    assert 'name="profit"' not in page


def test_the_companion_enters_a_month_and_sees_the_profit(companion: Client, group: Group) -> None:
    response = companion.post(url("report_new", group.pk), form(iks_collected="50.000"), follow=True)

    report = MonthlyReport.objects.get(group=group)
    assert response.redirect_chain == [(url("report_detail", report.pk), 302)]
    assert (report.operating_costs, report.profit, report.iks_collected) == (1_250_000, 3_750_000, 50_000)
    page = text(response)
    assert "The report for March 2025 was saved." in page
    assert "3,750,000" in page  # profit, worked out


def test_a_second_report_for_the_month_is_refused_with_a_link_to_the_first(companion: Client, group: Group) -> None:
    first = MonthlyReportFactory(group=group, period=MARCH, revenue=4_000_000)

    response = companion.post(url("report_new", group.pk), form(revenue="9.000.000"))

    page = text(response)
    assert response.status_code == 200
    assert "This KUBE already has a report for March 2025; edit that report instead." in page
    assert url("report_edit", first.pk) in page
    assert MonthlyReport.objects.get().revenue == 4_000_000


def test_a_negative_revenue_is_shown_on_its_field(companion: Client, group: Group) -> None:
    response = companion.post(url("report_new", group.pk), form(revenue="-500.000"))

    assert response.status_code == 200
    assert "Revenue: Amount cannot be negative." in text(response)
    assert 'value="-500.000"' in text(response)  # what was typed stays
    assert not MonthlyReport.objects.exists()


def test_a_future_month_is_refused(companion: Client, group: Group) -> None:
    future = add_months(this_month(), 1)

    response = companion.post(url("report_new", group.pk), form(period=f"{future:%Y-%m}"))

    assert "has not begun yet" in text(response) and not MonthlyReport.objects.exists()


def test_a_locked_month_is_refused_on_the_form(companion: Client, group: Group) -> None:
    PeriodLock.objects.create(regency_id="35.78", period=MARCH)

    response = companion.post(url("report_new", group.pk), form())

    assert "March 2025 is locked in this regency" in text(response) and not MonthlyReport.objects.exists()


def test_a_companion_cannot_open_the_form_of_a_kube_not_assigned(companion: Client) -> None:
    other = kube_with_members(5)

    assert companion.get(url("report_new", other.pk)).status_code == 404
    assert companion.post(url("report_new", other.pk), form()).status_code == 404
    assert not MonthlyReport.objects.exists()


def test_an_officer_of_another_regency_finds_nothing(malang_officer: User, client_for: Callable[..., Client]) -> None:
    group = kube_with_members(5)
    report = MonthlyReportFactory(group=group)
    client = client_for(malang_officer)

    for target in (url("report_new", group.pk), url("report_detail", report.pk), url("report_edit", report.pk)):
        assert client.get(target).status_code == 404
    assert client.post(url("report_edit", report.pk), form(version="1")).status_code == 404


def test_the_auditor_reads_a_report_but_cannot_enter_one(auditor: User, client_for: Callable[..., Client]) -> None:
    group = kube_with_members(5)
    report = MonthlyReportFactory(group=group)
    client = client_for(auditor)

    assert client.get(url("report_detail", report.pk)).status_code == 200
    assert client.get(url("report_new", group.pk)).status_code == 403
    assert client.get(url("report_edit", report.pk)).status_code == 403


# --- editing -----------------------------------------------------------------------------------------------------


def test_the_edit_form_shows_the_figures_as_people_type_them(surabaya: Client, group: Group) -> None:
    report = MonthlyReportFactory(group=group, revenue=5_250_000)

    page = text(surabaya.get(url("report_edit", report.pk)))

    assert 'value="5.250.000"' in page and 'name="version"' in page and 'name="period"' not in page


def test_an_edit_saves_and_says_so(surabaya: Client, group: Group) -> None:
    report = MonthlyReportFactory(group=group, period=MARCH)

    response = surabaya.post(url("report_edit", report.pk), form(revenue="6.000.000", version="1"), follow=True)

    report.refresh_from_db()
    assert (report.revenue, report.version) == (6_000_000, 2)
    assert "The report for March 2025 was saved." in text(response)


def test_a_stale_edit_is_told_and_keeps_what_was_typed(surabaya: Client, group: Group, admin: User) -> None:
    report = MonthlyReportFactory(group=group, period=MARCH)
    MonthlyReport.objects.filter(pk=report.pk).update(version=2, revenue=7_000_000)  # someone else saved

    response = surabaya.post(url("report_edit", report.pk), form(revenue="6.500.000", version="1"))

    page = text(response)
    assert response.status_code == 200
    assert "This record was changed by someone else while you were editing it." in page
    assert 'value="6.500.000"' in page
    assert MonthlyReport.objects.get().revenue == 7_000_000


def test_a_locked_month_offers_no_edit(surabaya: Client, group: Group) -> None:
    report = MonthlyReportFactory(group=group, period=MARCH)
    PeriodLock.objects.create(regency_id="35.78", period=MARCH)

    assert url("report_edit", report.pk) not in text(surabaya.get(url("report_detail", report.pk)))
    assert "This month is locked" in text(surabaya.get(url("report_edit", report.pk)))


def test_the_detail_shows_profit_lateness_and_history(surabaya: Client, group: Group) -> None:
    late = timezone.make_aware(dt.datetime(2025, 4, 20, 9))
    report = MonthlyReportFactory(
        group=group, period=MARCH, revenue=1_000_000, operating_costs=1_500_000, submitted_at=late
    )

    page = text(surabaya.get(url("report_detail", report.pk)))

    assert "-500,000" in page and "loss" in page and "late" in page and "History" in page


# --- the list --------------------------------------------------------------------------------------------------


def test_the_list_shows_the_reports_in_scope(surabaya: Client, group: Group) -> None:
    MonthlyReportFactory(group=group, period=MARCH)
    MonthlyReportFactory(group=kube_with_members(5, desa=village(MALANG_VILLAGE), name="KUBE Malang"))

    page = text(surabaya.get(url("report_list")))

    assert "KUBE Sumber Rejeki" in page and "KUBE Malang" not in page


def test_the_list_page_queries_do_not_grow_with_its_rows(surabaya: Client, django_assert_max_num_queries: Any) -> None:
    for i in range(30):
        MonthlyReportFactory(group=GroupFactory(), period=add_months(MARCH, -(i % 3)))
    EnterpriseSettings.current()  # created on first use

    with django_assert_max_num_queries(10):
        response = surabaya.get(url("report_list"))

    assert response.status_code == 200 and text(response).count("/enterprise/reports/") >= 25


def test_the_list_filters_return_only_the_results_to_htmx(surabaya: Client, group: Group) -> None:
    MonthlyReportFactory(group=group, period=MARCH)
    MonthlyReportFactory(group=group, period=dt.date(2025, 1, 1))

    response = surabaya.get(url("report_list"), {"period_from": "2025-02"}, headers={"HX-Request": "true"})

    page = text(response)
    assert "<html" not in page and page.count(url("report_detail", 0)[:-2]) == 1


# --- timeliness and locks ------------------------------------------------------------------------------------


def test_the_timeliness_page_counts_and_links_the_missing(surabaya: Client, group: Group) -> None:
    absent = kube_with_members(5, name="KUBE Absen")
    MonthlyReportFactory(group=group, period=MARCH)

    response = surabaya.get(url("report_timeliness"), {"period": "2025-03"})

    page = text(response)
    assert response.status_code == 200 and "Reports for March 2025" in page
    assert "KUBE Absen" in page and "KUBE Sumber Rejeki" not in page  # the missing ones, by default
    assert f"{url('report_new', absent.pk)}?period=2025-03" in page
    assert reverse("registry:group_detail", args=[absent.pk]) in page


def test_an_officer_locks_and_unlocks_a_month(surabaya: Client) -> None:
    response = surabaya.post(url("period_lock"), {"regency": "35.78", "period": "2025-03"}, follow=True)

    assert PeriodLock.objects.filter(regency_id="35.78", period=MARCH).exists()
    assert "March 2025 is locked." in text(response)
    response = surabaya.post(url("period_unlock"), {"regency": "35.78", "period": "2025-03"}, follow=True)
    assert not PeriodLock.objects.exists() and "March 2025 is unlocked." in text(response)


def test_a_lock_outside_the_officers_regencies_is_refused(surabaya: Client) -> None:
    response = surabaya.post(url("period_lock"), {"regency": "35.07", "period": "2025-03"}, follow=True)

    assert "outside the regencies" in text(response) and not PeriodLock.objects.exists()


def test_a_companion_cannot_lock(companion: Client) -> None:
    assert companion.post(url("period_lock"), {"regency": "35.78", "period": "2025-03"}).status_code == 403
    assert companion.get(url("period_lock")).status_code == 405
    assert not PeriodLock.objects.exists()


# --- the KUBE page's panel -------------------------------------------------------------------------------------


def test_the_kube_page_shows_the_last_months_and_the_button(companion: Client, group: Group) -> None:
    last = add_months(this_month(), -1)
    MonthlyReportFactory(group=group, period=last, revenue=8_000_000, operating_costs=2_000_000)

    page = text(companion.get(reverse("registry:group_detail", args=[group.pk])))

    assert "Monthly business reports" in page and "6,000,000" in page
    assert "Enter this month's report" in page
    assert f"{url('report_new', group.pk)}?period={this_month():%Y-%m}" in page


def test_the_auditor_sees_the_panel_without_the_button(auditor: User, client_for: Callable[..., Client]) -> None:
    group = kube_with_members(5)

    page = text(client_for(auditor).get(reverse("registry:group_detail", args=[group.pk])))

    assert "Monthly business reports" in page and "Enter this month" not in page
