"""grant_create / grant_update / tranche_add: rupiah amounts as people type them, tranches that never exceed
the grant, plausible years and dates, and scope."""

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.core.concurrency import StaleRecord
from pendamping.registry.models import Grant, Group, Tranche
from pendamping.registry.services import grant_create, grant_update, tranche_add
from pendamping.registry.tests.factories import MALANG_VILLAGE, GrantFactory, GroupFactory, TrancheFactory, village

PAID = dt.date(2024, 3, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def refusal(call: Callable[[], Any], field: str | None = None) -> str:
    """Run a call that must be refused; return the messages (of `field`, if given) as one string."""
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    if field is None:
        return " ".join(error.messages)
    assert hasattr(error, "error_dict"), f"expected an error on {field!r}, got {error.messages}"
    assert field in error.message_dict, f"expected an error on {field!r}, got {error.message_dict}"
    return " ".join(error.message_dict[field])


def create(actor: Any, group: Group | None = None, **fields: Any) -> Grant:
    data: dict[str, Any] = {"amount": "10.000.000", "source": Grant.Source.APBN, "year": 2024}
    data.update(fields)
    return grant_create(actor=actor, group=group or GroupFactory(), **data)


def assert_no_grant_written() -> None:
    assert not Grant.objects.exists()
    assert not Tranche.objects.exists()
    assert not AuditEntry.objects.exists()


# --- grant_create -----------------------------------------------------------------------------------------


def test_grant_create_stores_the_grant_of_the_kube(admin: User) -> None:
    group = GroupFactory()

    grant = create(admin, group, note="  tahap I ")

    grant.refresh_from_db()
    assert (grant.group_id, grant.amount, grant.source, grant.year, grant.note, grant.version) == (
        group.pk,
        10_000_000,
        "apbn",
        2024,
        "tahap I",
        1,
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("10.000.000", 10_000_000),
        ("Rp 10.000.000,00", 10_000_000),
        ("Rp. 10.000.000", 10_000_000),
        ("10000000", 10_000_000),
        (10_000_000, 10_000_000),
        (10_000_000.0, 10_000_000),
        ("1", 1),
    ],
)
def test_a_grant_amount_is_read_as_whole_rupiah(admin: User, typed: Any, stored: int) -> None:
    assert create(admin, amount=typed).amount == stored


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("0", "more than zero"),
        (0, "more than zero"),
        ("-5.000.000", "more than zero"),
        (-1, "more than zero"),
        ("10.000.000,50", "10.000.000,50"),
        ("1500000.5", "no cents"),
        ("10 juta", "Not a rupiah amount"),
        ("", "empty"),
        (True, "number of rupiah"),
        (None, "Not a rupiah amount"),
    ],
)
def test_a_grant_amount_that_is_not_positive_whole_rupiah_is_refused(admin: User, typed: Any, problem: str) -> None:
    assert problem in refusal(lambda: create(admin, amount=typed), "amount")
    assert_no_grant_written()


@pytest.mark.parametrize("source", ["apbn", "dekon", "apbd_prov", "apbd_kab"])
def test_every_funding_source_is_accepted(admin: User, source: str) -> None:
    assert create(admin, source=source).source == source


def test_an_unknown_funding_source_is_refused(admin: User) -> None:
    refusal(lambda: create(admin, source="hibah"), "source")
    assert_no_grant_written()


@pytest.mark.parametrize("year", [2000, "2024", 2025])
def test_plausible_budget_years_are_accepted(admin: User, year: Any) -> None:
    assert create(admin, year=year).year == int(year)


def test_next_years_budget_is_accepted(admin: User) -> None:
    next_year = timezone.localdate().year + 1

    assert create(admin, year=next_year).year == next_year


@pytest.mark.parametrize("year", [1999, 24, 0, -2024])
def test_an_implausible_budget_year_is_refused(admin: User, year: int) -> None:
    assert "not plausible" in refusal(lambda: create(admin, year=year), "year")
    assert_no_grant_written()


def test_a_budget_year_two_years_ahead_is_refused(admin: User) -> None:
    refusal(lambda: create(admin, year=timezone.localdate().year + 2), "year")
    assert_no_grant_written()


@pytest.mark.parametrize("year", ["dua ribu", None, "", "2024.5"])
def test_a_budget_year_that_is_not_a_year_is_refused(admin: User, year: Any) -> None:
    assert "must be a year" in refusal(lambda: create(admin, year=year), "year")
    assert_no_grant_written()


def test_grant_create_numbers_the_tranches_it_is_given(admin: User) -> None:
    grant = create(admin, tranches=[("4.000.000", PAID), ("Rp 6.000.000", dt.date(2024, 5, 1))])

    assert list(grant.tranches.values_list("number", "amount", "disbursed_on")) == [
        (1, 4_000_000, PAID),
        (2, 6_000_000, dt.date(2024, 5, 1)),
    ]


def test_grant_create_with_tranches_above_the_grant_writes_nothing(admin: User) -> None:
    message = refusal(lambda: create(admin, tranches=[("6.000.000", PAID), ("6.000.000", PAID)]), "amount")

    assert "Rp 12.000.000" in message and "Rp 10.000.000" in message
    assert_no_grant_written()


def test_grant_create_with_a_future_tranche_writes_nothing(admin: User) -> None:
    refusal(lambda: create(admin, tranches=[("1.000.000", timezone.localdate() + dt.timedelta(days=1))]))
    assert_no_grant_written()


def test_a_surabaya_officer_grants_to_a_surabaya_kube(surabaya_officer: User) -> None:
    assert create(surabaya_officer).pk is not None


def test_a_surabaya_officer_cannot_grant_to_a_malang_kube(surabaya_officer: User) -> None:
    group = GroupFactory(desa=village(MALANG_VILLAGE))

    assert "outside the regencies" in refusal(lambda: create(surabaya_officer, group), "group")
    assert_no_grant_written()


@pytest.mark.parametrize("role", ["companion_user", "auditor", "evaluator", "norole"])
def test_roles_that_may_not_write_grants_cannot_create_one(role: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        create(user)
    assert_no_grant_written()


def test_a_deactivated_admin_cannot_create_a_grant(admin: User) -> None:
    admin.is_active = False

    with pytest.raises(PermissionDenied):
        create(admin)


# --- tranche_add ------------------------------------------------------------------------------------------


def test_tranches_are_numbered_in_order(admin: User) -> None:
    grant = GrantFactory(amount=9_000_000)

    numbers = [tranche_add(actor=admin, grant=grant, amount="3.000.000", disbursed_on=PAID).number for _ in range(3)]

    assert numbers == [1, 2, 3]


def test_tranche_numbers_follow_the_highest_existing_one(admin: User) -> None:
    grant = GrantFactory(amount=9_000_000)
    TrancheFactory(grant=grant, number=4, amount=1_000_000)

    assert tranche_add(actor=admin, grant=grant, amount=1, disbursed_on=PAID).number == 5


def test_tranches_may_add_up_to_exactly_the_grant(admin: User) -> None:
    grant = GrantFactory(amount=10_000_000)
    tranche_add(actor=admin, grant=grant, amount="7.500.000", disbursed_on=PAID)

    tranche_add(actor=admin, grant=grant, amount="2.500.000", disbursed_on=PAID)

    assert sum(grant.tranches.values_list("amount", flat=True)) == 10_000_000


def test_a_tranche_that_would_exceed_the_grant_is_refused_with_the_totals(admin: User) -> None:
    grant = GrantFactory(amount=10_000_000)
    tranche_add(actor=admin, grant=grant, amount="7.500.000", disbursed_on=PAID)

    message = refusal(lambda: tranche_add(actor=admin, grant=grant, amount="2.500.001", disbursed_on=PAID), "amount")

    assert "Rp 10.000.001" in message and "Rp 10.000.000" in message
    assert grant.tranches.count() == 1


@pytest.mark.parametrize("amount", ["0", "-1.000", "1.000,5", "sejuta"])
def test_a_tranche_amount_that_is_not_positive_whole_rupiah_is_refused(admin: User, amount: str) -> None:
    grant = GrantFactory()

    refusal(lambda: tranche_add(actor=admin, grant=grant, amount=amount, disbursed_on=PAID), "amount")
    assert not grant.tranches.exists()


def test_a_disbursement_date_in_the_future_is_refused(admin: User) -> None:
    grant = GrantFactory()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    message = refusal(lambda: tranche_add(actor=admin, grant=grant, amount=1, disbursed_on=tomorrow), "disbursed_on")

    assert "future" in message
    assert not grant.tranches.exists()


def test_a_disbursement_today_is_accepted(admin: User) -> None:
    grant = GrantFactory()

    assert tranche_add(actor=admin, grant=grant, amount=1, disbursed_on=timezone.localdate()).pk is not None


def test_a_surabaya_officer_cannot_pay_a_tranche_of_a_malang_grant(surabaya_officer: User) -> None:
    grant = GrantFactory(group=GroupFactory(desa=village(MALANG_VILLAGE)))

    refusal(lambda: tranche_add(actor=surabaya_officer, grant=grant, amount=1, disbursed_on=PAID), "group")
    assert not grant.tranches.exists()


def test_an_auditor_cannot_pay_a_tranche(auditor: User) -> None:
    grant = GrantFactory()

    with pytest.raises(PermissionDenied):
        tranche_add(actor=auditor, grant=grant, amount=1, disbursed_on=PAID)


def test_the_database_refuses_two_tranches_with_one_number() -> None:
    grant = GrantFactory()
    TrancheFactory(grant=grant, number=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        TrancheFactory(grant=grant, number=1)


def test_the_database_refuses_a_grant_of_nothing() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        GrantFactory(amount=0)


# --- grant_update -----------------------------------------------------------------------------------------


def test_grant_update_changes_the_given_fields_and_the_version(admin: User) -> None:
    grant = GrantFactory()

    grant_update(actor=admin, grant=grant, version=1, amount="Rp 12.500.000", year="2025", source="dekon", note="x")

    grant.refresh_from_db()
    assert (grant.amount, grant.year, grant.source, grant.note, grant.version) == (12_500_000, 2025, "dekon", "x", 2)


def test_a_grant_cannot_be_lowered_below_its_paid_tranches(admin: User) -> None:
    grant = GrantFactory(amount=10_000_000)
    TrancheFactory(grant=grant, amount=4_000_000)
    TrancheFactory(grant=grant, amount=4_000_000)

    message = refusal(lambda: grant_update(actor=admin, grant=grant, amount="7.999.999"), "amount")

    assert "Rp 8.000.000" in message
    grant.refresh_from_db()
    assert (grant.amount, grant.version) == (10_000_000, 1)


def test_a_grant_may_be_lowered_to_exactly_its_paid_tranches(admin: User) -> None:
    grant = GrantFactory(amount=10_000_000)
    TrancheFactory(grant=grant, amount=8_000_000)

    assert grant_update(actor=admin, grant=grant, amount="8.000.000").amount == 8_000_000


@pytest.mark.parametrize(("field", "value"), [("amount", "0"), ("amount", "-1"), ("year", 1990), ("source", "hibah")])
def test_grant_update_refuses_bad_values_and_changes_nothing(admin: User, field: str, value: Any) -> None:
    grant = GrantFactory()

    refusal(lambda: grant_update(actor=admin, grant=grant, **{field: value}), field)

    grant.refresh_from_db()
    assert (grant.amount, grant.year, grant.source, grant.version) == (10_000_000, 2024, "apbn", 1)
    assert not AuditEntry.objects.exists()


def test_grant_update_with_a_stale_version_is_refused_and_changes_nothing(admin: User) -> None:
    grant = GrantFactory()
    grant_update(actor=admin, grant=grant, version=1, note="first")

    with pytest.raises(StaleRecord):
        grant_update(actor=admin, grant=grant, version=1, note="second")
    grant.refresh_from_db()
    assert (grant.note, grant.version) == ("first", 2)


def test_grant_update_cannot_move_the_grant_to_another_kube(admin: User) -> None:
    grant = GrantFactory()
    other = GroupFactory()

    grant_update(actor=admin, grant=grant, group=other, group_id=other.pk)

    grant.refresh_from_db()
    assert grant.group_id != other.pk


def test_a_surabaya_officer_cannot_change_a_malang_grant(surabaya_officer: User) -> None:
    grant = GrantFactory(group=GroupFactory(desa=village(MALANG_VILLAGE)))

    refusal(lambda: grant_update(actor=surabaya_officer, grant=grant, amount="1"), "group")
    grant.refresh_from_db()
    assert grant.amount == 10_000_000


def test_a_companion_cannot_change_a_grant(companion_user: User) -> None:
    with pytest.raises(PermissionDenied):
        grant_update(actor=companion_user, grant=GrantFactory(), amount="1")
