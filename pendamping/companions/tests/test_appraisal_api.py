"""The appraisal over the API: start, rate, finalise and read one; the list with its filters; the headline and the
coaching list; and the refusals in the API's error shape."""

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.companions.appraisal_rules import add_quarters, quarter_key, quarter_start
from pendamping.companions.models import Appraisal, Companion, Rating
from pendamping.companions.tests.appraisal_factories import Q1, final_appraisal, known_quarter, rated_ids
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.registry.tests.factories import MALANG_VILLAGE, village

pytestmark = pytest.mark.django_db


def api(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='uji')[1]}"})


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_an_appraisal_is_started_rated_and_finalised(surabaya_officer: User) -> None:
    client, companion = api(surabaya_officer), known_quarter().companion
    started = post(client, "/api/appraisals", {"companion_id": companion.pk, "period": "2025Q1"})
    assert started.status_code == 201, started.content
    body = started.json()
    assert (body["quarter"], body["status"], body["score"], body["threshold"]) == ("2025Q1", "draft", None, "70.00")
    lines = {line["rule"] or line["label"]: line for line in body["lines"]}
    assert lines["reports_on_time"]["points"] == "0.5000"
    assert lines["reports_on_time"]["explanation"] == "3 of 6 monthly reports on time (1 late, 2 missing)."
    ratings = {str(pk): 4 for pk in rated_ids(Appraisal.objects.get().rubric)}
    rated = post(client, f"/api/appraisals/{body['id']}/ratings", {"version": 1, "ratings": ratings})
    assert rated.status_code == 200 and rated.json()["version"] == 2
    final = post(client, f"/api/appraisals/{body['id']}/finalise", {"version": 2})
    assert final.status_code == 200, final.content
    assert (final.json()["status"], final.json()["score"], final.json()["performing_well"]) == ("final", "87.50", True)


def test_a_rating_outside_1_to_4_is_a_400_naming_the_indicator(admin: User) -> None:
    client = api(admin)
    appraisal = post(client, "/api/appraisals", {"companion_id": known_quarter().companion.pk, "period": "2025Q1"})
    appraisal_id = appraisal.json()["id"]
    indicator = Appraisal.objects.get().rubric.indicators.exclude(role="data").order_by("pk").first()
    assert indicator is not None
    response = post(client, f"/api/appraisals/{appraisal_id}/ratings", {"version": 1, "ratings": {indicator.pk: 7}})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"] == {"ratings": [f"{indicator.label}: a rating is 1, 2, 3 or 4, not 7."]}
    assert not Rating.objects.exists()


def test_the_api_refuses_what_the_service_refuses(surabaya_officer: User) -> None:
    client = api(surabaya_officer)
    companion = known_quarter().companion
    future = quarter_key(add_quarters(quarter_start(timezone.localdate()), 1))
    cases = [
        ({"companion_id": companion.pk, "period": future}, "period", "has not begun"),
        ({"companion_id": companion.pk, "period": "2025Q9"}, "period", "YYYYQn"),
        (
            {"companion_id": CompanionFactory(status=Companion.Status.TRAINEE).pk, "period": "2025Q1"},
            "companion_id",
            "Only active",
        ),
        (
            {"companion_id": CompanionFactory(home_desa=village(MALANG_VILLAGE)).pk, "period": "2025Q1"},
            "companion_id",
            "No such record",
        ),
    ]
    for body, field, message in cases:
        response = post(client, "/api/appraisals", body)
        assert response.status_code == 400, body
        assert message in " ".join(response.json()["error"]["fields"][field]), body
    assert not Appraisal.objects.exists()
    assert post(client, "/api/appraisals", {"companion_id": companion.pk, "period": "2025Q1"}).status_code == 201
    duplicate = post(client, "/api/appraisals", {"companion_id": companion.pk, "period": "2025-02-01"})
    assert duplicate.status_code == 400 and "already has an appraisal" in duplicate.json()["error"]["message"]


def test_finalising_a_draft_not_fully_rated_is_a_400_and_a_stale_version_a_409(admin: User) -> None:
    client = api(admin)
    started = post(client, "/api/appraisals", {"companion_id": known_quarter().companion.pk, "period": "2025Q1"})
    path = f"/api/appraisals/{started.json()['id']}/finalise"
    assert post(client, path, {"version": 9}).status_code == 409
    response = post(client, path, {"version": 1})
    assert response.status_code == 400 and "Rate every indicator" in response.json()["error"]["message"]


def test_the_list_is_scoped_and_filtered(surabaya_officer: User) -> None:
    well = final_appraisal(CompanionFactory(), Q1, result="80", well=True)
    poor = final_appraisal(CompanionFactory(), Q1, result="40", well=False)
    final_appraisal(CompanionFactory(home_desa=village(MALANG_VILLAGE)), Q1, result="90", well=True)
    client = api(surabaya_officer)
    assert {row["id"] for row in client.get("/api/appraisals").json()["items"]} == {well.pk, poor.pk}
    assert [row["id"] for row in client.get("/api/appraisals", {"performing": "no"}).json()["items"]] == [poor.pk]
    assert client.get("/api/appraisals", {"period": "2025Q2"}).json()["count"] == 0
    assert client.get("/api/appraisals", {"regency": "35.07"}).json()["count"] == 0


def test_the_headline_and_the_coaching_list(admin: User) -> None:
    companions = [CompanionFactory() for _ in range(4)] + [CompanionFactory(home_desa=village(MALANG_VILLAGE))]
    for i, companion in enumerate(companions):
        final_appraisal(companion, Q1, result=str(50 + 10 * i), well=i >= 3)
    client = api(admin)
    headline = client.get("/api/appraisals/headline", {"period": "2025Q1"}).json()
    assert (headline["quarter"], headline["baseline"], headline["province_wide"]) == ("2025Q1", 20, True)
    assert headline["total"] | {"regency_name": ""} == {
        "regency_code": "",
        "regency_name": "",
        "appraised": 5,
        "performing_well": 2,
        "share": 40.0,
        "against_baseline": 20.0,
        "active": 5,
    }
    assert [(r["regency_code"], r["share"]) for r in headline["regencies"]] == [("35.07", 100.0), ("35.78", 25.0)]
    assert [t["quarter"] for t in headline["trend"]] == ["2025Q1"]
    coaching = client.get("/api/appraisals/coaching").json()
    assert coaching["quarter"] == "2025Q1"  # the newest quarter with final appraisals
    assert [row["companion_id"] for row in coaching["companions"]] == [c.pk for c in companions[:3]]


def test_a_malformed_quarter_is_a_400(admin: User) -> None:
    response = api(admin).get("/api/appraisals/headline", {"period": "besok"})
    assert response.status_code == 400 and "period" in response.json()["error"]["fields"]
