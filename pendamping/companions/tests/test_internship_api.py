"""Internship rounds and placements through the API: the same services and rules as the pages, the error shape,
scope (404) before role (403), and a whole round from creation to an active companion."""

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.companions.models import Companion, Placement
from pendamping.companions.services.internship import round_add_hosts, round_add_trainees
from pendamping.companions.tests.test_internship_services import (
    GOOD,
    START,
    draft_round,
    outstanding_kube,
    running_placement,
    trainee,
)
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def api(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='test')[1]}"})


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type=JSON)


def error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert set(body) == {"code", "message", "fields"}
    return body


def test_a_round_from_creation_to_an_active_companion(admin: User) -> None:
    client = api(admin)
    body = {"title": "Magang API", "starts_on": "2024-07-01", "ends_on": "2024-08-31", "default_capacity": 1}
    created = post(client, "/api/internship-rounds", body)
    assert created.status_code == 201, created.content
    rid = created.json()["id"]
    people, kube = [trainee("Ani")], outstanding_kube("KUBE Tuan Rumah")
    assert post(client, f"/api/internship-rounds/{rid}/trainees", {"companion_ids": [people[0].pk]}).status_code == 200
    hosts = post(client, f"/api/internship-rounds/{rid}/hosts", {"group_ids": [kube.pk]}).json()["hosts"]
    assert hosts == [
        {
            "group_id": kube.pk,
            "group_code": kube.code,
            "group_name": "KUBE Tuan Rumah",
            "capacity": 1,
            "placed": 0,
            "free": 1,
        }
    ]
    proposed = post(client, f"/api/internship-rounds/{rid}/propose", {}).json()
    (placement,) = proposed["placements"]
    assert placement["host_group_name"] == "KUBE Tuan Rumah" and placement["score"] == "66.00"
    assert [r["part"] for r in placement["reasons"]] == ["location", "sector", "host"]
    assert proposed["feasibility"] == {"trainees": 1, "slots": 1, "placed": 1, "shortfall": 0, "suggestions": []}
    confirmed = post(client, f"/api/internship-rounds/{rid}/confirm", {"version": proposed["version"]})
    assert confirmed.json()["status"] == "confirmed"
    pid = placement["id"]
    entry = post(client, f"/api/placements/{pid}/logbook", {"on": "2024-07-02", "activity": "Belajar kas"})
    assert (
        entry.status_code == 201 and client.get(f"/api/placements/{pid}/logbook").json()[0]["activity"] == "Belajar kas"
    )
    for by in ("ketua", "officer"):
        assessed = post(
            client, f"/api/placements/{pid}/assessments", {"by": by, "assessor_name": "Penilai", "scores": GOOD}
        )
        assert assessed.status_code == 200, assessed.content
    done = post(client, f"/api/placements/{pid}/complete", {}).json()
    assert (done["status"], done["final_score"], done["logbook_count"]) == ("completed", "80.00", 1)
    assert Companion.objects.get(pk=people[0].pk).status == "active"


def test_a_trainee_without_a_completed_briefing_and_a_host_not_outstanding_are_400s(admin: User) -> None:
    client, rnd = api(admin), draft_round(admin)
    refused = error(
        post(
            client,
            f"/api/internship-rounds/{rnd.pk}/trainees",
            {"companion_ids": [trainee("Citra", completed=False).pk]},
        ),
        400,
    )
    assert refused["fields"] == {"companion_ids": ["Citra has not completed a briefing batch."]}
    plain = GroupFactory(name="KUBE Biasa", status=Group.Status.ACTIVE)
    refused = error(post(client, f"/api/internship-rounds/{rnd.pk}/hosts", {"group_ids": [plain.pk]}), 400)
    assert refused["fields"] == {"group_ids": ["KUBE Biasa is not an outstanding KUBE."]}
    assert error(post(client, f"/api/internship-rounds/{rnd.pk}/trainees", {"companion_ids": [10**9]}), 400)["fields"]


def test_an_infeasible_round_is_refused_with_what_to_do_unless_partial(admin: User) -> None:
    client, rnd = api(admin), draft_round(admin, capacity=1)
    round_add_trainees(actor=admin, round=rnd, companions=[trainee("Ani"), trainee("Budi")])
    round_add_hosts(actor=admin, round=rnd, groups=[outstanding_kube("KUBE Satu")])
    outstanding_kube("KUBE Usulan")
    detail = client.get(f"/api/internship-rounds/{rnd.pk}").json()
    assert (
        detail["feasibility"]["shortfall"] == 1
        and detail["feasibility"]["suggestions"][0]["group_name"] == "KUBE Usulan"
    )
    message = error(post(client, f"/api/internship-rounds/{rnd.pk}/propose", {}), 400)["message"]
    assert message.startswith("1 of 2 trainees cannot be placed") and "KUBE Usulan" in message
    partial = post(client, f"/api/internship-rounds/{rnd.pk}/propose", {"partial": True}).json()
    assert sorted(p["host_group_name"] or "" for p in partial["placements"]) == ["", "KUBE Satu"]


def test_swapping_over_the_api(admin: User) -> None:
    client, rnd = api(admin), draft_round(admin, capacity=1)
    round_add_trainees(actor=admin, round=rnd, companions=[trainee("Ani"), trainee("Budi")])
    round_add_hosts(actor=admin, round=rnd, groups=[outstanding_kube("KUBE A"), outstanding_kube("KUBE B")])
    post(client, f"/api/internship-rounds/{rnd.pk}/propose", {})
    ani, budi = (rnd.placements.get(companion__name=n) for n in ("Ani", "Budi"))
    before = {ani.pk: ani.host_id, budi.pk: budi.host_id}
    swapped = post(client, f"/api/placements/{ani.pk}/swap", {"with_id": budi.pk})
    assert swapped.status_code == 200 and [p["id"] for p in swapped.json()] == [ani.pk, budi.pk]
    assert dict(Placement.objects.filter(round=rnd).values_list("pk", "host")) == {
        ani.pk: before[budi.pk],
        budi.pk: before[ani.pk],
    }
    assert error(post(client, f"/api/placements/{ani.pk}/swap", {"with_id": ani.pk}), 400)["fields"] == {
        "with_id": ["Choose two different trainees."]
    }


def test_scores_outside_1_to_4_are_refused(admin: User, surabaya_officer: User) -> None:
    placement = running_placement(admin)
    client = api(surabaya_officer)
    body = {"by": "officer", "assessor_name": "Bu Rina", "scores": {**GOOD, "initiative": 5}}
    refused = error(post(client, f"/api/placements/{placement.pk}/assessments", body), 400)
    assert "scored from 1 to 4" in refused["fields"]["scores"][0]
    assert not placement.assessments.exists()


def test_the_logbook_is_the_trainees_own(admin: User, companion_user: User) -> None:
    mine = running_placement(admin, user=companion_user)
    client = api(companion_user)
    assert (
        post(client, f"/api/placements/{mine.pk}/logbook", {"on": START.isoformat(), "activity": "Rapat"}).status_code
        == 201
    )
    other = Placement.objects.get(pk=running_placement(admin, desa=MALANG_VILLAGE).pk)
    error(post(client, f"/api/placements/{other.pk}/logbook", {"on": START.isoformat(), "activity": "x"}), 404)
    error(client.get(f"/api/placements/{other.pk}"), 404)
    assert client.get(f"/api/placements/{mine.pk}").json()["companion_name"] == "Intan Permata"
    error(client.get("/api/internship-rounds/" + str(mine.round_id)), 404)  # companions see placements, not rounds


def test_scope_before_role(admin: User, surabaya_officer: User) -> None:
    here, away = running_placement(admin), running_placement(admin, desa=MALANG_VILLAGE)
    client = api(surabaya_officer)
    error(post(client, f"/api/placements/{away.pk}/complete", {}), 404)
    error(post(client, f"/api/placements/{here.pk}/complete", {}), 403)
    error(post(client, f"/api/internship-rounds/{here.round_id}/propose", {}), 403)
    listed = client.get("/api/internship-rounds").json()
    assert [r["id"] for r in listed["items"]] == [here.round_id]
    error(
        post(client, "/api/internship-rounds", {"title": "X", "starts_on": "2024-07-01", "ends_on": "2024-07-02"}), 403
    )


def test_unknown_fields_are_refused(admin: User) -> None:
    placement = running_placement(admin)
    refused = error(post(api(admin), f"/api/placements/{placement.pk}/complete", {"status": "completed"}), 400)
    assert "status" in refused["fields"]
    assert Placement.objects.get(pk=placement.pk).status == "confirmed"
