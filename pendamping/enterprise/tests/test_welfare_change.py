"""The change since joining: a family's baseline (its record at joining, else its earliest) against its latest
record; a KUBE's current members side by side and their median change of income."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from pendamping.enterprise.models import WelfareRecord
from pendamping.enterprise.selectors.ledger import family_welfare, group_welfare_change
from pendamping.enterprise.tests.factories import WelfareRecordFactory
from pendamping.registry.models import Family, Group
from pendamping.registry.tests.factories import FamilyFactory, GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db
JOINING, UPDATE = WelfareRecord.Kind.JOINING, WelfareRecord.Kind.UPDATE


def record(family: Family, on: dt.date, income: int, decile: int | None = None, kind: str = UPDATE) -> WelfareRecord:
    return WelfareRecordFactory(family=family, recorded_on=on, monthly_income=income, welfare_decile=decile, kind=kind)


def test_without_records_there_is_no_baseline_whatever_the_registry_says() -> None:
    family = FamilyFactory(monthly_income=1_200_000, welfare_decile=2, decile_as_of=dt.date(2024, 1, 1))

    welfare = family_welfare(family=family)

    assert (welfare.records, welfare.baseline, welfare.latest, welfare.has_change) == ([], None, None, False)
    assert (welfare.income_change, welfare.income_change_pct, welfare.decile_shift) == (None, None, None)


def test_the_change_runs_from_the_record_at_joining_to_the_latest() -> None:
    family = FamilyFactory()
    latest = record(family, dt.date(2025, 6, 1), 1_100_000, decile=4)
    joining = record(family, dt.date(2024, 1, 15), 800_000, decile=2, kind=JOINING)
    middle = record(family, dt.date(2024, 12, 1), 950_000, decile=3)

    welfare = family_welfare(family=family)

    assert welfare.records == [joining, middle, latest]
    assert (welfare.baseline, welfare.latest) == (joining, latest)
    assert (welfare.income_change, welfare.income_change_pct, welfare.decile_shift) == (300_000, Decimal("37.5"), 2)


def test_without_a_record_at_joining_the_earliest_is_the_baseline() -> None:
    family = FamilyFactory()
    first = record(family, dt.date(2024, 3, 1), 900_000, decile=3)
    record(family, dt.date(2025, 3, 1), 600_000, decile=2)

    welfare = family_welfare(family=family)

    assert welfare.baseline == first
    assert (welfare.income_change, welfare.income_change_pct, welfare.decile_shift) == (-300_000, Decimal("-33.3"), -1)


def test_one_record_is_a_baseline_with_no_change_yet() -> None:
    family = FamilyFactory()
    only = record(family, dt.date(2024, 3, 1), 900_000, kind=JOINING)

    welfare = family_welfare(family=family)

    assert (welfare.baseline, welfare.latest, welfare.has_change, welfare.income_change) == (only, only, False, None)


def test_from_no_income_the_change_has_no_percentage_and_a_missing_decile_no_shift() -> None:
    family = FamilyFactory()
    record(family, dt.date(2024, 3, 1), 0, decile=None, kind=JOINING)
    record(family, dt.date(2025, 3, 1), 400_000, decile=3)

    welfare = family_welfare(family=family)

    assert (welfare.income_change, welfare.income_change_pct, welfare.decile_shift) == (400_000, None, None)


def test_was_member_tells_a_member_family_from_one_never_in_a_kube() -> None:
    assert family_welfare(family=MembershipFactory().family).was_member is True
    assert family_welfare(family=FamilyFactory()).was_member is False


# --- a KUBE's members ---------------------------------------------------------------------------------------


def kube_with_changes(changes: list[int | None]) -> Group:
    """A KUBE whose n-th member went from 1,000,000 to 1,000,000 + changes[n]; None: a member with no records."""
    group = GroupFactory(status=Group.Status.ACTIVE)
    for n, change in enumerate(changes):
        family = MembershipFactory(group=group, family__head_name=f"Anggota {n}").family
        if change is not None:
            record(family, dt.date(2024, 1, 15), 1_000_000, decile=2, kind=JOINING)
            record(family, dt.date(2025, 1, 15), 1_000_000 + change, decile=3)
    return group


def test_each_current_member_shows_baseline_against_latest(django_assert_num_queries: Any) -> None:
    group = kube_with_changes([200_000, None, -100_000])
    left = MembershipFactory(group=group, left_on=dt.date(2024, 6, 1), joined_on=dt.date(2023, 2, 1))
    record(left.family, dt.date(2024, 1, 1), 1, kind=JOINING)

    with django_assert_num_queries(2):  # the members with their chosen records' ids; the records
        welfare = group_welfare_change(group=group)

    assert [m.membership.family.head_name for m in welfare.members] == ["Anggota 0", "Anggota 1", "Anggota 2"]
    assert [m.income_change for m in welfare.members] == [200_000, None, -100_000]
    assert [m.decile_shift for m in welfare.members] == [1, None, 1]
    assert (len(welfare.followed), welfare.without_baseline, welfare.better_off) == (2, 1, 1)


@pytest.mark.parametrize(
    ("changes", "median"),
    [
        ([100_000, -50_000, 300_000], 100_000),
        ([100_000, 200_001, None], 150_001),  # (100,000 + 200,001) / 2 = 150,000.5, half up
        ([None, None], None),
        ([0], 0),
    ],
)
def test_the_median_change_of_income_is_over_the_members_followed_up(changes: list[int | None], median: Any) -> None:
    assert group_welfare_change(group=kube_with_changes(changes)).median_income_change == median


def test_the_baseline_is_the_record_at_joining_even_when_a_later_one_is_earlier_in_the_list() -> None:
    group = GroupFactory(status=Group.Status.ACTIVE)
    family = MembershipFactory(group=group).family
    joining = record(family, dt.date(2024, 5, 1), 700_000, kind=JOINING)
    latest = record(family, dt.date(2025, 5, 1), 1_000_000)

    member = group_welfare_change(group=group).members[0]

    assert (member.baseline, member.latest, member.income_change) == (joining, latest, 300_000)
