"""The office's complaint pages through the test client: who sees the complainant (the assigned officer and the
admins; not a colleague of the same regency, not the auditor), the list's filters and overdue badge, recording,
assigning and closing, scope (404), and the panels on the KUBE and companion pages.

Cast: the Surabaya officer and the auditor work in Kota Surabaya; a colleague is another Surabaya officer."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pendamping.accounts.models import Role, User
from pendamping.accounts.tests.factories import UserFactory
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.complaints.models import Complaint
from pendamping.complaints.services import complaint_assign
from pendamping.complaints.tests.factories import ComplaintFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, village

pytestmark = pytest.mark.django_db
NAME, CONTACT = "Siti Pelapor", "0812-1111-2222"


def url(name: str, *args: Any) -> str:
    return reverse(f"complaints:{name}", args=args)


@pytest.fixture
def group() -> Group:
    return GroupFactory(name="KUBE Sejahtera")


@pytest.fixture
def colleague() -> User:
    return UserFactory(username="rekan", role=Role.OFFICER, regencies=["35.78"])


@pytest.fixture
def complaint(group: Group, surabaya_officer: User) -> Complaint:
    """Assigned to the Surabaya officer through the service, so its audit trail is the real one."""
    row = ComplaintFactory(group=group, description="Kambing bantuan dijual ketua.")
    return complaint_assign(actor=None, complaint=row, officer=surabaya_officer)


# --- the complainant's identity -----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "sees"), [("admin", True), ("surabaya_officer", True), ("colleague", False)])
def test_the_complaint_page_shows_the_complainant_to_the_assignee_and_admins_only(
    who: str, sees: bool, complaint: Complaint, client_for: Callable[..., Client], request: pytest.FixtureRequest
) -> None:
    html = client_for(request.getfixturevalue(who)).get(url("complaint_detail", complaint.pk)).content.decode()
    assert "Kambing bantuan dijual ketua." in html
    assert (NAME in html, CONTACT in html) == (sees, sees)
    assert sees or ">hidden<" in html


def test_the_auditor_reads_the_complaint_and_its_history_but_not_the_complainant(
    complaint: Complaint, auditor: User, client_for: Callable[..., Client]
) -> None:
    html = client_for(auditor).get(url("complaint_detail", complaint.pk)).content.decode()
    assert "Kambing bantuan dijual ketua." in html and "History" in html and "assigned_to" in html
    assert NAME not in html and CONTACT not in html
    assert url("complaint_assign", complaint.pk) not in html  # no write actions for a read-only role


def test_the_list_hides_the_complainant_from_a_colleague_and_shows_the_assignee(
    complaint: Complaint, colleague: User, surabaya_officer: User, client_for: Callable[..., Client]
) -> None:
    theirs = client_for(colleague).get(url("complaint_list")).content.decode()
    mine = client_for(surabaya_officer).get(url("complaint_list")).content.decode()
    assert complaint.reference in theirs and NAME not in theirs and ">hidden<" in theirs
    assert NAME in mine


def test_an_anonymous_complaint_says_anonymous_even_to_an_admin(
    group: Group, admin: User, client_for: Callable[..., Client]
) -> None:
    row = ComplaintFactory(group=group, anonymous=True, complainant_name="", complainant_contact="")
    assert ">anonymous<" in client_for(admin).get(url("complaint_detail", row.pk)).content.decode()


# --- scope and roles --------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["complaint_detail", "complaint_assign", "complaint_status"])
@pytest.mark.parametrize("who", ["malang_officer", "companion_user", "evaluator", "officer_without_region"])
def test_a_complaint_outside_the_scope_is_not_found(
    page: str, who: str, complaint: Complaint, client_for: Callable[..., Client], request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(who))
    assert client.get(url(page, complaint.pk)).status_code == 404
    posted = client.post(url(page, complaint.pk), {"status": "rejected", "resolution": "x"})
    assert posted.status_code == (405 if page == "complaint_detail" else 404)
    complaint.refresh_from_db()
    assert complaint.status == "in_progress"


@pytest.mark.parametrize("page", ["complaint_create", "complaint_assign", "complaint_status"])
def test_the_auditor_may_not_write(
    page: str, complaint: Complaint, auditor: User, client_for: Callable[..., Client]
) -> None:
    target = url(page) if page == "complaint_create" else url(page, complaint.pk)
    assert client_for(auditor).get(target).status_code == 403


def test_companions_and_users_without_a_role_get_no_list(
    companion_user: User, norole: User, client_for: Callable[..., Client]
) -> None:
    assert client_for(companion_user).get(url("complaint_list")).status_code == 403
    assert client_for(norole).get(url("complaint_list")).status_code == 403
    assert Client().get(url("complaint_list")).status_code == 302


# --- the list ---------------------------------------------------------------------------------------------


def test_the_list_flags_overdue_complaints_and_filters_them(
    group: Group, surabaya_officer: User, client_for: Callable[..., Client]
) -> None:
    today = timezone.localdate()
    late = ComplaintFactory(group=group, due_on=today - dt.timedelta(days=3))
    fresh = ComplaintFactory(group=group)
    malang = ComplaintFactory(group=GroupFactory(desa=village(MALANG_VILLAGE)))
    client = client_for(surabaya_officer)
    html = client.get(url("complaint_list")).content.decode()
    assert late.reference in html and fresh.reference in html and malang.reference not in html
    assert html.count('badge badge-warning">overdue') == 1
    overdue = client.get(url("complaint_list"), {"overdue": "on"}).content.decode()
    assert late.reference in overdue and fresh.reference not in overdue
    forged = client.get(url("complaint_list"), {"regency": "35.07", "page_size": "100000"}).content.decode()
    assert malang.reference not in forged and late.reference not in forged


def test_assigned_to_me_lists_my_complaints(
    complaint: Complaint, group: Group, surabaya_officer: User, client_for: Callable[..., Client]
) -> None:
    other = ComplaintFactory(group=group)
    html = client_for(surabaya_officer).get(url("complaint_list"), {"mine": "on"}).content.decode()
    assert complaint.reference in html and other.reference not in html


def test_the_list_costs_the_same_queries_for_many_rows(
    group: Group, surabaya_officer: User, client_for: Callable[..., Client]
) -> None:
    client = client_for(surabaya_officer)
    ComplaintFactory(group=group, assigned_to=surabaya_officer)
    with CaptureQueriesContext(connection) as few:
        client.get(url("complaint_list"))
    for _ in range(6):
        ComplaintFactory(group=GroupFactory(), assigned_to=surabaya_officer)
    with CaptureQueriesContext(connection) as many:
        client.get(url("complaint_list"))
    assert len(many) == len(few)


# --- recording, assigning, closing ------------------------------------------------------------------------


def test_an_officer_records_a_complaint_received_by_phone(
    group: Group, surabaya_officer: User, client_for: Callable[..., Client]
) -> None:
    data = {
        "regency": "35.78",
        "subject": "group",
        "group_code": group.code,
        "category": "conflict",
        "description": "Anggota berselisih soal pembagian hasil.",
        "complainant_name": NAME,
        "complainant_contact": CONTACT,
    }
    response = client_for(surabaya_officer).post(url("complaint_create"), data)
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == url("complaint_detail", complaint.pk)
    assert (complaint.channel, complaint.group, complaint.created_by) == ("officer", group, surabaya_officer)


def test_a_kube_code_outside_the_officers_area_is_refused_on_the_form(
    surabaya_officer: User, client_for: Callable[..., Client]
) -> None:
    malang = GroupFactory(desa=village(MALANG_VILLAGE))
    data = {"regency": "35.78", "subject": "group", "group_code": malang.code, "category": "funds"}
    response = client_for(surabaya_officer).post(url("complaint_create"), {**data, "description": "Dana hilang entah."})
    assert response.status_code == 200 and "No KUBE with this code in your area." in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_assign_page_offers_the_regencys_officers_and_moves_the_due_date(
    group: Group, admin: User, surabaya_officer: User, malang_officer: User, client_for: Callable[..., Client]
) -> None:
    row = ComplaintFactory(group=group)
    client = client_for(admin)
    page = client.get(url("complaint_assign", row.pk)).content.decode()
    assert surabaya_officer.get_full_name() in page and malang_officer.get_full_name() not in page
    due = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        url("complaint_assign", row.pk), {"officer": surabaya_officer.pk, "due_on": due.isoformat(), "version": 1}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.assigned_to, row.status, row.due_on, row.version) == (surabaya_officer, "in_progress", due, 3)


def test_an_officer_of_another_regency_cannot_be_posted_as_assignee(
    group: Group, admin: User, malang_officer: User, client_for: Callable[..., Client]
) -> None:
    row = ComplaintFactory(group=group)
    data = {"officer": malang_officer.pk, "due_on": row.due_on.isoformat(), "version": 1}
    assert client_for(admin).post(url("complaint_assign", row.pk), data).status_code == 200
    row.refresh_from_db()
    assert row.assigned_to is None


def test_closing_without_a_resolution_is_explained_and_with_one_succeeds(
    complaint: Complaint, surabaya_officer: User, client_for: Callable[..., Client]
) -> None:
    client, target = client_for(surabaya_officer), url("complaint_status", complaint.pk)
    refused = client.post(target, {"status": "resolved", "resolution": "", "version": complaint.version})
    assert refused.status_code == 200 and "Say how the complaint was resolved" in refused.content.decode()
    done = client.post(target, {"status": "resolved", "resolution": "Kambing diganti.", "version": complaint.version})
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.closed_on) == ("resolved", timezone.localdate())


def test_a_status_change_on_a_stale_page_is_refused(
    complaint: Complaint, surabaya_officer: User, client_for: Callable[..., Client]
) -> None:
    stale = complaint.version - 1 or 99
    response = client_for(surabaya_officer).post(
        url("complaint_status", complaint.pk), {"status": "rejected", "resolution": "x", "version": stale}
    )
    assert response.status_code == 200 and "changed by someone else" in response.content.decode()


# --- panels on the KUBE and companion pages -----------------------------------------------------------------


def test_the_kube_page_lists_its_complaints_for_the_office_only(
    complaint: Complaint, group: Group, surabaya_officer: User, companion_user: User, client_for: Callable[..., Client]
) -> None:
    AssignmentFactory(group=group, companion=CompanionFactory(user=companion_user))
    page = reverse("registry:group_detail", args=[group.pk])
    office = client_for(surabaya_officer).get(page).content.decode()
    assert complaint.reference in office and 'id="complaints-group"' in office and NAME not in office
    companion = client_for(companion_user).get(page)
    assert companion.status_code == 200 and complaint.reference not in companion.content.decode()


def test_the_companion_page_lists_complaints_about_them(
    surabaya_officer: User, auditor: User, client_for: Callable[..., Client]
) -> None:
    companion = CompanionFactory()
    about = ComplaintFactory(subject="companion", companion=companion)
    other = ComplaintFactory()
    page = reverse("companions:companion_detail", args=[companion.pk])
    for user in (surabaya_officer, auditor):
        html = client_for(user).get(page).content.decode()
        assert about.reference in html and other.reference not in html and NAME not in html
