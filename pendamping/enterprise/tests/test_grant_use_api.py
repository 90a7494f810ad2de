"""Grant use through the API: the plan (RAB), spending and the summary; the same rules as the pages (the plan and
spending within the grant, dates, a plan item of the same grant), scope (404 outside it), roles and the error shape."""

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.enterprise.models import PlanItem, Realisation
from pendamping.enterprise.tests.factories import PlanItemFactory, RealisationFactory
from pendamping.registry.models import Grant
from pendamping.registry.tests.factories import MALANG_VILLAGE, GrantFactory, GroupFactory, TrancheFactory, village

pytestmark = pytest.mark.django_db
JSON = "application/json"


class Api:
    def __init__(self, user: User) -> None:
        cache.clear()  # the rate-limit counters
        self.client = Client(headers={"Authorization": f"Bearer {token_create(user=user, name='test')[1]}"})

    def get(self, path: str) -> Any:
        return self.client.get(path)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(path, body, content_type=JSON)

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.patch(path, body, content_type=JSON)

    def delete(self, path: str) -> Any:
        return self.client.delete(path)


def fields(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"]


@pytest.fixture
def grant() -> Grant:
    return GrantFactory(amount=10_000_000, year=2024)


@pytest.fixture
def officer(surabaya_officer: User) -> Api:
    return Api(surabaya_officer)


ITEM = {"description": "Kambing bibit", "unit": "ekor", "quantity": 4, "unit_price": "1.250.000"}
SPENT = {"spent_on": "2024-04-01", "amount": "1.250.000", "description": "Kambing", "receipt_ref": "NOTA-1"}


def test_the_plan_is_added_listed_changed_and_deleted(officer: Api, grant: Grant) -> None:
    added = officer.post(f"/api/grants/{grant.pk}/plan", ITEM)
    assert added.status_code == 201 and (added.json()["total"], added.json()["unit_price"]) == (5_000_000, 1_250_000)
    item_id = added.json()["id"]

    assert [row["id"] for row in officer.get(f"/api/grants/{grant.pk}/plan").json()] == [item_id]
    changed = officer.patch(f"/api/plan-items/{item_id}", {"quantity": 2})
    assert (changed.json()["quantity"], changed.json()["total"]) == (2, 2_500_000)
    assert officer.delete(f"/api/plan-items/{item_id}").status_code == 204
    assert not PlanItem.objects.exists()


def test_a_plan_above_the_grant_is_refused_with_both_sums(officer: Api, grant: Grant) -> None:
    errors = fields(officer.post(f"/api/grants/{grant.pk}/plan", {**ITEM, "quantity": 9}))

    assert "Rp 11.250.000" in errors["unit_price"][0] and "Rp 10.000.000" in errors["unit_price"][0]


@pytest.mark.parametrize("body", [{"quantity": 0}, {"quantity": -1}, {"unit_price": "-5.000"}, {"unit_price": True}])
def test_bad_plan_values_are_refused(officer: Api, grant: Grant, body: dict[str, Any]) -> None:
    assert set(body) <= set(fields(officer.post(f"/api/grants/{grant.pk}/plan", {**ITEM, **body})))
    assert not PlanItem.objects.exists()


def test_a_plan_item_with_spending_is_not_deleted(officer: Api, grant: Grant) -> None:
    item = PlanItemFactory(grant=grant)
    RealisationFactory(grant=grant, plan_item=item)

    assert "plan_item" in fields(officer.delete(f"/api/plan-items/{item.pk}"))
    assert PlanItem.objects.filter(pk=item.pk).exists()


def test_spending_is_recorded_listed_and_deleted(officer: Api, grant: Grant, surabaya_officer: User) -> None:
    item = PlanItemFactory(grant=grant)

    added = officer.post(f"/api/grants/{grant.pk}/realisations", {**SPENT, "plan_item_id": item.pk})
    assert added.status_code == 201, added.content
    body = added.json()
    assert (body["amount"], body["plan_item_id"], body["entered_by"]) == (1_250_000, item.pk, surabaya_officer.username)

    assert [row["id"] for row in officer.get(f"/api/grants/{grant.pk}/realisations").json()] == [body["id"]]
    assert officer.delete(f"/api/realisations/{body['id']}").status_code == 204
    assert not Realisation.objects.exists()


def test_spending_outside_the_plan_may_say_so_with_null(officer: Api, grant: Grant) -> None:
    added = officer.post(f"/api/grants/{grant.pk}/realisations", {**SPENT, "plan_item_id": None})

    assert added.status_code == 201 and added.json()["plan_item_id"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "10.000.001"}, "amount"),
        ({"amount": "-1.250.000"}, "amount"),
        ({"amount": "1.250.000,50"}, "amount"),
        ({"spent_on": "2023-12-31"}, "spent_on"),
        ({"spent_on": "2999-01-01"}, "spent_on"),
        ({"spent_on": "kemarin"}, "spent_on"),
        ({"entered_by": 1}, "entered_by"),
    ],
)
def test_bad_spending_is_refused(officer: Api, grant: Grant, body: dict[str, Any], field: str) -> None:
    assert field in fields(officer.post(f"/api/grants/{grant.pk}/realisations", {**SPENT, **body}))
    assert not Realisation.objects.exists()


def test_spending_against_another_grants_plan_item_is_refused(officer: Api, grant: Grant) -> None:
    other = PlanItemFactory(grant=GrantFactory(group=grant.group))

    errors = fields(officer.post(f"/api/grants/{grant.pk}/realisations", {**SPENT, "plan_item_id": other.pk}))

    assert "another grant" in errors["plan_item_id"][0]


def test_spending_against_a_plan_item_out_of_scope_is_a_field_error(officer: Api, grant: Grant) -> None:
    malang = PlanItemFactory(grant=GrantFactory(group=GroupFactory(desa=village(MALANG_VILLAGE))))

    errors = fields(officer.post(f"/api/grants/{grant.pk}/realisations", {**SPENT, "plan_item_id": malang.pk}))

    assert "No such record" in errors["plan_item_id"][0]


def test_the_summary_shows_planned_against_spent(officer: Api, grant: Grant) -> None:
    item = PlanItemFactory(grant=grant, quantity=4, unit_price=1_000_000)
    RealisationFactory(grant=grant, plan_item=item, amount=4_300_000)
    RealisationFactory(grant=grant, amount=200_000)
    TrancheFactory(grant=grant, amount=6_000_000, status="approved", approved_at=timezone.now())
    TrancheFactory(grant=grant, amount=4_000_000)

    body = officer.get(f"/api/grants/{grant.pk}/use").json()

    totals = {k: body[k] for k in ("amount", "planned", "disbursed", "realised", "unspent", "unplanned")}
    assert totals == {
        "amount": 10_000_000,
        "planned": 4_000_000,
        "disbursed": 6_000_000,
        "realised": 4_500_000,
        "unspent": 5_500_000,
        "unplanned": 200_000,
    }
    assert [(r["plan_item"]["id"], r["planned"], r["realised"], r["difference"]) for r in body["plan"]] == [
        (item.pk, 4_000_000, 4_300_000, -300_000)
    ]


def test_the_kubes_companion_records_spending_but_does_not_plan(companion_user: User, grant: Grant) -> None:
    AssignmentFactory(group=grant.group, companion=CompanionFactory(user=companion_user))
    client = Api(companion_user)

    assert client.post(f"/api/grants/{grant.pk}/realisations", SPENT).status_code == 201
    assert client.post(f"/api/grants/{grant.pk}/plan", ITEM).status_code == 403
    assert client.get(f"/api/grants/{grant.pk}/use").json()["realised"] == 1_250_000


def test_an_auditor_reads_but_does_not_write(auditor: User, grant: Grant) -> None:
    client, item = Api(auditor), PlanItemFactory(grant=grant)

    assert client.get(f"/api/grants/{grant.pk}/plan").status_code == 200
    assert client.post(f"/api/grants/{grant.pk}/plan", ITEM).status_code == 403
    assert client.post(f"/api/grants/{grant.pk}/realisations", SPENT).status_code == 403
    assert client.delete(f"/api/plan-items/{item.pk}").status_code == 403


def test_another_regencys_grant_use_is_not_found(officer: Api) -> None:
    grant = GrantFactory(group=GroupFactory(desa=village(MALANG_VILLAGE)))
    item, spent = PlanItemFactory(grant=grant), RealisationFactory(grant=grant)
    calls = [
        ("get", f"/api/grants/{grant.pk}/plan"),
        ("get", f"/api/grants/{grant.pk}/realisations"),
        ("get", f"/api/grants/{grant.pk}/use"),
        ("post", f"/api/grants/{grant.pk}/plan"),
        ("post", f"/api/grants/{grant.pk}/realisations"),
        ("patch", f"/api/plan-items/{item.pk}"),
        ("delete", f"/api/plan-items/{item.pk}"),
        ("delete", f"/api/realisations/{spent.pk}"),
    ]
    bodies = {"post": lambda path: ITEM if path.endswith("/plan") else SPENT, "patch": lambda path: {"quantity": 1}}
    for method, path in calls:
        args = (bodies[method](path),) if method in bodies else ()
        assert getattr(officer, method)(path, *args).status_code == 404, (method, path)
    assert (PlanItem.objects.get().quantity, Realisation.objects.count()) == (4, 1)
