"""Recruitment through the API's door: calls, the officer's entry, the ranking per regency, panel scores and
decisions; the error shape of each refusal, scope (404 outside one's regencies), masking and query counts."""

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.companions.models import Application, Call, Companion
from pendamping.companions.services.recruitment import call_set_status
from pendamping.companions.tests.test_recruitment_factories import MALANG, SURABAYA, applicant, make_call, submit
from pendamping.registry.tests.factories import MALANG_VILLAGE

pytestmark = pytest.mark.django_db
JSON = "application/json"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    cache.clear()  # the rate-limit counters


def api(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='test')[1]}"})


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["code"] == code
    return body


def call_body(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Rekrutmen API",
        "opens_on": TODAY.isoformat(),
        "closes_on": (TODAY + dt.timedelta(days=14)).isoformat(),
        "quotas": {SURABAYA: 2, MALANG: 1},
        **overrides,
    }


def application_body(n: int = 1, **overrides: Any) -> dict[str, Any]:
    return {**applicant(n), "regency_code": SURABAYA, **overrides}


def test_the_admin_creates_opens_and_changes_a_call(admin: User) -> None:
    client = api(admin)
    criteria = [{"kind": "interview", "weight": 70}, {"kind": "experience", "weight": 30, "params": {"full_years": 5}}]
    created = client.post("/api/calls", call_body(criteria=criteria), content_type=JSON)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and [q["regency_code"] for q in body["quotas"]] == [MALANG, SURABAYA]
    assert [(c["kind"], c["automatic"], c["params"]) for c in body["criteria"]] == [
        ("interview", False, {}),
        ("experience", True, {"full_years": 5}),
    ]
    path = f"/api/calls/{body['id']}"
    opened = client.post(f"{path}/status", {"status": "open", "version": 1}, content_type=JSON)
    assert opened.json()["status"] == "open"
    patched = client.patch(path, {"version": 2, "title": "Rekrutmen API 2", "quotas": {SURABAYA: 5}}, content_type=JSON)
    assert patched.json()["title"] == "Rekrutmen API 2" and patched.json()["quotas"][0]["quota"] == 5
    error(client.patch(path, {"version": 2, "title": "Basi"}, content_type=JSON), 409, "conflict")
    refused = error(client.post(f"{path}/status", {"status": "decided"}, content_type=JSON), 400, "validation_error")
    assert "only to screening" in refused["fields"]["status"][0]


def test_a_bad_call_gets_field_errors(admin: User) -> None:
    client = api(admin)
    body = error(client.post("/api/calls", call_body(quotas={"35.99": 1}), content_type=JSON), 400, "validation_error")
    assert "Unknown regency or city: 35.99" in body["fields"]["quotas"][0]
    body = error(client.post("/api/calls", call_body(role="admin"), content_type=JSON), 400, "validation_error")
    assert "role" in body["fields"]
    assert not Call.objects.exists()


def test_officers_may_not_create_calls(surabaya_officer: User) -> None:
    error(api(surabaya_officer).post("/api/calls", call_body(), content_type=JSON), 403, "forbidden")


def test_an_officer_enters_an_applicant_and_reads_the_ranking(surabaya_officer: User) -> None:
    call = make_call(quotas={SURABAYA: 2, MALANG: 1})
    submit(call, 9, regency=MALANG, desa=MALANG_VILLAGE, name="Orang Malang")
    client = api(surabaya_officer)
    created = client.post(f"/api/calls/{call.pk}/applications", application_body(1), content_type=JSON)
    assert created.status_code == 201, created.content
    detail = created.json()
    assert detail["reference"].startswith("REK-") and detail["rank"] == 1 and detail["channel"] == "officer"
    assert detail["nik"].startswith("3578") and "*" in detail["nik"]  # masked
    assert {s["label"]: s["value"] for s in detail["scores"]}["education level"] == "100.00"
    assert len(detail["missing"]) == 2
    ranking = client.get(f"/api/calls/{call.pk}/applications").json()
    assert [r["regency_code"] for r in ranking["regencies"]] == [SURABAYA]  # Malang's ranking is not theirs
    assert [a["name"] for a in ranking["regencies"][0]["applications"]] == ["Pelamar 1"]
    forged = client.post(
        f"/api/calls/{call.pk}/applications", application_body(2, regency_code=MALANG), content_type=JSON
    )
    assert "outside the regencies" in error(forged, 400, "validation_error")["fields"]["regency_code"][0]


def test_a_duplicate_nik_and_a_closed_call_are_refused(surabaya_officer: User) -> None:
    call = make_call()
    client = api(surabaya_officer)
    client.post(f"/api/calls/{call.pk}/applications", application_body(1), content_type=JSON)
    duplicate = client.post(f"/api/calls/{call.pk}/applications", application_body(1), content_type=JSON)
    assert "already applied" in error(duplicate, 400, "validation_error")["fields"]["nik"][0]
    Call.objects.filter(pk=call.pk).update(
        closes_on=TODAY - dt.timedelta(days=1), opens_on=TODAY - dt.timedelta(days=9)
    )
    closed = client.post(f"/api/calls/{call.pk}/applications", application_body(2), content_type=JSON)
    assert "Applications closed on" in error(closed, 400, "validation_error")["message"]
    assert Application.objects.count() == 1


def test_panel_scores_ranking_and_decision(admin: User, surabaya_officer: User) -> None:
    call = make_call(quotas={SURABAYA: 1})
    first, second = submit(call, 1), submit(call, 2, education="sma")
    interview = call.criteria.get(kind="interview")
    officer = api(surabaya_officer)
    path = f"/api/applications/{second.pk}/scores"
    scored = officer.post(path, {"criterion_id": interview.pk, "value": 100}, content_type=JSON)
    assert scored.status_code == 200, scored.content
    assert {s["label"]: s["value"] for s in scored.json()["scores"]}["interview (panel)"] == "100.00"
    too_high = officer.post(path, {"criterion_id": interview.pk, "value": 101}, content_type=JSON)
    assert error(too_high, 400, "validation_error")["fields"]["value"] == ["A score is a number from 0 to 100."]
    automatic = officer.post(path, {"criterion_id": call.criteria.get(kind="age").pk, "value": 5}, content_type=JSON)
    assert "scored automatically" in error(automatic, 400, "validation_error")["fields"]["criterion_id"][0]
    foreign = make_call().criteria.get(kind="interview").pk
    assert (
        "criterion_id"
        in error(officer.post(path, {"criterion_id": foreign, "value": 5}, content_type=JSON), 400, "validation_error")[
            "fields"
        ]
    )
    ranked = officer.post(f"/api/calls/{call.pk}/rank", {}, content_type=JSON).json()
    assert [a["id"] for a in ranked["regencies"][0]["applications"]] == [second.pk, first.pk]
    call_set_status(actor=admin, call=call, status="screening")
    staff = api(admin)
    accepted = staff.post(
        f"/api/applications/{second.pk}/decision",
        {"decision": "accepted", "reason": "Peringkat 1", "version": 1},
        content_type=JSON,
    )
    assert accepted.status_code == 200 and accepted.json()["companion_id"] == Companion.objects.get().pk
    full = staff.post(
        f"/api/applications/{first.pk}/decision", {"decision": "accepted", "reason": "x"}, content_type=JSON
    )
    assert error(full, 400, "validation_error")["fields"]["decision"] == ["The quota of 1 for Kota Surabaya is full."]
    assert error(
        officer.post(
            f"/api/applications/{first.pk}/decision", {"decision": "rejected", "reason": "x"}, content_type=JSON
        ),
        403,
        "forbidden",
    )


def test_rows_outside_the_regencies_are_not_found(surabaya_officer: User, auditor: User) -> None:
    call = make_call(quotas={MALANG: 1})
    application = submit(call, 1, regency=MALANG, desa=MALANG_VILLAGE)
    for user in (surabaya_officer, auditor):
        client = api(user)
        error(client.get(f"/api/calls/{call.pk}"), 404, "not_found")
        error(client.get(f"/api/applications/{application.pk}"), 404, "not_found")
        error(client.post(f"/api/calls/{call.pk}/rank", {}, content_type=JSON), 404, "not_found")
        assert client.get("/api/calls").json()["count"] == 0


def test_the_call_list_and_the_ranking_read_in_a_fixed_number_of_queries(admin: User) -> None:
    client = api(admin)
    client.get("/api/me")  # a new token's first request also stamps its last use; the counts compare later ones
    call = make_call()
    submit(call, 1)

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    calls, ranking = count("/api/calls"), count(f"/api/calls/{call.pk}/applications")
    for n in range(2, 6):
        submit(call, n)
        make_call()
    assert count("/api/calls") == calls and count(f"/api/calls/{call.pk}/applications") == ranking
