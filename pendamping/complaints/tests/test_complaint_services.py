"""Complaint services: the public submission, an officer's entry, assignment, status with its resolution, the
due date and overdue, and an audit trail that never carries the complainant's identity (who sees it on the
pages is tested with the selectors).

Cast: the Surabaya officer works in Kota Surabaya (35.78), the Malang officer in Kabupaten Malang (35.07), the
auditor reads Surabaya."""

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pendamping.accounts.models import Role, User
from pendamping.accounts.tests.factories import UserFactory
from pendamping.audit.models import AuditEntry
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.complaints import services
from pendamping.complaints.models import Complaint
from pendamping.complaints.services import (
    complaint_assign,
    complaint_create,
    complaint_set_status,
    complaint_submit_public,
    complaint_update_due,
)
from pendamping.complaints.tests.factories import ComplaintFactory
from pendamping.core.concurrency import StaleRecord
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GrantFactory, GroupFactory, village

pytestmark = pytest.mark.django_db
S = Complaint.Status
NAME, CONTACT = "Siti Pelapor", "0812-1111-2222"


@pytest.fixture
def group() -> Group:
    return GroupFactory(name="KUBE Sejahtera")  # Kota Surabaya


@pytest.fixture
def malang_group() -> Group:
    return GroupFactory(desa=village(MALANG_VILLAGE), name="KUBE Malang")


def public(**overrides: Any) -> Complaint:
    data = {
        "regency_code": "35.78",
        "subject": "group",
        "category": "funds",
        "description": "Dana bantuan dipakai untuk keperluan pribadi.",
        "anonymous": False,
        "complainant_name": NAME,
        "complainant_contact": CONTACT,
        **overrides,
    }
    return complaint_submit_public(**data)


def errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def audit_text(complaint: Complaint) -> str:
    entries = AuditEntry.objects.filter(object_id=str(complaint.pk), content_type__model="complaint")
    return json.dumps([e.changes for e in entries])


# --- the public submission ------------------------------------------------------------------------------


def test_a_public_complaint_gets_a_reference_a_due_date_and_is_new(group: Group) -> None:
    complaint = public(group_code=group.code, subject_text="Bu Ketua")

    assert re.fullmatch(r"ADU-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}", complaint.reference)
    assert complaint.due_on == timezone.localdate() + dt.timedelta(days=14)
    assert (complaint.status, complaint.channel, complaint.group, complaint.regency_id) == (
        S.NEW,
        Complaint.Channel.PUBLIC,
        group,
        "35.78",
    )
    assert (complaint.complainant_name, complaint.subject_text, complaint.created_by) == (NAME, "Bu Ketua", None)


def test_the_due_date_follows_the_setting(settings: Any) -> None:
    settings.PENDAMPING = {**settings.PENDAMPING, "COMPLAINT_DUE_DAYS": 7}
    assert public().due_on == timezone.localdate() + dt.timedelta(days=7)


def test_a_kube_code_of_another_regency_is_refused(malang_group: Group) -> None:
    with pytest.raises(ValidationError) as exc:
        public(group_code=malang_group.code)
    assert "No KUBE has the code" in errors(exc)["group_code"][0]
    assert not Complaint.objects.exists()


def test_an_unknown_kube_code_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        public(group_code="3578011001-999")
    assert "group_code" in errors(exc)


@pytest.mark.parametrize("code", ["", "35.99", "35.78.01", "35", "'; drop table"])
def test_the_regency_must_be_a_regency(code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        public(regency_code=code)
    assert "regency" in errors(exc)


@pytest.mark.parametrize(("field", "value"), [("subject", "mayor"), ("category", "gossip"), ("subject", "")])
def test_subject_and_category_must_be_choices(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as exc:
        public(**{field: value})
    assert field in errors(exc)


@pytest.mark.parametrize("description", ["", "   ", "pendek", "x" * 5001])
def test_the_description_must_say_something_and_not_too_much(description: str) -> None:
    with pytest.raises(ValidationError) as exc:
        public(description=description)
    assert "description" in errors(exc)


def test_an_anonymous_complaint_keeps_no_identity_whatever_was_typed() -> None:
    complaint = public(anonymous=True)
    complaint.refresh_from_db()
    assert complaint.anonymous and complaint.complainant_name == "" and complaint.complainant_contact == ""


def test_the_database_refuses_an_anonymous_complaint_with_an_identity() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintFactory(anonymous=True)  # the factory's default name and contact


def test_references_are_drawn_again_when_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    taken = public().reference
    draws = iter([taken, taken, "ADU-22222222"])
    monkeypatch.setattr(services, "new_reference", lambda: next(draws))
    assert public().reference == "ADU-22222222"
    assert Complaint.objects.filter(reference=taken).count() == 1


def test_references_use_the_unambiguous_alphabet_and_differ() -> None:
    drawn = {services.new_reference() for _ in range(500)}
    assert len(drawn) == 500
    assert not set("".join(drawn)) & set("01OIL")


def test_the_audit_entry_of_a_public_complaint_has_no_identity() -> None:
    complaint = public()
    entry = AuditEntry.objects.get(object_id=str(complaint.pk), content_type__model="complaint")
    assert entry.actor is None and entry.action == "create"
    assert entry.changes["complainant_name"] == [None, "***"]
    assert entry.changes["complainant_contact"] == [None, "***"]
    assert NAME not in audit_text(complaint) and CONTACT not in audit_text(complaint)


# --- an officer's entry ---------------------------------------------------------------------------------


def officer_entry(actor: Any, **overrides: Any) -> Complaint:
    data = {
        "regency_code": "35.78",
        "subject": "grant",
        "category": "service",
        "description": "Tahap kedua bantuan belum cair sejak Maret.",
        "complainant_name": NAME,
        "complainant_contact": CONTACT,
        **overrides,
    }
    return complaint_create(actor=actor, **data)


def test_an_officer_records_a_complaint_about_a_grant_which_brings_its_kube(
    surabaya_officer: User, group: Group
) -> None:
    grant = GrantFactory(group=group)
    complaint = officer_entry(surabaya_officer, grant=grant)
    assert (complaint.grant, complaint.group, complaint.channel) == (grant, group, Complaint.Channel.OFFICER)
    assert complaint.created_by == surabaya_officer and complaint.status == S.NEW


def test_an_officer_records_only_in_their_regencies(surabaya_officer: User) -> None:
    with pytest.raises(ValidationError) as exc:
        officer_entry(surabaya_officer, regency_code="35.07")
    assert "regency" in errors(exc)


@pytest.mark.parametrize("role", ["auditor", "companion_user", "evaluator", "norole"])
def test_roles_without_complaint_change_may_not_record(role: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        officer_entry(request.getfixturevalue(role))


def test_linked_rows_must_be_of_the_complaints_regency(admin: User, malang_group: Group, group: Group) -> None:
    with pytest.raises(ValidationError) as exc:
        officer_entry(admin, group=malang_group)
    assert "group" in errors(exc)
    with pytest.raises(ValidationError) as exc:
        officer_entry(admin, grant=GrantFactory(group=malang_group))
    assert "group" in errors(exc)
    with pytest.raises(ValidationError) as exc:
        officer_entry(admin, companion=CompanionFactory(home_desa=village(MALANG_VILLAGE)))
    assert "companion" in errors(exc)
    with pytest.raises(ValidationError) as exc:
        officer_entry(admin, group=group, grant=GrantFactory(group=GroupFactory()))
    assert "grant" in errors(exc)


def test_a_complaint_about_a_companion_links_them(surabaya_officer: User) -> None:
    companion = CompanionFactory()
    complaint = officer_entry(surabaya_officer, subject="companion", companion=companion)
    assert complaint.companion == companion


# --- assignment -----------------------------------------------------------------------------------------


@pytest.fixture
def complaint(group: Group) -> Complaint:
    return ComplaintFactory(group=group)


def test_assigning_an_officer_of_the_regency_puts_a_new_complaint_in_progress(
    surabaya_officer: User, complaint: Complaint
) -> None:
    row = complaint_assign(actor=surabaya_officer, complaint=complaint, officer=surabaya_officer)
    assert (row.assigned_to, row.status, row.version) == (surabaya_officer, S.IN_PROGRESS, 2)


def test_an_admin_may_be_assigned(surabaya_officer: User, admin: User, complaint: Complaint) -> None:
    assert complaint_assign(actor=surabaya_officer, complaint=complaint, officer=admin).assigned_to == admin


@pytest.mark.parametrize("assignee", ["malang_officer", "auditor", "companion_user", "officer_without_region"])
def test_the_assignee_must_handle_the_regency(
    assignee: str, admin: User, complaint: Complaint, request: pytest.FixtureRequest
) -> None:
    with pytest.raises(ValidationError) as exc:
        complaint_assign(actor=admin, complaint=complaint, officer=request.getfixturevalue(assignee))
    assert "officer" in errors(exc)
    complaint.refresh_from_db()
    assert complaint.assigned_to is None and complaint.status == S.NEW


def test_an_inactive_officer_cannot_be_assigned(admin: User, complaint: Complaint) -> None:
    gone = UserFactory(role=Role.OFFICER, regencies=["35.78"], is_active=False)
    with pytest.raises(ValidationError):
        complaint_assign(actor=admin, complaint=complaint, officer=gone)


def test_an_officer_of_another_regency_cannot_assign(malang_officer: User, complaint: Complaint) -> None:
    with pytest.raises(ValidationError) as exc:
        complaint_assign(actor=malang_officer, complaint=complaint, officer=malang_officer)
    assert "regency" in errors(exc)


def test_the_auditor_cannot_assign(auditor: User, surabaya_officer: User, complaint: Complaint) -> None:
    with pytest.raises(PermissionDenied):
        complaint_assign(actor=auditor, complaint=complaint, officer=surabaya_officer)


def test_a_closed_complaint_is_not_reassigned(admin: User, surabaya_officer: User, group: Group) -> None:
    closed = ComplaintFactory(group=group, status=S.RESOLVED, resolution="Selesai.", closed_on=timezone.localdate())
    with pytest.raises(ValidationError) as exc:
        complaint_assign(actor=admin, complaint=closed, officer=surabaya_officer)
    assert "closed" in errors(exc)["officer"][0]


def test_assigning_with_an_old_version_is_refused(admin: User, surabaya_officer: User, complaint: Complaint) -> None:
    complaint_assign(actor=admin, complaint=complaint, officer=admin, version=1)
    with pytest.raises(StaleRecord):
        complaint_assign(actor=admin, complaint=complaint, officer=surabaya_officer, version=1)


# --- status and resolution ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.RESOLVED, S.REJECTED])
def test_closing_needs_a_resolution(status: str, surabaya_officer: User, complaint: Complaint) -> None:
    with pytest.raises(ValidationError) as exc:
        complaint_set_status(actor=surabaya_officer, complaint=complaint, status=status, resolution="  ", version=1)
    assert "resolution" in errors(exc)


def test_closing_dates_it_and_reopening_clears_the_date(surabaya_officer: User, complaint: Complaint) -> None:
    today = timezone.localdate()
    row = complaint_set_status(
        actor=surabaya_officer, complaint=complaint, status=S.RESOLVED, resolution="Dana dikembalikan.", version=1
    )
    assert (row.status, row.closed_on, row.resolution, row.version) == (S.RESOLVED, today, "Dana dikembalikan.", 2)
    row = complaint_set_status(actor=surabaya_officer, complaint=row, status=S.IN_PROGRESS, version=2)
    assert (row.status, row.closed_on) == (S.IN_PROGRESS, None)


def test_changing_resolved_to_rejected_keeps_the_closing_date(surabaya_officer: User, group: Group) -> None:
    closed_on = timezone.localdate() - dt.timedelta(days=3)
    row = ComplaintFactory(group=group, status=S.RESOLVED, resolution="Selesai.", closed_on=closed_on)
    row = complaint_set_status(
        actor=surabaya_officer, complaint=row, status=S.REJECTED, resolution="Tidak terbukti.", version=1
    )
    assert (row.status, row.closed_on) == (S.REJECTED, closed_on)


def test_a_status_change_on_an_old_version_is_refused(surabaya_officer: User, complaint: Complaint) -> None:
    complaint_set_status(actor=surabaya_officer, complaint=complaint, status=S.IN_PROGRESS, version=1)
    with pytest.raises(StaleRecord):
        complaint_set_status(actor=surabaya_officer, complaint=complaint, status=S.REJECTED, resolution="x", version=1)


def test_an_unknown_status_is_refused(surabaya_officer: User, complaint: Complaint) -> None:
    with pytest.raises(ValidationError) as exc:
        complaint_set_status(actor=surabaya_officer, complaint=complaint, status="closed", version=1)
    assert "status" in errors(exc)


def test_the_database_refuses_a_closed_complaint_without_resolution(group: Group) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintFactory(group=group, status=S.REJECTED, resolution="")


# --- due date and overdue -------------------------------------------------------------------------------


def test_the_due_date_moves_but_not_before_receipt(surabaya_officer: User, complaint: Complaint) -> None:
    later = timezone.localdate() + dt.timedelta(days=30)
    assert complaint_update_due(actor=surabaya_officer, complaint=complaint, due_on=later).due_on == later
    with pytest.raises(ValidationError) as exc:
        complaint_update_due(actor=surabaya_officer, complaint=complaint, due_on=dt.date(2020, 1, 1))
    assert "due_on" in errors(exc)


def test_a_closed_complaints_due_date_stays(surabaya_officer: User, group: Group) -> None:
    closed = ComplaintFactory(group=group, status=S.RESOLVED, resolution="Selesai.", closed_on=timezone.localdate())
    with pytest.raises(ValidationError):
        complaint_update_due(actor=surabaya_officer, complaint=closed, due_on=timezone.localdate())


def test_only_open_complaints_past_their_due_date_are_overdue(group: Group) -> None:
    today = timezone.localdate()
    late = ComplaintFactory(group=group, due_on=today - dt.timedelta(days=1))
    due_today = ComplaintFactory(group=group, due_on=today)
    closed_late = ComplaintFactory(
        group=group, due_on=today - dt.timedelta(days=9), status=S.RESOLVED, resolution="ok", closed_on=today
    )
    assert late.is_overdue(today) and not due_today.is_overdue(today) and not closed_late.is_overdue(today)
    assert list(Complaint.objects.overdue(today)) == [late]


# --- the audit trail ------------------------------------------------------------------------------------


def test_no_audit_entry_of_any_write_carries_the_identity(admin: User, surabaya_officer: User) -> None:
    complaint = officer_entry(surabaya_officer, subject="group")
    complaint_assign(actor=admin, complaint=complaint, officer=surabaya_officer)
    complaint_update_due(actor=admin, complaint=complaint, due_on=timezone.localdate() + dt.timedelta(days=20))
    complaint_set_status(actor=surabaya_officer, complaint=complaint, status=S.RESOLVED, resolution="Beres.", version=3)
    text = audit_text(complaint)
    assert AuditEntry.objects.filter(object_id=str(complaint.pk), content_type__model="complaint").count() == 4
    assert NAME not in text and CONTACT not in text and "***" in text
