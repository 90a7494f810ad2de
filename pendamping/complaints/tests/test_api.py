"""Complaints through the API's door: scope, the complainant's identity ("hidden" unless admin or assignee),
the rules of the services as 400/409 with the error shape, and no anonymous access at all.

Cast: the Surabaya officer and the auditor work in Kota Surabaya; a colleague is another Surabaya officer."""

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pendamping.accounts.models import Role, User
from pendamping.accounts.services import token_create
from pendamping.accounts.tests.factories import UserFactory
from pendamping.audit.models import AuditEntry
from pendamping.complaints.models import Complaint
from pendamping.complaints.tests.factories import ComplaintFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GrantFactory, GroupFactory, village

pytestmark = pytest.mark.django_db
JSON = "application/json"
NAME, CONTACT = "Siti Pelapor", "0812-1111-2222"


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    cache.clear()  # the rate-limit counters


def api(user: User) -> Client:
    _token, raw = token_create(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type=JSON)


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body["error"]) == {"code", "message", "fields"} and body["error"]["code"] == code
    return body["error"]


@pytest.fixture
def group() -> Group:
    return GroupFactory(name="KUBE Sejahtera")


@pytest.fixture
def complaint(group: Group, surabaya_officer: User) -> Complaint:
    return ComplaintFactory(group=group, assigned_to=surabaya_officer, status="in_progress")


def new_body(group: Group, **overrides: Any) -> dict[str, Any]:
    return {
        "regency_code": "35.78",
        "subject": "group",
        "category": "funds",
        "description": "Dana kelompok tidak jelas penggunaannya.",
        "group_id": group.pk,
        "complainant_name": NAME,
        "complainant_contact": CONTACT,
        **overrides,
    }


# --- identity ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "sees"), [("admin", True), ("surabaya_officer", True), ("colleague", False)])
def test_the_identity_is_returned_to_the_assignee_and_admins_only(
    who: str, sees: bool, complaint: Complaint, request: pytest.FixtureRequest
) -> None:
    colleague = who == "colleague"
    client = api(UserFactory(role=Role.OFFICER, regencies=["35.78"]) if colleague else request.getfixturevalue(who))
    detail = client.get(f"/api/complaints/{complaint.pk}").json()
    row = client.get("/api/complaints").json()["items"][0]
    expected = (NAME, CONTACT) if sees else ("hidden", "hidden")
    for shown in (detail, row):
        assert (shown["complainant_name"], shown["complainant_contact"]) == expected


def test_the_auditor_reads_complaints_with_the_identity_hidden(complaint: Complaint, auditor: User) -> None:
    body = api(auditor).get(f"/api/complaints/{complaint.pk}")
    assert body.status_code == 200 and NAME not in body.content.decode() and CONTACT not in body.content.decode()


def test_an_anonymous_complaint_has_no_identity_to_hide(group: Group, admin: User) -> None:
    row = ComplaintFactory(group=group, anonymous=True, complainant_name="", complainant_contact="")
    shown = api(admin).get(f"/api/complaints/{row.pk}").json()
    assert shown["anonymous"] is True and (shown["complainant_name"], shown["complainant_contact"]) == ("", "")


# --- scope ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["malang_officer", "companion_user", "evaluator", "officer_without_region"])
def test_a_complaint_outside_the_scope_is_not_found_by_any_endpoint(
    who: str, complaint: Complaint, request: pytest.FixtureRequest
) -> None:
    client, base = api(request.getfixturevalue(who)), f"/api/complaints/{complaint.pk}"
    error(client.get(base), 404, "not_found")
    error(post(client, f"{base}/assign", {"officer_id": complaint.assigned_to_id}), 404, "not_found")
    error(post(client, f"{base}/status", {"status": "rejected", "resolution": "x", "version": 1}), 404, "not_found")
    complaint.refresh_from_db()
    assert complaint.status == "in_progress" and complaint.version == 1


def test_the_list_counts_exactly_the_scope_whatever_the_filters(
    complaint: Complaint, surabaya_officer: User, auditor: User
) -> None:
    ComplaintFactory(group=GroupFactory(desa=village(MALANG_VILLAGE)))
    for user in (surabaya_officer, auditor):
        client = api(user)
        body = client.get("/api/complaints").json()
        assert body["count"] == 1 and [r["id"] for r in body["items"]] == [complaint.pk]
        assert client.get("/api/complaints", {"regency": "35.07"}).json()["count"] == 0
        assert client.get("/api/complaints", {"page_size": "100000"}).status_code == 400


def test_roles_without_complaint_view_get_no_list(companion_user: User, evaluator: User) -> None:
    for user in (companion_user, evaluator):
        error(api(user).get("/api/complaints"), 403, "forbidden")


def test_nobody_reaches_the_api_without_signing_in(complaint: Complaint, group: Group) -> None:
    anonymous = Client()
    error(anonymous.get("/api/complaints"), 401, "unauthorized")
    error(post(anonymous, "/api/complaints", new_body(group)), 401, "unauthorized")
    assert Complaint.objects.count() == 1


def test_the_list_filters_and_flags_overdue(complaint: Complaint, group: Group, surabaya_officer: User) -> None:
    late = ComplaintFactory(group=group, due_on=dt.date(2020, 1, 1))
    client = api(surabaya_officer)
    overdue = client.get("/api/complaints", {"overdue": "true"}).json()["items"]
    assert [r["id"] for r in overdue] == [late.pk] and overdue[0]["overdue"] is True
    mine = client.get("/api/complaints", {"mine": "true"}).json()["items"]
    assert [r["id"] for r in mine] == [complaint.pk] and mine[0]["overdue"] is False
    assert client.get("/api/complaints", {"status": "resolved"}).json()["count"] == 0
    error(client.get("/api/complaints", {"status": "closed"}), 400, "validation_error")


def test_the_list_queries_do_not_grow_with_its_rows(group: Group, surabaya_officer: User) -> None:
    client = api(surabaya_officer)
    client.get("/api/me")  # a new token's first request also stamps its last use; the counts compare later ones
    ComplaintFactory(group=group, assigned_to=surabaya_officer)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/complaints")
    for _ in range(5):
        ComplaintFactory(group=GroupFactory(), assigned_to=surabaya_officer)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/complaints")
    assert len(many) == len(few)


# --- writes --------------------------------------------------------------------------------------------------


def test_an_officer_records_a_complaint(group: Group, surabaya_officer: User) -> None:
    response = post(api(surabaya_officer), "/api/complaints", new_body(group))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("ADU-") and body["channel"] == "officer" and body["status"] == "new"
    assert body["group_id"] == group.pk and body["complainant_name"] == "hidden"  # unassigned: admins only
    entry = AuditEntry.objects.get(object_id=str(body["id"]), content_type__model="complaint")
    assert entry.door == "api" and NAME not in str(entry.changes)


def test_the_auditor_may_not_record(group: Group, auditor: User) -> None:
    error(post(api(auditor), "/api/complaints", new_body(group)), 403, "forbidden")


def test_rows_outside_the_area_are_field_errors(group: Group, surabaya_officer: User) -> None:
    malang = GroupFactory(desa=village(MALANG_VILLAGE))
    client = api(surabaya_officer)
    fields = error(post(client, "/api/complaints", new_body(group, group_id=malang.pk)), 400, "validation_error")
    assert "group_id" in fields["fields"]
    grant = GrantFactory(group=malang)
    fields = error(post(client, "/api/complaints", new_body(group, grant_id=grant.pk)), 400, "validation_error")
    assert "grant_id" in fields["fields"]
    fields = error(post(client, "/api/complaints", new_body(group, regency_code="35.07")), 400, "validation_error")
    assert "regency_code" in fields["fields"]
    assert not Complaint.objects.exists()


def test_extra_fields_are_refused(group: Group, surabaya_officer: User) -> None:
    body = new_body(group, status="resolved", assigned_to_id=surabaya_officer.pk, reference="ADU-22222222")
    fields = error(post(api(surabaya_officer), "/api/complaints", body), 400, "validation_error")["fields"]
    assert {"status", "assigned_to_id", "reference"} <= set(fields)


def test_assigning_through_the_api(group: Group, admin: User, surabaya_officer: User, malang_officer: User) -> None:
    row = ComplaintFactory(group=group)
    client = api(admin)
    wrong = post(client, f"/api/complaints/{row.pk}/assign", {"officer_id": malang_officer.pk})
    assert "officer_id" in error(wrong, 400, "validation_error")["fields"]
    done = post(client, f"/api/complaints/{row.pk}/assign", {"officer_id": surabaya_officer.pk})
    assert done.status_code == 200 and done.json()["assigned_to_id"] == surabaya_officer.pk
    assert done.json()["status"] == "in_progress"


def test_closing_through_the_api_needs_a_resolution_and_the_current_version(
    complaint: Complaint, surabaya_officer: User
) -> None:
    client, path = api(surabaya_officer), f"/api/complaints/{complaint.pk}/status"
    refused = post(client, path, {"status": "resolved", "version": 1})
    assert "resolution" in error(refused, 400, "validation_error")["fields"]
    error(post(client, path, {"status": "resolved", "resolution": "Beres.", "version": 7}), 409, "conflict")
    done = post(client, path, {"status": "resolved", "resolution": "Beres.", "version": 1})
    assert done.status_code == 200 and done.json()["closed_on"] is not None and done.json()["version"] == 2


def test_the_auditor_may_not_change_a_status(complaint: Complaint, auditor: User) -> None:
    body = {"status": "rejected", "resolution": "x", "version": 1}
    error(post(api(auditor), f"/api/complaints/{complaint.pk}/status", body), 403, "forbidden")
