"""Partnership activities as a flat API list across agreements, and one activity by its id."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.partnerships.tests.factories import MALANG, ActivityFactory, AgreementFactory, PartnerFactory
from pendamping.registry.tests.factories import region

pytestmark = pytest.mark.django_db


def _api(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='t')[1]}"})


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


@pytest.fixture
def activities() -> dict[str, Any]:
    """Two Surabaya agreements with an activity each, and a Malang agreement with one."""
    first, second = AgreementFactory(), AgreementFactory()
    malang = AgreementFactory(partner=PartnerFactory(regency=region(MALANG)))
    return {
        "sale": ActivityFactory(agreement=first, on=dt.date(2024, 3, 1), value=2_500_000),
        "training": ActivityFactory(agreement=second, on=dt.date(2024, 8, 1), value=0),
        "malang": ActivityFactory(agreement=malang),
        "first": first,
    }


def test_activities_of_every_agreement_in_scope_newest_first(
    activities: dict[str, Any], surabaya_officer: User
) -> None:
    client, sale, training = _api(surabaya_officer), activities["sale"].pk, activities["training"].pk
    assert _ids(client.get("/api/activities")) == [training, sale]
    assert _ids(client.get("/api/activities", {"ordering": "-value"})) == [sale, training]
    assert _ids(client.get("/api/activities", {"agreement_id": activities["first"].pk})) == [sale]
    rows = client.get("/api/activities").json()["items"]
    assert {row["regency_code"] for row in rows} == {"35.78"}


def test_one_activity_opens_in_scope_only(activities: dict[str, Any], surabaya_officer: User, evaluator: User) -> None:
    client, sale = _api(surabaya_officer), activities["sale"]
    row = client.get(f"/api/activities/{sale.pk}").json()
    assert (row["agreement_id"], row["value"], row["regency_code"]) == (sale.agreement_id, 2_500_000, "35.78")
    assert client.get(f"/api/activities/{activities['malang'].pk}").status_code == 404
    assert _api(evaluator).get(f"/api/activities/{sale.pk}").status_code == 404
    assert _api(evaluator).get("/api/activities").status_code == 403


def test_an_unknown_ordering_key_is_refused(activities: dict[str, Any], surabaya_officer: User) -> None:
    response = _api(surabaya_officer).get("/api/activities", {"ordering": "agreement__partner__name"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["ordering"]
