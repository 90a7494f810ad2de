"""Visits through the API's door: recording from a phone app (idempotent with client_key), the scoped lists, the
follow-ups, deleting and the frequency."""

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.companions.models import Companion, FollowUp, Visit
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, kube_with_members, village

pytestmark = pytest.mark.django_db
JSON = "application/json"
TODAY = timezone.localdate()
NOT_FOUND = "No such record (or not in your area)."


def api(user: User) -> Client:
    cache.clear()  # the rate-limit counters
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='test')[1]}"})


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type=JSON)


def error(response: Any, status: int, code: str = "validation_error") -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    return response.json()["error"]


@pytest.fixture
def mine(companion_user: User) -> Companion:
    return CompanionFactory(user=companion_user, name="Ani Lestari", home_desa=village(SURABAYA_VILLAGE))


def kube(companion: Companion | None, code: str = SURABAYA_VILLAGE, name: str = "KUBE Melati") -> Group:
    group = kube_with_members(5, desa=village(code), name=name)
    AssignmentFactory(group=group, **({"companion": companion} if companion else {}), started_on=dt.date(2024, 1, 1))
    return group


@pytest.fixture
def melati(mine: Companion) -> Group:
    return kube(mine)


def body(group: Group, **overrides: Any) -> dict[str, Any]:
    return {
        "group_id": group.pk,
        "on": (TODAY - dt.timedelta(days=2)).isoformat(),
        "roles": ["resource"],
        "topics": ["production"],
        "members_present": 4,
        "problems": "Mesin rusak",
        "follow_ups": [{"action": "Hubungi teknisi", "due_on": (TODAY + dt.timedelta(days=3)).isoformat()}],
        "client_key": "0f8fad5b-d9cb-469f-a165-70867728950e",
        **overrides,
    }


def test_a_companion_records_a_visit_and_a_repeat_returns_it(companion_user: User, melati: Group) -> None:
    client = api(companion_user)

    first = post(client, "/api/visits", body(melati))
    again = post(client, "/api/visits", body(melati, problems="lain"))

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    row = first.json()
    assert (row["group_name"], row["roles"], row["topics"], row["open_follow_ups"]) == (
        "KUBE Melati",
        ["resource"],
        ["production"],
        1,
    )
    assert row["follow_ups"][0]["action"] == "Hubungi teknisi" and row["follow_ups"][0]["overdue"] is False
    assert Visit.objects.count() == 1 and Visit.objects.get().problems == "Mesin rusak"


def test_a_kube_not_theirs_and_a_missing_one_get_the_same_answer(companion_user: User, melati: Group) -> None:
    other = kube(None, name="KUBE Lain")
    client = api(companion_user)

    not_theirs = error(post(client, "/api/visits", body(other, client_key=None)), 400)
    missing = error(post(client, "/api/visits", body(other, group_id=10**9, client_key=None)), 400)

    assert not_theirs == missing and not_theirs["fields"] == {"group_id": [NOT_FOUND]}
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"on": (TODAY + dt.timedelta(days=1)).isoformat()}, "on"),
        ({"roles": []}, "roles"),
        ({"roles": ["boss"]}, "roles.0"),
        ({"members_present": 6}, "members_present"),
        ({"follow_ups": [{"action": "x", "due_on": "2020-01-01"}]}, "follow_ups"),
        ({"client_key": "short"}, "client_key"),
    ],
)
def test_bad_visits_are_refused_with_the_field(
    companion_user: User, melati: Group, change: dict[str, Any], field: str
) -> None:
    assert field in error(post(api(companion_user), "/api/visits", body(melati, **change)), 400)["fields"]
    assert not Visit.objects.exists()


def test_officers_do_not_record_visits(surabaya_officer: User, melati: Group) -> None:
    error(post(api(surabaya_officer), "/api/visits", body(melati)), 403, "forbidden")


def test_an_admin_records_for_the_kubes_companion_by_default(admin: User, melati: Group, mine: Companion) -> None:
    response = post(api(admin), "/api/visits", body(melati))

    assert response.status_code == 201 and response.json()["companion_id"] == mine.pk
    other = CompanionFactory()
    refused = error(post(api(admin), "/api/visits", body(melati, companion_id=other.pk, client_key=None)), 400)
    assert "group_id" in refused["fields"]


def test_the_visit_list_is_scoped(
    companion_user: User, melati: Group, mine: Companion, malang_officer: User, auditor: User, admin: User
) -> None:
    post(api(companion_user), "/api/visits", body(melati))
    malang = kube(None, MALANG_VILLAGE, name="KUBE Malang")
    post(api(admin), "/api/visits", body(malang, client_key=None))

    assert [r["group_name"] for r in api(companion_user).get("/api/visits").json()["items"]] == ["KUBE Melati"]
    assert [r["group_name"] for r in api(auditor).get("/api/visits").json()["items"]] == ["KUBE Melati"]
    assert [r["group_name"] for r in api(malang_officer).get("/api/visits").json()["items"]] == ["KUBE Malang"]
    assert api(auditor).get("/api/visits", {"regency": "35.07"}).json()["count"] == 0
    assert api(admin).get("/api/visits", {"companion_id": mine.pk}).json()["count"] == 1


def test_a_visit_out_of_scope_is_not_found(companion_user: User, melati: Group, malang_officer: User) -> None:
    visit_id = post(api(companion_user), "/api/visits", body(melati)).json()["id"]

    error(api(malang_officer).get(f"/api/visits/{visit_id}"), 404, "not_found")
    error(api(malang_officer).delete(f"/api/visits/{visit_id}"), 404, "not_found")
    assert Visit.objects.exists()


def test_the_author_deletes_a_visit_and_officers_cannot(
    companion_user: User, melati: Group, surabaya_officer: User
) -> None:
    visit_id = post(api(companion_user), "/api/visits", body(melati)).json()["id"]

    error(api(surabaya_officer).delete(f"/api/visits/{visit_id}"), 403, "forbidden")
    assert api(companion_user).delete(f"/api/visits/{visit_id}").status_code == 204
    assert not Visit.objects.exists() and not FollowUp.objects.exists()


def test_open_follow_ups_until_done(companion_user: User, melati: Group, surabaya_officer: User) -> None:
    post(api(companion_user), "/api/visits", body(melati))
    officer = api(surabaya_officer)
    listed = officer.get("/api/follow-ups").json()
    assert listed["count"] == 1
    follow_up_id = listed["items"][0]["id"]

    done = post(officer, f"/api/follow-ups/{follow_up_id}/done", {"done_on": TODAY.isoformat(), "note": "selesai"})

    assert done.status_code == 200 and (done.json()["done_on"], done.json()["note"]) == (TODAY.isoformat(), "selesai")
    assert officer.get("/api/follow-ups").json()["count"] == 0
    error(post(officer, f"/api/follow-ups/{follow_up_id}/done", {"done_on": TODAY.isoformat()}), 400)


def test_overdue_follow_ups_are_flagged_and_filtered(companion_user: User, melati: Group) -> None:
    due = (TODAY - dt.timedelta(days=1)).isoformat()
    post(api(companion_user), "/api/visits", body(melati, follow_ups=[{"action": "Lewat", "due_on": due}]))
    client = api(companion_user)

    rows = client.get("/api/follow-ups", {"overdue": "true"}).json()["items"]

    assert [(r["action"], r["overdue"]) for r in rows] == [("Lewat", True)]


def test_the_frequency_per_companion_and_per_kube(companion_user: User, melati: Group, admin: User) -> None:
    on = (TODAY.replace(day=1) - dt.timedelta(days=1)).isoformat()  # last month: inside every window
    post(api(companion_user), "/api/visits", body(melati, on=on))

    response = api(admin).get("/api/visits/frequency", {"months": 3, "status": "active"})

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["months"] == 3 and data["regencies"][-1]["regency_code"] == ""
    ani = next(r for r in data["items"] if r["name"] == "Ani Lestari")
    assert (ani["visits"], ani["kube"], ani["per_month"], ani["per_kube"]) == (
        1,
        1,
        pytest.approx(1 / 3),
        pytest.approx(1 / 3),
    )
    groups = api(admin).get("/api/visits/frequency/groups").json()["items"]
    assert [(g["name"], g["visits"], g["companion_name"]) for g in groups] == [("KUBE Melati", 1, "Ani Lestari")]
    error(api(admin).get("/api/visits/frequency", {"months": 5}), 400)
