"""The grant use page and the KUBE page's grant use panel through the test client: the plan against spending,
the forms (amounts typed the Indonesian way), refusals shown on the form, deletes, scope (404 outside it) and roles."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pendamping.accounts.models import User
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.enterprise.models import PlanItem, Realisation
from pendamping.enterprise.tests.factories import PlanItemFactory, RealisationFactory
from pendamping.registry.models import Grant
from pendamping.registry.tests.factories import MALANG_VILLAGE, GrantFactory, GroupFactory, village

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(f"enterprise:{name}", args=args)


@pytest.fixture
def grant() -> Grant:
    return GrantFactory(amount=10_000_000, year=2024, group=GroupFactory(name="KUBE Sejahtera"))


@pytest.fixture
def surabaya(surabaya_officer: User, client_for: Callable[..., Client]) -> Client:
    return client_for(surabaya_officer)


@pytest.fixture
def companion(companion_user: User, grant: Grant, client_for: Callable[..., Client]) -> Client:
    AssignmentFactory(group=grant.group, companion=CompanionFactory(user=companion_user))
    return client_for(companion_user)


def plan_data(**fields: str) -> dict[str, str]:
    data = {"description": "Kambing bibit", "unit": "ekor", "quantity": "4", "unit_price": "1.250.000"}
    return {f"plan-{k}": v for k, v in {**data, **fields}.items()}


def spent_data(**fields: str) -> dict[str, str]:
    data = {"spent_on": "2024-04-01", "amount": "1.250.000", "description": "Kambing", "receipt_ref": "NOTA-1"}
    return {f"spent-{k}": v for k, v in {**data, **fields}.items()}


def test_the_page_shows_planned_against_spent_and_the_unspent_balance(surabaya: Client, grant: Grant) -> None:
    item = PlanItemFactory(grant=grant, description="Kambing bibit", quantity=4, unit_price=1_000_000)
    RealisationFactory(grant=grant, plan_item=item, amount=4_300_000, receipt_ref="NOTA-77")
    RealisationFactory(grant=grant, amount=200_000, description="Timbangan")

    response = surabaya.get(url("grant_use", grant.pk))

    use = response.context["use"]
    assert (use.planned, use.realised, use.unspent) == (4_000_000, 4_500_000, 5_500_000)
    page = response.content.decode()
    assert "Kambing bibit" in page and "NOTA-77" in page and "Timbangan" in page
    assert "5,500,000" in page and "-300,000" in page  # unspent; overspent on the goats


def test_an_officer_adds_a_plan_item_typed_with_dots(surabaya: Client, grant: Grant) -> None:
    response = surabaya.post(url("plan_item_add", grant.pk), plan_data())

    assert response.status_code == 302 and response["Location"] == url("grant_use", grant.pk)
    assert PlanItem.objects.get(grant=grant).total == 5_000_000


def test_a_plan_above_the_grant_is_refused_on_the_form(surabaya: Client, grant: Grant) -> None:
    response = surabaya.post(url("plan_item_add", grant.pk), plan_data(quantity="9"))

    assert response.status_code == 200
    errors = " ".join(response.context["plan_form"].errors["unit_price"])
    assert "Rp 11.250.000" in errors and "Rp 10.000.000" in errors
    assert not PlanItem.objects.exists()


def test_an_empty_plan_form_is_refused(surabaya: Client, grant: Grant) -> None:
    response = surabaya.post(url("plan_item_add", grant.pk), {})

    assert response.status_code == 200 and response.context["plan_form"].errors
    assert not PlanItem.objects.exists()


def test_an_officer_records_spending_against_a_plan_item(surabaya: Client, grant: Grant) -> None:
    item = PlanItemFactory(grant=grant)

    response = surabaya.post(url("realisation_add", grant.pk), spent_data(plan_item=str(item.pk)))

    assert response.status_code == 302
    assert Realisation.objects.get(grant=grant).plan_item == item


def test_spending_against_another_grants_plan_item_is_not_offered(surabaya: Client, grant: Grant) -> None:
    other = PlanItemFactory(grant=GrantFactory(group=grant.group))

    response = surabaya.post(url("realisation_add", grant.pk), spent_data(plan_item=str(other.pk)))

    assert "plan_item" in response.context["spent_form"].errors
    assert not Realisation.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("amount", "-1.250.000"), ("amount", "11.000.000"), ("spent_on", "2023-12-31"), ("spent_on", "2999-01-01")],
)
def test_bad_spending_is_refused_on_the_form(surabaya: Client, grant: Grant, field: str, value: str) -> None:
    response = surabaya.post(url("realisation_add", grant.pk), spent_data(**{field: value}))

    assert response.status_code == 200 and field in response.context["spent_form"].errors
    assert not Realisation.objects.exists()


def test_the_kubes_companion_records_spending_but_is_not_offered_the_plan_form(companion: Client, grant: Grant) -> None:
    page = companion.get(url("grant_use", grant.pk))
    response = companion.post(url("realisation_add", grant.pk), spent_data())

    assert page.context["plan_form"] is None and page.context["spent_form"] is not None
    assert response.status_code == 302 and Realisation.objects.filter(grant=grant).exists()
    assert companion.post(url("plan_item_add", grant.pk), plan_data()).status_code == 403


def test_a_plan_item_without_spending_is_deleted(surabaya: Client, grant: Grant) -> None:
    item = PlanItemFactory(grant=grant)

    response = surabaya.post(url("plan_item_delete", item.pk))

    assert response.status_code == 302 and not PlanItem.objects.exists()


def test_a_plan_item_with_spending_is_kept_with_a_message(surabaya: Client, grant: Grant) -> None:
    item = PlanItemFactory(grant=grant)
    RealisationFactory(grant=grant, plan_item=item)

    response = surabaya.post(url("plan_item_delete", item.pk), follow=True)

    assert "delete that spending first" in response.content.decode()
    assert PlanItem.objects.filter(pk=item.pk).exists()


def test_spending_is_deleted(companion: Client, grant: Grant) -> None:
    spent = RealisationFactory(grant=grant)

    assert companion.post(url("realisation_delete", spent.pk)).status_code == 302
    assert not Realisation.objects.exists()


def test_an_auditor_reads_the_page_but_changes_nothing(
    auditor: User, grant: Grant, client_for: Callable[..., Client]
) -> None:
    client, item, spent = client_for(auditor), PlanItemFactory(grant=grant), RealisationFactory(grant=grant)

    page = client.get(url("grant_use", grant.pk))

    assert page.status_code == 200 and page.context["plan_form"] is None and page.context["spent_form"] is None
    assert client.post(url("plan_item_add", grant.pk), plan_data()).status_code == 403
    assert client.post(url("realisation_add", grant.pk), spent_data()).status_code == 403
    assert client.post(url("plan_item_delete", item.pk)).status_code == 403
    assert client.post(url("realisation_delete", spent.pk)).status_code == 403
    assert (PlanItem.objects.count(), Realisation.objects.count()) == (1, 1)


def test_another_regencys_grant_use_is_not_found(surabaya: Client) -> None:
    grant = GrantFactory(group=GroupFactory(desa=village(MALANG_VILLAGE)))
    item, spent = PlanItemFactory(grant=grant), RealisationFactory(grant=grant)

    assert surabaya.get(url("grant_use", grant.pk)).status_code == 404
    assert surabaya.post(url("plan_item_add", grant.pk), plan_data()).status_code == 404
    assert surabaya.post(url("realisation_add", grant.pk), spent_data()).status_code == 404
    assert surabaya.post(url("plan_item_delete", item.pk)).status_code == 404
    assert surabaya.post(url("realisation_delete", spent.pk)).status_code == 404
    assert (PlanItem.objects.count(), Realisation.objects.count()) == (1, 1)


def test_writes_are_posts(surabaya: Client, grant: Grant) -> None:
    item, spent = PlanItemFactory(grant=grant), RealisationFactory(grant=grant)

    for name, pk in [("plan_item_add", grant.pk), ("realisation_add", grant.pk), ("plan_item_delete", item.pk),
                     ("realisation_delete", spent.pk)]:  # fmt: skip
        assert surabaya.get(url(name, pk)).status_code == 405


def test_the_page_queries_do_not_grow_with_the_plan(surabaya: Client, grant: Grant) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert surabaya.get(url("grant_use", grant.pk)).status_code == 200
        return len(ctx.captured_queries)

    RealisationFactory(grant=grant, plan_item=PlanItemFactory(grant=grant, unit_price=1), amount=1)
    few = count()
    for _ in range(10):
        RealisationFactory(grant=grant, plan_item=PlanItemFactory(grant=grant, unit_price=1), amount=1)

    assert count() == few


# --- the panel on the KUBE page ---------------------------------------------------------------------------


def test_the_kube_page_summarises_each_grants_use_with_a_link(surabaya: Client, grant: Grant) -> None:
    PlanItemFactory(grant=grant, quantity=4, unit_price=1_000_000)
    RealisationFactory(grant=grant, amount=1_500_000, spent_on=dt.date(2024, 4, 1))

    page = surabaya.get(reverse("registry:group_detail", args=[grant.group_id])).content.decode()

    assert "Grant use (RAB and spending)" in page and url("grant_use", grant.pk) in page
    assert "4,000,000" in page and "1,500,000" in page and "8,500,000" in page


def test_the_kube_page_shows_planned_against_spent_per_plan_item(surabaya: Client, grant: Grant) -> None:
    goats = PlanItemFactory(grant=grant, description="Kambing etawa", unit="ekor", quantity=4, unit_price=1_000_000)
    PlanItemFactory(grant=grant, description="Kandang", unit="unit", quantity=1, unit_price=2_000_000)
    RealisationFactory(grant=grant, plan_item=goats, amount=3_250_000)

    page = surabaya.get(reverse("registry:group_detail", args=[grant.group_id])).content.decode()
    rows = page.split('<tr class="plan-item">')[1:]

    assert len(rows) == 2
    assert "Kambing etawa" in rows[0] and "4,000,000" in rows[0] and "3,250,000" in rows[0] and "750,000" in rows[0]
    assert "Kandang" in rows[1] and "2,000,000" in rows[1]


def test_a_kube_without_grants_has_no_grant_use_panel(surabaya: Client) -> None:
    page = surabaya.get(reverse("registry:group_detail", args=[GroupFactory().pk])).content.decode()

    assert "Grant use (RAB and spending)" not in page


def test_the_kubes_companion_sees_the_panel(companion: Client, grant: Grant) -> None:
    page = companion.get(reverse("registry:group_detail", args=[grant.group_id])).content.decode()

    assert url("grant_use", grant.pk) in page
