"""The classification API: the scoped ranking with its filters, one KUBE's score explained, and the admins'
request to recompute (queued as a task), with the API's error shape."""

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from pendamping.accounts.services import token_create
from pendamping.enterprise.models import GroupScore
from pendamping.enterprise.services.classification import group_scores_refresh
from pendamping.enterprise.tests.factories import MonthlyReportFactory
from pendamping.enterprise.tests.test_classification_services import make_rubric, malang_kube, months_ago, scored
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import kube_with_members

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def api(user: Any) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='uji')[1]}"})


def test_the_list_holds_the_scores_of_the_users_regencies(surabaya_officer: Any) -> None:
    make_rubric()
    mine, theirs = kube_with_members(5, name="KUBE Mawar"), malang_kube()
    scored(mine, 82.5, months=14)
    scored(theirs, 91)

    body = api(surabaya_officer).get("/api/classification", {"regency": "35.07"}).json()
    assert body["count"] == 0
    body = api(surabaya_officer).get("/api/classification").json()

    assert body["count"] == 1
    row = body["items"][0]
    assert row | {"id": 0, "computed_at": ""} == {
        "id": 0,
        "group_id": mine.pk,
        "group_code": mine.code,
        "group_name": "KUBE Mawar",
        "regency_id": "35.78",
        "regency_name": mine.regency.name,
        "score": 82.5,
        "level_position": 3,
        "level_name": "maju",
        "rank_in_regency": None,
        "months_reported": 14,
        "outstanding": False,
        "computed_at": "",
    }


def test_the_list_filters_by_level_and_outstanding(admin: Any) -> None:
    make_rubric()
    top, middle = kube_with_members(5), kube_with_members(5)
    scored(top, 90)
    scored(middle, 60, level=2)
    GroupScore.objects.filter(group=top).update(outstanding=True)
    client = api(admin)

    def ids(**params: Any) -> list[int]:
        return [row["group_id"] for row in client.get("/api/classification", params).json()["items"]]

    assert ids(level=2) == [middle.pk]
    assert ids(outstanding="true") == [top.pk]
    assert client.get("/api/classification", {"level": 0}).status_code == 400


def test_a_kubes_score_is_explained(auditor: Any) -> None:
    """Board 3 of 3 (weight 1, 1 point) and 1 meeting a month against 2 (weight 3, 0.5): (1 + 1.5) / 4 = 62.50."""
    make_rubric([("board_complete", 1), ("meetings_per_month", 3)])
    group = kube_with_members(5)
    MonthlyReportFactory(group=group, period=months_ago(1), meetings_held=1)
    group_scores_refresh()

    body = api(auditor).get(f"/api/groups/{group.pk}/score").json()

    assert (body["score"], body["level_name"], body["rank_in_regency"]) == (62.5, "berkembang", 1)
    assert [(i["rule"], i["weight"], i["value"], i["points"], i["contribution"]) for i in body["indicators"]] == [
        ("board_complete", 1.0, 3.0, 1.0, 25.0),
        ("meetings_per_month", 3.0, 1.0, 0.5, 37.5),
    ]
    assert body["indicators"][1]["explanation"] == "Meetings a month on average: 1 (reports: 1); full points at 2."
    assert body["aspects"] == [{"aspect": "institutional", "weight": 4.0, "possible": 100.0, "earned": 62.5}]


def test_a_score_out_of_scope_or_not_computed_is_not_found(surabaya_officer: Any, admin: Any) -> None:
    make_rubric()
    theirs, unscored = malang_kube(), kube_with_members(5)
    scored(theirs, 90)
    for client, group in ((api(surabaya_officer), theirs), (api(admin), unscored)):
        response = client.get(f"/api/groups/{group.pk}/score")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    Group.objects.filter(pk=theirs.pk).update(status=Group.Status.GRADUATED)
    assert api(admin).get(f"/api/groups/{theirs.pk}/score").status_code == 404


def test_an_admin_queues_the_recomputation(admin: Any, django_capture_on_commit_callbacks: Any) -> None:
    make_rubric()
    surabaya, malang = kube_with_members(5), malang_kube()
    with django_capture_on_commit_callbacks(execute=True):
        response = api(admin).post(
            "/api/classification/refresh", {"regencies": ["35.07"]}, content_type="application/json"
        )
    assert response.status_code == 202
    assert response.json() == {"queued": True, "regencies": ["35.07"]}
    assert list(GroupScore.objects.values_list("group_id", flat=True)) == [malang.pk]
    assert not GroupScore.objects.filter(group=surabaya).exists()


def test_recomputing_is_the_admins_and_refuses_other_fields(surabaya_officer: Any, admin: Any) -> None:
    make_rubric()
    refused = api(surabaya_officer).post("/api/classification/refresh", {}, content_type="application/json")
    assert refused.status_code == 403
    extra = api(admin).post("/api/classification/refresh", {"score": 100}, content_type="application/json")
    assert extra.status_code == 400 and "score" in extra.json()["error"]["fields"]
    bad = api(admin).post("/api/classification/refresh", {"regencies": ["Surabaya"]}, content_type="application/json")
    assert bad.status_code == 400


def test_recomputing_without_a_rubric_is_refused(admin: Any) -> None:
    make_rubric().delete()
    response = api(admin).post("/api/classification/refresh", {}, content_type="application/json")
    assert response.status_code == 400
    assert "No classification rubric is in use" in response.json()["error"]["message"]
