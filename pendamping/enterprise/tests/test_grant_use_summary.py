"""The grant use summary: planned against realised per RAB item (hand-computed), spending outside the plan, the
disbursed amount (approved tranches only) and the unspent balance, in a number of queries that does not grow."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pendamping.enterprise.selectors.grant_use import grant_use_by_grant, grant_use_summary
from pendamping.enterprise.tests.factories import PlanItemFactory, RealisationFactory
from pendamping.registry.models import Grant
from pendamping.registry.tests.factories import GrantFactory, TrancheFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def grant() -> Grant:
    """Grant 10.000.000. Plan: goats 4 x 1.000.000, pen 1 x 2.500.000, feed 10 x 150.000 (total 8.000.000).
    Spent: goats 2.100.000 + 2.200.000 (overspent by 300.000), pen nothing, feed 1.500.000, outside the plan
    400.000 (total 6.200.000). Tranches: 6.000.000 approved, 4.000.000 awaiting approval."""
    grant = GrantFactory(amount=10_000_000)
    goats = PlanItemFactory(grant=grant, description="Kambing", quantity=4, unit_price=1_000_000, position=0)
    PlanItemFactory(grant=grant, description="Kandang", quantity=1, unit_price=2_500_000, position=1)
    feed = PlanItemFactory(grant=grant, description="Pakan", quantity=10, unit_price=150_000, position=2)
    RealisationFactory(grant=grant, plan_item=goats, amount=2_100_000, spent_on=dt.date(2024, 4, 1))
    RealisationFactory(grant=grant, plan_item=goats, amount=2_200_000, spent_on=dt.date(2024, 5, 1))
    RealisationFactory(grant=grant, plan_item=feed, amount=1_500_000, spent_on=dt.date(2024, 4, 15))
    RealisationFactory(grant=grant, amount=400_000, description="Timbangan", spent_on=dt.date(2024, 6, 1))
    TrancheFactory(grant=grant, amount=6_000_000, status="approved", approved_at=timezone.now())
    TrancheFactory(grant=grant, amount=4_000_000)
    return grant


def test_each_plan_item_shows_planned_realised_and_the_difference(grant: Grant) -> None:
    use = grant_use_summary(grant=grant)

    assert [(r.item.description, r.planned, r.realised, r.difference) for r in use.items] == [
        ("Kambing", 4_000_000, 4_300_000, -300_000),
        ("Kandang", 2_500_000, 0, 2_500_000),
        ("Pakan", 1_500_000, 1_500_000, 0),
    ]


def test_the_totals_and_the_unspent_balance(grant: Grant) -> None:
    use = grant_use_summary(grant=grant)

    assert (use.amount, use.planned, use.disbursed, use.realised, use.unspent) == (
        10_000_000,
        8_000_000,
        6_000_000,
        6_200_000,
        3_800_000,
    )


def test_spending_outside_the_plan_is_listed_apart(grant: Grant) -> None:
    use = grant_use_summary(grant=grant)

    assert [r.description for r in use.unplanned] == ["Timbangan"]
    assert use.unplanned_total == 400_000
    assert [r.spent_on.month for r in use.realisations] == [4, 4, 5, 6]  # by date


def test_a_grant_with_no_plan_and_no_spending_has_its_whole_amount_unspent() -> None:
    use = grant_use_summary(grant=GrantFactory(amount=5_000_000))

    assert (use.items, use.unplanned, use.planned, use.disbursed, use.realised, use.unspent) == (
        [],
        [],
        0,
        0,
        0,
        5_000_000,
    )


def test_another_grants_rows_do_not_count(grant: Grant) -> None:
    other = GrantFactory(group=grant.group, amount=3_000_000)
    RealisationFactory(grant=other, amount=1_000_000)
    PlanItemFactory(grant=other, quantity=1, unit_price=3_000_000)

    assert grant_use_summary(grant=grant).realised == 6_200_000
    assert (grant_use_summary(grant=other).planned, grant_use_summary(grant=other).realised) == (3_000_000, 1_000_000)


def test_the_kube_panel_rows_sum_each_grant_without_multiplying_joins(grant: Grant) -> None:
    GrantFactory(group=grant.group, amount=3_000_000, year=2023)

    rows = list(grant_use_by_grant(group=grant.group))

    assert [(g.year, g.planned, g.realised, g.disbursed, g.unspent) for g in rows] == [
        (2024, 8_000_000, 6_200_000, 6_000_000, 3_800_000),
        (2023, 0, 0, 0, 3_000_000),
    ]


def test_the_summary_takes_three_queries_however_long_the_plan(grant: Grant) -> None:
    for _ in range(20):
        RealisationFactory(grant=grant, plan_item=PlanItemFactory(grant=grant, unit_price=1), amount=1)

    with CaptureQueriesContext(connection) as queries:
        use = grant_use_summary(grant=grant)
        [(r.item.description, r.planned, r.realised) for r in use.items]
        [(r.plan_item and r.plan_item.description, r.entered_by) for r in use.realisations]

    assert len(queries.captured_queries) == 3
