"""The companion model's flat API lists and the details beside them: applications across calls, placements
across rounds, briefing participants across batches, one assignment, one follow-up, the appraisal rubrics.
Over the scope tests' world: a Surabaya bundle (the cast's) and a Malang one, with rows of every step."""

from typing import Any

import pytest
from django.test import Client

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.companions.models import Participant, Placement
from pendamping.companions.models.recruitment import Application
from pendamping.core.nik import mask_number
from pendamping.core.tests.test_url_scoping import World, world

__all__ = ["world"]
pytestmark = pytest.mark.django_db


def _api(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='t')[1]}"})


def _rows(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    return list(response.json()["items"])


def test_an_assignment_is_shown_in_scope_and_not_found_outside(
    world: World, surabaya_officer: User, companion_user: User
) -> None:
    home, away = world.home.assignment, world.away.assignment
    officer = _api(surabaya_officer)
    row = officer.get(f"/api/assignments/{home.pk}").json()
    assert (row["companion_id"], row["group_id"], row["group_code"]) == (
        home.companion_id,
        home.group_id,
        home.group.code,
    )
    assert officer.get(f"/api/assignments/{away.pk}").status_code == 404
    assert _api(companion_user).get(f"/api/assignments/{home.pk}").status_code == 200


def test_a_follow_up_is_shown_to_those_who_read_visits(world: World, surabaya_officer: User, evaluator: User) -> None:
    home, away = world.home.follow_up, world.away.follow_up
    row = _api(surabaya_officer).get(f"/api/follow-ups/{home.pk}").json()
    assert (row["visit_id"], row["action"], row["done_on"]) == (home.visit_id, "Tindak lanjut Xsurabaya", None)
    assert _api(surabaya_officer).get(f"/api/follow-ups/{away.pk}").status_code == 404
    assert _api(evaluator).get(f"/api/follow-ups/{home.pk}").status_code == 404


def test_applications_of_every_call_in_scope_with_the_nik_masked(
    world: World, surabaya_officer: User, companion_user: User
) -> None:
    rows = _rows(_api(surabaya_officer).get("/api/applications", {"ordering": "name"}))
    mine = Application.objects.filter(regency_id="35.78")
    assert [r["id"] for r in rows] == list(mine.order_by("name", "pk").values_list("pk", flat=True))
    assert {r["nik"] for r in rows} == {mask_number(nik) for nik in mine.values_list("nik", flat=True)}
    assert all("*" in r["nik"] and r["regency_code"] == "35.78" for r in rows)
    screening = world.home.screening_call.pk
    only = _rows(_api(surabaya_officer).get("/api/applications", {"call_id": screening}))
    assert [r["id"] for r in only] == [world.home.application.pk]
    assert _api(companion_user).get("/api/applications").status_code == 403


def test_placements_of_every_round_in_scope_ordered_and_paged(world: World, surabaya_officer: User) -> None:
    client = _api(surabaya_officer)
    mine = set(Placement.objects.filter(companion__regency_id="35.78").values_list("pk", flat=True))
    by_score = _rows(client.get("/api/placements", {"ordering": "-score"}))
    assert {r["id"] for r in by_score} == mine and len(mine) == 3
    assert [r["score"] for r in by_score] == sorted((r["score"] for r in by_score), reverse=True)
    assert {r["regency_code"] for r in by_score} == {"35.78"}
    running = _rows(client.get("/api/placements", {"round_id": world.home.running_round.pk}))
    assert [(r["id"], r["logbook_count"], len(r["assessments"])) for r in running] == [(world.home.placement.pk, 1, 2)]
    page = client.get("/api/placements", {"ordering": "companion", "page_size": 2, "page": 2}).json()
    assert (page["count"], page["pages"], len(page["items"])) == (3, 2, 1)


def test_briefing_participants_across_batches(world: World, surabaya_officer: User, auditor: User) -> None:
    mine = Participant.objects.filter(companion__regency_id="35.78")
    rows = _rows(_api(auditor).get("/api/participants", {"ordering": "companion"}))
    assert [r["id"] for r in rows] == list(mine.order_by("companion__name", "pk").values_list("pk", flat=True))
    assert len(rows) > 1 and {r["regency_code"] for r in rows} == {"35.78"}
    participant = world.home.briefing_participant
    detail = _api(surabaya_officer).get(f"/api/participants/{participant.pk}").json()
    assert (detail["briefing_id"], detail["pre_score"], detail["post_score"]) == (participant.briefing_id, 40.0, 70.0)
    away = world.away.briefing_participant
    assert _api(surabaya_officer).get(f"/api/participants/{away.pk}").status_code == 404


def test_unknown_ordering_keys_are_refused_with_the_allowed_ones(world: World, surabaya_officer: User) -> None:
    client = _api(surabaya_officer)
    for path, allowed in (
        ("/api/applications", "created_at, id, name, rank, score, status"),
        ("/api/placements", "companion, id, round, score, status"),
        ("/api/participants", "briefing, companion, id, post_score, pre_score"),
    ):
        response = client.get(path, {"ordering": "nik"})
        assert response.status_code == 400, path
        assert response.json()["error"]["fields"]["ordering"] == [f"Unknown ordering key 'nik'; allowed: {allowed}."]


def test_the_appraisal_rubrics_are_read_by_those_who_read_appraisals(
    world: World, surabaya_officer: User, companion_user: User
) -> None:
    rubric = world.home.appraisal_rubric
    rows = _rows(_api(surabaya_officer).get("/api/appraisal-rubrics"))
    assert [(r["id"], r["is_active"]) for r in rows] == [(rubric.pk, True)]
    detail = _api(surabaya_officer).get(f"/api/appraisal-rubrics/{rubric.pk}").json()
    assert len(detail["indicators"]) == detail["indicator_count"] == rubric.indicators.count() > 0
    assert {i["role"] for i in detail["indicators"]} >= {"resource", "motivator", "facilitator", "data"}
    assert _api(companion_user).get("/api/appraisal-rubrics").status_code == 403
