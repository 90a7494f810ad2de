"""The briefing API: batches, their rows, attendance, scores, finishing and the report, with the same rules and
refusals as the pages (400 with the field, 404 out of scope, 403 for roles that may only read, 409 when stale)."""

import json
from typing import Any

import pytest
from django.test import Client
from scipy import stats

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.companions.models import Attendance, Briefing, BudgetLine, Participant, Session
from pendamping.companions.services.briefing import scores_record
from pendamping.companions.tests.briefing_factories import (
    JUL2,
    batch,
    instructor,
    join,
    malang,
    module,
    person,
    session,
)

pytestmark = pytest.mark.django_db


def api(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='test')[1]}"})


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    data = "" if body is None else json.dumps(body)
    return client.generic(method, f"/api{path}", data, content_type="application/json")


@pytest.fixture
def briefing() -> Briefing:
    b = batch(venue_capacity=3)
    session(b, module(b, "Peran pendamping", 2), instructors=[instructor()])
    join(b, person("Ani Lestari"), malang("Eko Prasetyo"))
    return b


def test_the_province_plans_a_batch_and_changes_it_with_its_version(admin: User) -> None:
    client = api(admin)
    body = {"title": "Angkatan II", "starts_on": "2024-08-05", "ends_on": "2024-08-07", "venue_capacity": 20}
    created = send(client, "POST", "/briefings", body)
    assert created.status_code == 201, created.content
    out = created.json()
    assert (out["status"], out["completion_share"], out["participant_count"], out["version"]) == ("planned", 80, 0, 1)
    path = f"/briefings/{out['id']}"
    assert send(client, "PATCH", path, {"version": 1, "completion_share": 75}).json()["completion_share"] == 75
    stale = send(client, "PATCH", path, {"version": 1, "venue": "Aula"})
    assert stale.status_code == 409 and Briefing.objects.get(pk=out["id"]).venue == ""
    bad = send(client, "POST", "/briefings", {**body, "ends_on": "2024-08-01"})
    assert bad.status_code == 400 and bad.json()["error"]["fields"] == {
        "ends_on": ["The last day is before the first day."]
    }


def test_regional_roles_read_their_batches_and_change_nothing(
    briefing: Briefing, surabaya_officer: User, auditor: User, companion_user: User
) -> None:
    other = batch("Pembekalan Lain")
    join(other, malang("Joko"))
    for user in (surabaya_officer, auditor):
        client = api(user)
        listed = send(client, "GET", "/briefings").json()
        assert [row["id"] for row in listed["items"]] == [briefing.pk]
        assert send(client, "GET", f"/briefings/{other.pk}").status_code == 404
        names = [p["companion_name"] for p in send(client, "GET", f"/briefings/{briefing.pk}/participants").json()]
        assert names == ["Ani Lestari"]
        assert send(client, "POST", f"/briefings/{briefing.pk}/equipment", {"item": "Proyektor"}).status_code == 403
    assert send(api(companion_user), "GET", "/briefings").status_code == 403
    assert send(api(companion_user), "GET", f"/briefings/{briefing.pk}").status_code == 404
    assert not briefing.equipment.exists()


def test_sessions_with_bad_times_or_a_double_booked_instructor_are_refused(briefing: Briefing, admin: User) -> None:
    client, mod = api(admin), briefing.modules.get()
    sri = briefing.sessions.get().instructors.get()
    base = {"module_id": mod.pk, "on": "2024-07-01", "starts_at": "10:00", "ends_at": "09:00", "method": "lecture"}
    early = send(client, "POST", f"/briefings/{briefing.pk}/sessions", base)
    assert early.status_code == 400 and early.json()["error"]["fields"] == {
        "ends_at": ["The session must end after it starts."]
    }
    clash = send(client, "POST", f"/briefings/{briefing.pk}/sessions",
                 {**base, "starts_at": "09:00", "ends_at": "11:00", "instructor_ids": [sri.pk]})  # fmt: skip
    assert clash.status_code == 400 and "already teaches" in clash.json()["error"]["fields"]["instructor_ids"][0]
    foreign = send(client, "POST", f"/briefings/{briefing.pk}/sessions",
                   {**base, "module_id": module(batch("Lain")).pk, "ends_at": "11:00"})  # fmt: skip
    assert foreign.status_code == 400 and "module_id" in foreign.json()["error"]["fields"]
    assert Session.objects.count() == 1
    ok = send(client, "POST", f"/briefings/{briefing.pk}/sessions", {**base, "ends_at": "11:30", "on": "2024-07-02"})
    assert ok.status_code == 201 and ok.json()["hours"] == 1.5


def test_budget_modules_and_equipment_over_the_api(briefing: Briefing, admin: User) -> None:
    client, path = api(admin), f"/briefings/{briefing.pk}"
    negative = send(client, "POST", f"{path}/budget", {"item": "Honor", "planned": -5})
    assert negative.status_code == 400 and negative.json()["error"]["fields"] == {
        "planned": ["Amount cannot be negative."]
    }
    line = send(client, "POST", f"{path}/budget", {"item": "Honor", "planned": "1.000.000", "actual": 1_200_000})
    assert line.status_code == 201 and line.json()["variance"] == 200_000
    assert BudgetLine.objects.get().planned == 1_000_000
    module_out = send(client, "POST", f"{path}/modules", {"title": "Usaha", "hours": 3}).json()
    assert (module_out["scheduled_hours"], module_out["mismatch"]) == (0, True)
    assert [m["title"] for m in send(client, "GET", f"{path}/modules").json()] == ["Peran pendamping", "Usaha"]
    assert send(client, "POST", f"{path}/equipment", {"item": "Proyektor", "quantity": 2}).status_code == 201
    assert send(client, "GET", f"{path}/equipment").json()[0]["quantity"] == 2


def test_participants_attendance_and_scores_over_the_api(briefing: Briefing, admin: User) -> None:
    client, path = api(admin), f"/briefings/{briefing.pk}"
    citra, dedi = person("Citra"), person("Dedi")
    added = send(client, "POST", f"{path}/participants", {"companion_id": citra.pk})
    assert added.status_code == 201 and added.json()["companion_status"] == "trainee"
    full = send(client, "POST", f"{path}/participants", {"companion_id": dedi.pk})
    assert full.status_code == 400 and "The venue holds 3" in full.json()["error"]["fields"]["companion_id"][0]
    ids = dict(briefing.participants.values_list("companion__name", "pk"))
    s = briefing.sessions.get()
    stranger = join(batch("Lain"), person("Orang Lain"))[0]
    refused = send(client, "POST", f"/sessions/{s.pk}/attendance", {"present": [ids["Ani Lestari"], stranger.pk]})
    assert refused.status_code == 400 and not Attendance.objects.exists()
    taken = send(client, "POST", f"/sessions/{s.pk}/attendance", {"present": [ids["Ani Lestari"]]}).json()
    assert (taken["present"], taken["absent"]) == ([ids["Ani Lestari"]], sorted([ids["Eko Prasetyo"], ids["Citra"]]))
    high = send(client, "POST", f"{path}/scores", {"scores": [{"participant_id": ids["Citra"], "post_score": 101}]})
    assert high.status_code == 400 and "post_score" in high.json()["error"]["fields"]
    scores = [{"participant_id": ids["Ani Lestari"], "pre_score": 40, "post_score": 75.5}]
    rows = send(client, "POST", f"{path}/scores", {"scores": scores}).json()
    ani = next(r for r in rows if r["companion_name"] == "Ani Lestari")
    assert (ani["pre_score"], ani["post_score"], ani["share"]) == (40, 75.5, 100)


def test_finishing_and_the_report_over_the_api(briefing: Briefing, admin: User) -> None:
    client, path = api(admin), f"/briefings/{briefing.pk}"
    ids = dict(briefing.participants.values_list("companion__name", "pk"))
    send(client, "POST", f"/sessions/{briefing.sessions.get().pk}/attendance", {"present": [ids["Ani Lestari"]]})
    pre, post = [40, 62], [70, 80]
    pairs = zip(ids.values(), pre, post, strict=True)
    scores_record(actor=None, briefing=briefing, scores={pk: {"pre_score": a, "post_score": b} for pk, a, b in pairs})
    assert send(client, "POST", f"{path}/finish", {"note": "x"}).status_code == 400  # no fields to send
    finished = send(client, "POST", f"{path}/finish", {})
    assert finished.status_code == 200 and finished.json()["status"] == "finished"
    assert dict(Participant.objects.values_list("companion__name", "completed")) == {
        "Ani Lestari": True, "Eko Prasetyo": False
    }  # fmt: skip
    report = send(client, "GET", f"{path}/report").json()
    assert set(report["plan"]) == {"participants", "materials", "methods", "budget", "time", "instructors",
                                   "facilities"}  # fmt: skip
    results = report["results"]
    assert (results["pairs"], results["mean_gain"], results["completed"]) == (2, 24, 1)
    t = next(test for test in results["tests"] if test["name"] == "Paired t-test")
    assert t["p_value"] == pytest.approx(stats.ttest_rel(pre, post).pvalue)
    assert send(client, "POST", f"{path}/finish", {}).status_code == 400


def test_instructors_are_the_provinces(admin: User, surabaya_officer: User) -> None:
    created = send(api(admin), "POST", "/instructors", {"name": "Dr. Sri Rahayu", "institution": "Unair"})
    assert created.status_code == 201
    assert [i["name"] for i in send(api(surabaya_officer), "GET", "/instructors").json()] == ["Dr. Sri Rahayu"]
    assert send(api(surabaya_officer), "POST", "/instructors", {"name": "Joko"}).status_code == 403
    twin = send(api(admin), "POST", "/instructors", {"name": "dr. sri rahayu", "institution": "unair"})
    assert twin.status_code == 400


def test_a_session_out_of_scope_is_not_found_for_attendance(briefing: Briefing, malang_officer: User) -> None:
    other = batch("Surabaya saja")
    (citra,) = join(other, person("Citra"))
    s = session(other, module(other), on=JUL2)
    response = send(api(malang_officer), "POST", f"/sessions/{s.pk}/attendance", {"present": [citra.pk]})
    assert response.status_code == 404 and not Attendance.objects.exists()
