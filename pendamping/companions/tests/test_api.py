"""Companions and assignments through the API's door: scope, forged keys, masking, locking, query counts.

Cast: the Surabaya officer works in Kota Surabaya (35.78); a companion's login sees their own record only;
the auditor reads Surabaya."""

from typing import Any, get_args

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.audit.models import AuditEntry
from pendamping.companions.api import people as companions_api
from pendamping.companions.models import Assignment, Companion
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, GroupFactory, village

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    cache.clear()  # the rate-limit counters


def api(user: User) -> Client:
    _token, raw = token_create(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body["error"]) == {"code", "message", "fields"} and body["error"]["code"] == code
    return body["error"]


def companion_body(**overrides: Any) -> dict[str, Any]:
    return {
        "nik": "3578015505950003",
        "name": "Ani  Lestari",
        "education": "s1",
        "phone": "0812-3456-7890",
        "home_desa_code": SURABAYA_VILLAGE,
        "status": "active",
        **overrides,
    }


@pytest.fixture
def malang_companion() -> Companion:
    companion = CompanionFactory(home_desa=village(MALANG_VILLAGE), name="Budi Malang")
    AssignmentFactory(companion=companion, group=GroupFactory(desa=village(MALANG_VILLAGE)))
    return companion


def test_officer_lists_only_companions_of_their_regency(surabaya_officer: User, malang_companion: Companion) -> None:
    mine = CompanionFactory()
    client = api(surabaya_officer)
    body = client.get("/api/companions").json()
    assert [c["id"] for c in body["items"]] == [mine.pk] and body["items"][0]["nik"] == mine.nik_masked
    for query in ("regency=35.07", "q=Budi", f"q={malang_companion.nik[:8]}", "page_size=100"):
        assert client.get(f"/api/companions?{query}").json()["count"] == (1 if query == "page_size=100" else 0)
    assert client.get("/api/assignments").json()["count"] == 0
    assert client.get(f"/api/assignments?companion_id={malang_companion.pk}").json()["count"] == 0


def test_a_companion_sees_only_their_own_record(companion_user: User, malang_companion: Companion) -> None:
    me = CompanionFactory(user=companion_user)
    AssignmentFactory(companion=me)
    CompanionFactory()
    client = api(companion_user)
    assert [c["id"] for c in client.get("/api/companions").json()["items"]] == [me.pk]
    assert client.get("/api/assignments").json()["count"] == 1
    body = client.get(f"/api/companions/{me.pk}").json()
    assert body["nik"] == me.nik_masked and body["caseload"] == 1
    error(client.get(f"/api/companions/{malang_companion.pk}"), 404, "not_found")


def test_out_of_scope_companions_and_assignments_are_404_and_unchanged(
    surabaya_officer: User, malang_companion: Companion
) -> None:
    client, assignment = api(surabaya_officer), malang_companion.assignments.get()
    audits = AuditEntry.objects.count()
    error(client.get(f"/api/companions/{malang_companion.pk}"), 404, "not_found")
    patch = {"version": 1, "name": "Hacked", "caseload_limit": 1}
    error(client.patch(f"/api/companions/{malang_companion.pk}", patch, content_type=JSON), 404, "not_found")
    body = {"ended_on": "2024-06-01", "reason": "x"}
    error(client.post(f"/api/assignments/{assignment.pk}/end", body, content_type=JSON), 404, "not_found")
    malang_companion.refresh_from_db()
    assert (malang_companion.name, malang_companion.version) == ("Budi Malang", 1)
    assert Assignment.objects.get().ended_on is None and AuditEntry.objects.count() == audits


def test_only_the_detail_reveals_the_nik_to_officers_and_it_is_audited(surabaya_officer: User, auditor: User) -> None:
    companion = CompanionFactory()
    assert api(surabaya_officer).get(f"/api/companions/{companion.pk}").json()["nik"] == companion.nik
    assert AuditEntry.objects.filter(action="reveal", object_id=str(companion.pk)).count() == 1
    assert api(auditor).get(f"/api/companions/{companion.pk}").json()["nik"] == companion.nik_masked
    assert api(surabaya_officer).get("/api/companions").json()["items"][0]["nik"] == companion.nik_masked
    assert AuditEntry.objects.filter(action="reveal").count() == 1  # lists and masked views reveal nothing


def test_a_companion_is_registered_and_edited_with_locking(surabaya_officer: User) -> None:
    client = api(surabaya_officer)
    created = client.post("/api/companions", companion_body(), content_type=JSON)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["name"], body["sex"], body["phone"], body["regency_code"]) == (
        "Ani Lestari",
        "F",
        "081234567890",
        "35.78",
    )
    url = f"/api/companions/{body['id']}"
    assert client.patch(url, {"version": 1, "caseload_limit": 12}, content_type=JSON).json()["version"] == 2
    error(client.patch(url, {"version": 1, "caseload_limit": 5}, content_type=JSON), 409, "conflict")
    assert Companion.objects.get().caseload_limit == 12


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"regency_code": "35.07"}, "regency_code"),
        ({"home_desa_code": "35.78.99.9999"}, "home_desa_code"),
        ({"nik": "3578015505950000"}, "nik"),
        ({"phone": "12ab"}, "phone"),
        ({"education": "phd"}, "education"),
        ({"caseload_limit": 31}, "caseload_limit"),
        ({"user": 1}, "user"),
        ({"user_id": 1}, "user_id"),
        ({"regency": "35.07"}, "regency"),
        ({"version": 3}, "version"),
    ],
)
def test_bad_or_forged_companion_input_is_refused(
    surabaya_officer: User, overrides: dict[str, Any], field: str
) -> None:
    response = api(surabaya_officer).post("/api/companions", companion_body(**overrides), content_type=JSON)
    assert field in error(response, 400, "validation_error")["fields"]
    assert not Companion.objects.exists()


def test_assignments_are_made_and_ended(surabaya_officer: User) -> None:
    companion, group = CompanionFactory(), GroupFactory()
    client = api(surabaya_officer)
    body = {"companion_id": companion.pk, "group_id": group.pk, "started_on": "2024-01-10"}
    created = client.post("/api/assignments", body, content_type=JSON)
    assert created.status_code == 201 and created.json()["group_name"] == group.name
    url = f"/api/assignments/{created.json()['id']}/end"
    ended = client.post(url, {"ended_on": "2024-05-01", "reason": "moved"}, content_type=JSON).json()
    assert (ended["ended_on"], ended["end_reason"]) == ("2024-05-01", "moved")
    error(client.post(url, {"ended_on": "2024-05-02"}, content_type=JSON), 400, "validation_error")
    detail = client.get(f"/api/companions/{companion.pk}").json()
    assert detail["caseload"] == 0 and len(detail["assignments"]) == 1


def test_forged_companion_or_group_of_another_regency_is_refused(
    surabaya_officer: User, malang_companion: Companion
) -> None:
    client, mine, malang_group = api(surabaya_officer), CompanionFactory(), malang_companion.assignments.get().group
    forged = [
        ({"companion_id": mine.pk, "group_id": malang_group.pk}, "group_id"),
        ({"companion_id": malang_companion.pk, "group_id": GroupFactory().pk}, "companion_id"),
    ]
    for ids, field in forged:
        response = client.post("/api/assignments", {**ids, "started_on": "2024-01-10"}, content_type=JSON)
        assert field in error(response, 400, "validation_error")["fields"]
    assert Assignment.objects.count() == 1


def test_auditor_may_read_but_not_write(auditor: User) -> None:
    companion, client = CompanionFactory(), api(auditor)
    assert client.get(f"/api/companions/{companion.pk}").status_code == 200
    error(client.post("/api/companions", companion_body(), content_type=JSON), 403, "forbidden")
    error(
        client.patch(f"/api/companions/{companion.pk}", {"version": 1, "name": "X"}, content_type=JSON),
        403,
        "forbidden",
    )
    body = {"companion_id": companion.pk, "group_id": GroupFactory().pk, "started_on": "2024-01-10"}
    error(client.post("/api/assignments", body, content_type=JSON), 403, "forbidden")
    assert Companion.objects.get().name == companion.name and not Assignment.objects.exists()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/api/companions?page_size=100", "/api/assignments?page_size=100"])
def test_list_queries_do_not_grow_with_rows(surabaya_officer: User, url: str) -> None:
    client = api(surabaya_officer)
    client.get("/api/me")  # a new token's first request also stamps its last use; the counts compare later ones
    AssignmentFactory.create_batch(5)
    few = _queries(client, url)
    AssignmentFactory.create_batch(25)
    assert client.get(url).json()["count"] == 30
    assert _queries(client, url) == few


@pytest.mark.parametrize(
    ("literal", "choices"),
    [(companions_api.CompanionStatus, Companion.Status), (companions_api.Education, Companion.Education)],
)
def test_api_choices_match_the_models(literal: Any, choices: Any) -> None:
    assert list(get_args(literal)) == list(choices.values)
