"""The spending plan (RAB) and the realisation of a grant: the plan and the spending never exceed the grant, amounts
are read as people type them, dates are plausible, an item with spending stays, scope and roles, the audit."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.enterprise.models import PlanItem, Realisation
from pendamping.enterprise.services import grant_use
from pendamping.enterprise.services.grant_use import (
    plan_item_add,
    plan_item_delete,
    plan_item_update,
    realisation_add,
    realisation_delete,
)
from pendamping.enterprise.tests.factories import PlanItemFactory, RealisationFactory
from pendamping.registry.models import Grant
from pendamping.registry.tests.factories import MALANG_VILLAGE, GrantFactory, GroupFactory, village

pytestmark = pytest.mark.django_db
SPENT = dt.date(2024, 4, 1)


@pytest.fixture
def grant() -> Grant:
    return GrantFactory(amount=10_000_000, year=2024)


@pytest.fixture
def rescores(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The KUBE ids the services asked to rescore."""
    asked: list[int] = []
    monkeypatch.setattr(grant_use, "rescore_later", lambda *, group_id: asked.append(group_id))
    return asked


def refusal(call: Callable[[], Any], field: str) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value.message_dict
    return " ".join(caught.value.message_dict[field])


def add_item(actor: Any, grant: Grant, **fields: Any) -> PlanItem:
    data: dict[str, Any] = {"description": "Kambing bibit", "unit": "ekor", "quantity": 4, "unit_price": "1.000.000"}
    return plan_item_add(actor=actor, grant=grant, **{**data, **fields})


def spend(actor: Any, grant: Grant, **fields: Any) -> Realisation:
    data: dict[str, Any] = {"spent_on": SPENT, "amount": "1.250.000", "description": "Kambing", "receipt_ref": "N-1"}
    return realisation_add(actor=actor, grant=grant, **{**data, **fields})


# --- the plan (RAB) ---------------------------------------------------------------------------------------


def test_a_plan_item_is_stored_with_its_total_computed_by_the_database(
    surabaya_officer: User, grant: Grant, rescores: list[int]
) -> None:
    item = add_item(surabaya_officer, grant, description="  Kambing bibit ", unit_price="Rp 1.250.000")

    item = PlanItem.objects.get(pk=item.pk)
    assert (item.description, item.unit, item.quantity, item.unit_price, item.total) == (
        "Kambing bibit",
        "ekor",
        4,
        1_250_000,
        5_000_000,
    )
    entry = AuditEntry.objects.get(object_id=str(item.pk), action="create")
    assert entry.actor == surabaya_officer and entry.changes["total"] == [None, 5_000_000]
    assert rescores == [grant.group_id]


def test_plan_items_are_kept_in_the_order_entered(admin: User, grant: Grant) -> None:
    items = [add_item(admin, grant, description=f"Barang {i}", quantity=1) for i in range(3)]

    assert [item.position for item in items] == [0, 1, 2]


def test_the_plan_may_total_exactly_the_grant(admin: User, grant: Grant) -> None:
    add_item(admin, grant, quantity=6)

    add_item(admin, grant, quantity=4)

    assert sum(PlanItem.objects.values_list("total", flat=True)) == 10_000_000


def test_a_plan_above_the_grant_is_refused_with_both_sums(admin: User, grant: Grant) -> None:
    add_item(admin, grant, quantity=6)

    message = refusal(lambda: add_item(admin, grant, quantity=4, unit_price="1.000.001"), "unit_price")

    assert "Rp 10.000.004" in message and "Rp 10.000.000" in message
    assert PlanItem.objects.count() == 1


def test_another_grants_plan_does_not_count(admin: User, grant: Grant) -> None:
    PlanItemFactory(grant=GrantFactory(group=grant.group), quantity=10, unit_price=1_000_000)

    assert add_item(admin, grant, quantity=10).total == 10_000_000


@pytest.mark.parametrize("price", ["0", "-1.000", "1.000,50", "sejuta", ""])
def test_a_unit_price_that_is_not_positive_whole_rupiah_is_refused(admin: User, grant: Grant, price: str) -> None:
    refusal(lambda: add_item(admin, grant, unit_price=price), "unit_price")
    assert not PlanItem.objects.exists()


@pytest.mark.parametrize("quantity", [0, -2, "dua", "1.5", None, True, 1_000_001])
def test_a_quantity_that_is_not_a_positive_whole_number_is_refused(admin: User, grant: Grant, quantity: Any) -> None:
    refusal(lambda: add_item(admin, grant, quantity=quantity), "quantity")
    assert not PlanItem.objects.exists()


def test_a_plan_item_needs_a_description(admin: User, grant: Grant) -> None:
    refusal(lambda: add_item(admin, grant, description="   "), "description")


def test_a_surabaya_officer_cannot_plan_a_malang_grant(surabaya_officer: User) -> None:
    grant = GrantFactory(group=GroupFactory(desa=village(MALANG_VILLAGE)))

    assert "outside the regencies" in refusal(lambda: add_item(surabaya_officer, grant), "grant")
    assert not PlanItem.objects.exists()


@pytest.mark.parametrize("role", ["companion_user", "auditor", "evaluator", "norole"])
def test_only_officers_and_admins_plan(role: str, request: pytest.FixtureRequest, grant: Grant) -> None:
    with pytest.raises(PermissionDenied):
        add_item(request.getfixturevalue(role), grant)


def test_a_plan_item_is_changed_within_the_grant(admin: User, grant: Grant, rescores: list[int]) -> None:
    item = add_item(admin, grant, quantity=4)
    add_item(admin, grant, quantity=5)

    changed = plan_item_update(actor=admin, item=item, quantity=5, description="Kambing betina")

    assert (changed.quantity, changed.total, changed.description) == (5, 5_000_000, "Kambing betina")
    assert PlanItem.objects.get(pk=item.pk).total == 5_000_000
    assert AuditEntry.objects.get(object_id=str(item.pk), action="update").changes["quantity"] == [4, 5]
    assert rescores == [grant.group_id] * 3


def test_a_change_that_takes_the_plan_above_the_grant_is_refused(admin: User, grant: Grant) -> None:
    item = add_item(admin, grant, quantity=4)
    add_item(admin, grant, quantity=5)

    message = refusal(lambda: plan_item_update(actor=admin, item=item, unit_price="1.250.001"), "unit_price")

    assert "Rp 10.000.004" in message
    assert PlanItem.objects.get(pk=item.pk).unit_price == 1_000_000


def test_a_surabaya_officer_cannot_change_a_malang_plan_item(surabaya_officer: User) -> None:
    item = PlanItemFactory(grant=GrantFactory(group=GroupFactory(desa=village(MALANG_VILLAGE))))

    refusal(lambda: plan_item_update(actor=surabaya_officer, item=item, quantity=1), "grant")
    assert PlanItem.objects.get(pk=item.pk).quantity == 4


def test_a_plan_item_without_spending_is_deleted(admin: User, grant: Grant, rescores: list[int]) -> None:
    item = add_item(admin, grant)

    plan_item_delete(actor=admin, item=item)

    assert not PlanItem.objects.exists()
    assert AuditEntry.objects.filter(object_id=str(item.pk), action="delete").count() == 1
    assert rescores == [grant.group_id] * 2


def test_a_plan_item_with_spending_cannot_be_deleted(admin: User, grant: Grant) -> None:
    item = add_item(admin, grant)
    RealisationFactory(grant=grant, plan_item=item)

    assert "delete that spending first" in refusal(lambda: plan_item_delete(actor=admin, item=item), "plan_item")
    assert PlanItem.objects.filter(pk=item.pk).exists()


def test_a_companion_cannot_delete_a_plan_item(companion_user: User, grant: Grant) -> None:
    with pytest.raises(PermissionDenied):
        plan_item_delete(actor=companion_user, item=PlanItemFactory(grant=grant))


# --- realisation --------------------------------------------------------------------------------------------


def test_spending_is_recorded_with_its_receipt_and_author(
    surabaya_officer: User, grant: Grant, rescores: list[int]
) -> None:
    item = PlanItemFactory(grant=grant)

    spent = spend(surabaya_officer, grant, amount="Rp 1.250.000", plan_item=item, receipt_ref=" NOTA-7 ")

    spent = Realisation.objects.get(pk=spent.pk)
    assert (spent.amount, spent.plan_item, spent.receipt_ref, spent.entered_by, spent.spent_on) == (
        1_250_000,
        item,
        "NOTA-7",
        surabaya_officer,
        SPENT,
    )
    assert AuditEntry.objects.filter(object_id=str(spent.pk), action="create").count() == 1
    assert rescores == [grant.group_id]


def test_spending_outside_the_plan_is_recorded(admin: User, grant: Grant) -> None:
    assert spend(admin, grant).plan_item is None


def test_the_companion_of_the_kube_records_spending(companion_user: User, grant: Grant) -> None:
    AssignmentFactory(group=grant.group, companion=CompanionFactory(user=companion_user))

    assert spend(companion_user, grant).entered_by == companion_user


def test_a_companion_cannot_record_spending_of_a_kube_not_assigned_to_them(companion_user: User, grant: Grant) -> None:
    AssignmentFactory(companion=CompanionFactory(user=companion_user))  # another KUBE

    assert "not assigned to you" in refusal(lambda: spend(companion_user, grant), "group")
    assert not Realisation.objects.exists()


def test_spending_may_total_exactly_the_grant(admin: User, grant: Grant) -> None:
    spend(admin, grant, amount="6.000.000")

    assert spend(admin, grant, amount="4.000.000").amount == 4_000_000


def test_spending_exceeding_the_grant_is_refused_with_both_sums(admin: User, grant: Grant) -> None:
    spend(admin, grant, amount="6.000.000")

    message = refusal(lambda: spend(admin, grant, amount="4.000.001"), "amount")

    assert "Rp 10.000.001" in message and "Rp 10.000.000" in message
    assert Realisation.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "problem"),
    [("-1.250.000", "more than zero"), ("0", "more than zero"), ("1.250.000,50", "1.250.000,50"), ("sejuta", "Not a")],
)
def test_a_spent_amount_that_is_not_positive_whole_rupiah_is_refused(
    admin: User, grant: Grant, amount: str, problem: str
) -> None:
    assert problem in refusal(lambda: spend(admin, grant, amount=amount), "amount")
    assert not Realisation.objects.exists()


def test_a_purchase_dated_in_the_future_is_refused(admin: User, grant: Grant) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    assert "future" in refusal(lambda: spend(admin, grant, spent_on=tomorrow), "spent_on")


def test_a_purchase_today_is_accepted(admin: User, grant: Grant) -> None:
    assert spend(admin, grant, spent_on=timezone.localdate()).pk


def test_a_purchase_before_the_grants_year_is_refused(admin: User, grant: Grant) -> None:
    message = refusal(lambda: spend(admin, grant, spent_on=dt.date(2023, 12, 31)), "spent_on")

    assert "before the grant's budget year (2024)" in message


def test_a_purchase_on_the_first_day_of_the_grants_year_is_accepted(admin: User, grant: Grant) -> None:
    assert spend(admin, grant, spent_on=dt.date(2024, 1, 1)).pk


def test_a_purchase_needs_a_date_and_a_description(admin: User, grant: Grant) -> None:
    refusal(lambda: spend(admin, grant, spent_on=None), "spent_on")
    refusal(lambda: spend(admin, grant, description=" "), "description")


def test_spending_against_another_grants_plan_item_is_refused(admin: User, grant: Grant) -> None:
    other = PlanItemFactory(grant=GrantFactory(group=grant.group))

    assert "another grant" in refusal(lambda: spend(admin, grant, plan_item=other), "plan_item")
    assert not Realisation.objects.exists()


@pytest.mark.parametrize("role", ["auditor", "evaluator", "norole"])
def test_read_only_roles_cannot_record_spending(role: str, request: pytest.FixtureRequest, grant: Grant) -> None:
    with pytest.raises(PermissionDenied):
        spend(request.getfixturevalue(role), grant)


def test_a_surabaya_officer_cannot_record_spending_of_a_malang_grant(surabaya_officer: User) -> None:
    grant = GrantFactory(group=GroupFactory(desa=village(MALANG_VILLAGE)))

    assert "outside the regencies" in refusal(lambda: spend(surabaya_officer, grant), "group")


def test_spending_is_deleted_and_audited(admin: User, grant: Grant, rescores: list[int]) -> None:
    spent = RealisationFactory(grant=grant)

    realisation_delete(actor=admin, realisation=spent)

    assert not Realisation.objects.exists()
    assert AuditEntry.objects.filter(object_id=str(spent.pk), action="delete").count() == 1
    assert rescores == [grant.group_id]


def test_the_companion_of_the_kube_deletes_its_spending(companion_user: User, grant: Grant) -> None:
    AssignmentFactory(group=grant.group, companion=CompanionFactory(user=companion_user))

    realisation_delete(actor=companion_user, realisation=RealisationFactory(grant=grant))

    assert not Realisation.objects.exists()


def test_a_companion_cannot_delete_spending_of_another_kube(companion_user: User, grant: Grant) -> None:
    AssignmentFactory(companion=CompanionFactory(user=companion_user))

    refusal(lambda: realisation_delete(actor=companion_user, realisation=RealisationFactory(grant=grant)), "group")
    assert Realisation.objects.exists()


def test_deleting_spending_frees_its_plan_item_for_deletion(admin: User, grant: Grant) -> None:
    item = PlanItemFactory(grant=grant)
    realisation_delete(actor=admin, realisation=RealisationFactory(grant=grant, plan_item=item))

    plan_item_delete(actor=admin, item=item)

    assert not PlanItem.objects.exists()
