"""The IKS reads: the ledger's running balance, and the status list (contributions against the expected share of
profit over six full months; the KUBE that stopped paying), computed by the database, in the user's scope.

The months are built by hand around a fixed day: 15 July 2025, so the window is January to June 2025 and, with
the default of 3 months, a KUBE has stopped paying when it paid nothing after 15 April 2025."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from pendamping.accounts.models import User
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.enterprise.models import EnterpriseSettings, IksEntry
from pendamping.enterprise.selectors.ledger import (
    IksWindow,
    iks_group_status,
    iks_ledger,
    iks_status,
    iks_window,
    months_before,
)
from pendamping.enterprise.tests.factories import IksEntryFactory, MonthlyReportFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, village

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 7, 15)
LONG_AGO = dt.date(2024, 6, 1)


@pytest.fixture
def window() -> IksWindow:
    return iks_window(today=TODAY)


def active(since: dt.date | None = LONG_AGO, **fields: Any) -> Group:
    return GroupFactory(status=Group.Status.ACTIVE, status_changed_on=since, **fields)


def paid(group: Group, on: dt.date, amount: int = 100_000) -> IksEntry:
    return IksEntryFactory(group=group, on=on, amount=amount)


def profit(group: Group, month: int, amount: int, year: int = 2025) -> None:
    """A report for that month whose profit is `amount` (revenue minus costs, computed by the database)."""
    costs = 3_000_000
    MonthlyReportFactory(group=group, period=dt.date(year, month, 1), revenue=costs + amount, operating_costs=costs)


def status_of(user: User, group: Group, window: IksWindow) -> Group:
    return iks_status(user=user, window=window).get(pk=group.pk)


# --- the window ---------------------------------------------------------------------------------------------


def test_the_window_is_the_six_full_months_before_this_one(window: IksWindow) -> None:
    assert (window.start, window.end, window.last_month) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 7, 1),
        dt.date(2025, 6, 1),
    )
    assert (window.rate, window.stopped_after, window.cutoff) == (Decimal("10.00"), 3, dt.date(2025, 4, 15))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 7, 15), 3, dt.date(2025, 4, 15)),
        (dt.date(2025, 5, 31), 3, dt.date(2025, 2, 28)),
        (dt.date(2024, 5, 31), 3, dt.date(2024, 2, 29)),
        (dt.date(2025, 2, 10), 6, dt.date(2024, 8, 10)),
        (dt.date(2025, 1, 1), 1, dt.date(2024, 12, 1)),
    ],
)
def test_months_before_keeps_the_day_within_the_month(day: dt.date, months: int, expected: dt.date) -> None:
    assert months_before(day, months) == expected


def test_the_office_settings_set_the_rate_and_the_stop(window: IksWindow) -> None:
    EnterpriseSettings.objects.update_or_create(
        pk=1, defaults={"iks_expected_rate": Decimal("12.50"), "iks_stopped_after_months": 2}
    )

    changed = iks_window(today=TODAY)

    assert (changed.rate, changed.stopped_after, changed.cutoff) == (Decimal("12.50"), 2, dt.date(2025, 5, 15))


# --- expected against contributed ---------------------------------------------------------------------------


def test_expected_is_the_rate_of_the_positive_profit_in_the_window(admin: User, window: IksWindow) -> None:
    group = active()
    profit(group, 1, 2_000_000)
    profit(group, 2, -500_000)  # a loss expects nothing, and does not reduce the other months
    profit(group, 6, 1_234_567)
    profit(group, 12, 9_000_000, year=2024)  # before the window
    profit(group, 7, 9_000_000)  # this month: not yet in the window

    row = status_of(admin, group, window)

    # 10 % of 3,234,567 = 323,456.7 -> 323,457 (whole rupiah, half up)
    assert (row.profit, row.expected) == (3_234_567, 323_457)


def test_expected_follows_a_rate_with_decimals(admin: User) -> None:
    EnterpriseSettings.objects.update_or_create(pk=1, defaults={"iks_expected_rate": Decimal("12.50")})
    group = active()
    profit(group, 3, 3_234_567)

    row = status_of(admin, group, iks_window(today=TODAY))

    assert row.expected == 404_321  # 12.5 % of 3,234,567 = 404,320.875


@pytest.mark.parametrize("amount", [1, 5, 4, 15, 999_995, 1_000_000, 123_456_789])
def test_the_database_rounds_expected_as_the_window_does(admin: User, window: IksWindow, amount: int) -> None:
    group = active()
    profit(group, 2, amount)

    assert status_of(admin, group, window).expected == window.expected(amount)


def test_contributed_counts_only_contributions_inside_the_window(admin: User, window: IksWindow) -> None:
    group = active()
    paid(group, dt.date(2024, 12, 31), 1)  # before
    paid(group, dt.date(2025, 1, 1), 100_000)
    paid(group, dt.date(2025, 6, 30), 50_000)
    paid(group, dt.date(2025, 7, 1), 7)  # this month
    IksEntryFactory(group=group, kind=IksEntry.Kind.OUT, on=dt.date(2025, 3, 1), amount=30_000, purpose="Bantuan")

    row = status_of(admin, group, window)

    assert (row.contributed, row.balance, row.last_contribution) == (150_000, 120_008, dt.date(2025, 7, 1))


def test_a_kube_without_reports_or_contributions_shows_zeros(admin: User, window: IksWindow) -> None:
    row = status_of(admin, active(), window)

    assert (row.contributed, row.profit, row.expected, row.balance, row.last_contribution) == (0, 0, 0, 0, None)


# --- stopped paying -----------------------------------------------------------------------------------------


def test_an_active_kube_that_paid_nothing_for_three_months_has_stopped(admin: User, window: IksWindow) -> None:
    group = active()
    paid(group, dt.date(2025, 4, 14))

    assert status_of(admin, group, window).stopped is True


def test_a_contribution_within_the_last_three_months_keeps_it_paying(admin: User, window: IksWindow) -> None:
    group = active()
    paid(group, dt.date(2025, 4, 16))

    assert status_of(admin, group, window).stopped is False


def test_a_kube_that_never_paid_has_stopped_once_active_long_enough(admin: User, window: IksWindow) -> None:
    assert status_of(admin, active(), window).stopped is True


def test_a_use_is_not_a_contribution(admin: User, window: IksWindow) -> None:
    group = active()
    paid(group, dt.date(2025, 1, 10))
    IksEntryFactory(group=group, kind=IksEntry.Kind.OUT, on=dt.date(2025, 6, 1), amount=1000, purpose="Bantuan")

    assert status_of(admin, group, window).stopped is True


def test_a_kube_active_for_less_than_three_months_has_not_stopped(admin: User, window: IksWindow) -> None:
    group = active(since=dt.date(2025, 5, 1))

    assert status_of(admin, group, window).stopped is False


def test_without_a_status_date_the_founding_date_counts(admin: User, window: IksWindow) -> None:
    old, new = active(since=None), active(since=None, founded_on=dt.date(2025, 6, 1))

    assert (status_of(admin, old, window).stopped, status_of(admin, new, window).stopped) == (True, False)


def test_a_kube_that_is_not_active_is_not_listed_nor_flagged(admin: User, window: IksWindow) -> None:
    inactive = GroupFactory(status=Group.Status.INACTIVE, status_changed_on=LONG_AGO)
    graduated = GroupFactory(status=Group.Status.GRADUATED, status_changed_on=LONG_AGO)

    assert not iks_status(user=admin, window=window).filter(pk__in=[inactive.pk, graduated.pk]).exists()
    assert iks_group_status(group=inactive, window=window).stopped is False
    assert iks_group_status(group=graduated, window=window).stopped is False


def test_the_list_shows_those_that_stopped_first_and_can_show_only_them(admin: User, window: IksWindow) -> None:
    paying, stopped = active(name="A paying"), active(name="B stopped")
    paid(paying, dt.date(2025, 7, 1))

    assert list(iks_status(user=admin, window=window)) == [stopped, paying]
    assert list(iks_status(user=admin, window=window, stopped_only=True)) == [stopped]


def test_the_list_is_one_query_however_many_kube(
    admin: User, window: IksWindow, django_assert_num_queries: Any
) -> None:
    for n in range(5):
        group = active()
        paid(group, dt.date(2025, 5, n + 1))
        profit(group, 5, 1_000_000)

    with django_assert_num_queries(1):
        rows = list(iks_status(user=admin, window=window))

    assert [row.expected for row in rows] == [100_000] * 5


# --- scope --------------------------------------------------------------------------------------------------


def test_an_officer_sees_only_their_regencies_whatever_the_filter(surabaya_officer: User, window: IksWindow) -> None:
    mine, malang = active(), active(desa=village(MALANG_VILLAGE))
    assert malang.regency_id == "35.07"  # stopped paying, in the list of Malang's officer only

    assert list(iks_status(user=surabaya_officer, window=window)) == [mine]
    assert not iks_status(user=surabaya_officer, window=window, regency="35.07").exists()
    assert not iks_status(user=surabaya_officer, window=window, stopped_only=True).filter(pk=malang.pk).exists()


def test_a_companion_sees_the_kube_assigned_to_them(companion_user: User, window: IksWindow) -> None:
    mine = active()
    active()
    AssignmentFactory(group=mine, companion=CompanionFactory(user=companion_user))

    assert list(iks_status(user=companion_user, window=window)) == [mine]


def test_the_regency_filter_narrows_the_admin_list(admin: User, window: IksWindow) -> None:
    surabaya, malang = active(), active(desa=village(MALANG_VILLAGE))

    assert list(iks_status(user=admin, window=window, regency="35.07")) == [malang]
    assert set(iks_status(user=admin, window=window, regency="35.07' OR 1=1")) == {surabaya, malang}


@pytest.mark.parametrize("role", ["evaluator", "norole", "officer_without_region"])
def test_roles_without_a_scope_see_no_kube(role: str, window: IksWindow, request: pytest.FixtureRequest) -> None:
    active()

    assert not iks_status(user=request.getfixturevalue(role), window=window).exists()


# --- the ledger ---------------------------------------------------------------------------------------------


def test_the_ledger_runs_in_date_order_with_the_balance_after_each_entry() -> None:
    group = active()
    late = paid(group, dt.date(2025, 3, 1), 100_000)
    out = IksEntryFactory(group=group, kind=IksEntry.Kind.OUT, on=dt.date(2025, 3, 1), amount=40_000, purpose="x")
    early = paid(group, dt.date(2025, 1, 1), 25_000)
    paid(GroupFactory(), dt.date(2025, 2, 1), 999)  # another KUBE's

    rows = list(iks_ledger(group=group))

    assert [(r.pk, r.signed, r.balance) for r in rows] == [
        (early.pk, 25_000, 25_000),
        (late.pk, 100_000, 125_000),
        (out.pk, -40_000, 85_000),
    ]
