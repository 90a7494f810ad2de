"""The enterprise rows as flat API lists, each row by its id, the locked months, the classification rubrics and
the office's settings. Over the scope tests' world: a Surabaya bundle (the cast's) and a Malang one."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.core.tests.test_url_scoping import World, world
from pendamping.enterprise.models import IksEntry, PlanItem, Realisation, WelfareRecord
from pendamping.enterprise.services.classification import rubric_ensure_default
from pendamping.enterprise.tests.factories import PlanItemFactory, RealisationFactory

__all__ = ["world"]
pytestmark = pytest.mark.django_db


def _api(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='t')[1]}"})


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


@pytest.mark.parametrize(
    ("path", "model", "regency", "row"),
    [
        ("/api/plan-items", PlanItem, "grant__group__regency_id", "plan_item"),
        ("/api/realisations", Realisation, "grant__group__regency_id", "realisation"),
        ("/api/iks", IksEntry, "group__regency_id", "iks_entry"),
        ("/api/welfare", WelfareRecord, "family__regency_id", "welfare_record"),
    ],
)
def test_each_flat_list_holds_the_officers_regency_and_each_row_opens_by_id(
    path: str, model: Any, regency: str, row: str, world: World, surabaya_officer: User
) -> None:
    client = _api(surabaya_officer)
    body = client.get(path).json()
    assert {r["id"] for r in body["items"]} == set(
        model.objects.filter(**{regency: "35.78"}).values_list("pk", flat=True)
    )
    assert {r["regency_code"] for r in body["items"]} == {"35.78"}
    home, away = getattr(world.home, row), getattr(world.away, row)
    detail = client.get(f"{path}/{home.pk}")
    assert detail.status_code == 200 and detail.json() == next(r for r in body["items"] if r["id"] == home.pk)
    assert client.get(f"{path}/{away.pk}").status_code == 404


def test_plan_items_and_spending_filter_and_order(world: World, surabaya_officer: User) -> None:
    grant, item = world.home.grant, world.home.plan_item
    bigger = PlanItemFactory(grant=grant, description="Kandang", quantity=1, unit_price=9_000_000)
    paid = RealisationFactory(grant=grant, plan_item=item, spent_on=dt.date(2024, 6, 1), amount=750_000)
    client = _api(surabaya_officer)
    assert _ids(client.get("/api/plan-items", {"grant_id": grant.pk, "ordering": "-total"}))[0] == bigger.pk
    assert _ids(client.get("/api/realisations", {"plan_item_id": item.pk})) == [paid.pk]
    spent = _ids(client.get("/api/realisations", {"ordering": "-amount"}))
    amounts = dict(Realisation.objects.values_list("pk", "amount"))
    assert [amounts[pk] for pk in spent] == sorted((amounts[pk] for pk in spent), reverse=True)
    assert _ids(client.get("/api/plan-items", {"group_id": world.away.group.pk})) == []


def test_iks_entries_filter_by_kind_and_a_companion_sees_their_kube_only(
    world: World, surabaya_officer: User, companion_user: User
) -> None:
    home = world.home.iks_entry
    assert home.pk in _ids(_api(surabaya_officer).get("/api/iks", {"kind": "in"}))
    assert home.pk not in _ids(_api(surabaya_officer).get("/api/iks", {"kind": "out"}))
    mine = IksEntry.objects.filter(group=world.home.group).values_list("pk", flat=True)
    assert set(_ids(_api(companion_user).get("/api/iks"))) == set(mine)


def test_welfare_records_name_the_family_and_order_by_income(world: World, auditor: User) -> None:
    rows = _api(auditor).get("/api/welfare", {"ordering": "-monthly_income,family"}).json()["items"]
    record = world.home.welfare_record
    assert next(r for r in rows if r["id"] == record.pk)["family_name"] == record.family.head_name
    incomes = [r["monthly_income"] for r in rows]
    assert incomes == sorted(incomes, reverse=True)


def test_the_locked_months_of_ones_regencies(world: World, surabaya_officer: User, companion_user: User) -> None:
    rows = _api(surabaya_officer).get("/api/report-locks", {"ordering": "-period"}).json()["items"]
    assert [(r["id"], r["regency"], r["period"]) for r in rows] == [(world.home.lock.pk, "35.78", "2024-01-01")]
    assert _ids(_api(companion_user).get("/api/report-locks")) == []
    assert _api(surabaya_officer).get("/api/report-locks", {"ordering": "regency__name"}).status_code == 400


def test_the_classification_rubrics_and_the_settings_are_the_same_for_everyone(
    world: World, surabaya_officer: User, malang_officer: User, evaluator: User
) -> None:
    rubric = rubric_ensure_default()
    for user in (surabaya_officer, malang_officer):
        assert _ids(_api(user).get("/api/classification-rubrics")) == [rubric.pk]
    detail = _api(surabaya_officer).get(f"/api/classification-rubrics/{rubric.pk}").json()
    assert [level["position"] for level in detail["levels"]] == sorted(level["position"] for level in detail["levels"])
    assert detail["indicator_count"] == len(detail["indicators"]) == rubric.indicators.count() > 0
    settings = _api(surabaya_officer).get("/api/enterprise-settings").json()
    assert (settings["report_due_day"], settings["iks_stopped_after_months"]) == (10, 3)
    assert _api(evaluator).get("/api/enterprise-settings").status_code == 403
