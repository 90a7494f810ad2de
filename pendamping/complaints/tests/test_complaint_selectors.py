"""Complaint selectors: who sees the complainant (the admins and the assigned officer, nobody else), the lists
of each role's scope and their filters, the officers offered for assignment, and the public status by
reference number.

Cast: the Surabaya officer works in Kota Surabaya (35.78), the Malang officer in Kabupaten Malang (35.07), the
auditor reads Surabaya."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from pendamping.accounts.models import Role, User
from pendamping.accounts.tests.factories import UserFactory
from pendamping.complaints import selectors, services
from pendamping.complaints.models import Complaint
from pendamping.complaints.selectors import ComplaintFilters, complainant, complaint_list, public_status
from pendamping.complaints.services import complaint_assign, complaint_set_status
from pendamping.complaints.tests.factories import ComplaintFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, village

pytestmark = pytest.mark.django_db
S = Complaint.Status
NAME, CONTACT = "Siti Pelapor", "0812-1111-2222"


@pytest.fixture
def group() -> Group:
    return GroupFactory(name="KUBE Sejahtera")  # Kota Surabaya


@pytest.fixture
def malang_group() -> Group:
    return GroupFactory(desa=village(MALANG_VILLAGE), name="KUBE Malang")


@pytest.fixture
def complaint(group: Group) -> Complaint:
    return ComplaintFactory(group=group)


# --- who sees what --------------------------------------------------------------------------------------


def test_the_identity_is_for_the_admins_and_the_assigned_officer_only(
    admin: User, surabaya_officer: User, auditor: User, companion_user: User, complaint: Complaint
) -> None:
    colleague = UserFactory(role=Role.OFFICER, regencies=["35.78"])
    complaint_assign(actor=admin, complaint=complaint, officer=surabaya_officer)
    complaint.refresh_from_db()
    seen = {
        u.username: complainant(u, complaint) for u in (admin, surabaya_officer, colleague, auditor, companion_user)
    }
    assert seen["admin"].state == seen["officer_surabaya"].state == "visible"
    assert (seen["officer_surabaya"].name, seen["officer_surabaya"].contact) == (NAME, CONTACT)
    assert all(seen[u.username] == selectors.Complainant("hidden") for u in (colleague, auditor, companion_user))


def test_an_unassigned_complaints_identity_is_for_the_admins_only(
    admin: User, surabaya_officer: User, complaint: Complaint
) -> None:
    assert complainant(surabaya_officer, complaint).state == "hidden"
    assert complainant(admin, complaint).state == "visible"


def test_anonymous_and_unnamed_complaints_say_so(admin: User, group: Group) -> None:
    anonymous = ComplaintFactory(group=group, anonymous=True, complainant_name="", complainant_contact="")
    unnamed = ComplaintFactory(group=group, complainant_name="", complainant_contact="")
    assert complainant(admin, anonymous).state == "anonymous" and complainant(admin, unnamed).state == "none"


def test_each_role_lists_the_complaints_of_its_scope(
    surabaya_officer: User, malang_officer: User, auditor: User, companion_user: User, group: Group, malang_group: Group
) -> None:
    mine, theirs = ComplaintFactory(group=group), ComplaintFactory(group=malang_group)
    everything = ComplaintFilters()
    assert list(complaint_list(user=surabaya_officer, filters=everything)) == [mine]
    assert list(complaint_list(user=auditor, filters=everything)) == [mine]
    assert list(complaint_list(user=malang_officer, filters=everything)) == [theirs]
    assert list(complaint_list(user=companion_user, filters=everything)) == []
    assert list(complaint_list(user=surabaya_officer, filters=ComplaintFilters(regency="35.07"))) == []


def test_the_list_filters(surabaya_officer: User, group: Group) -> None:
    today = timezone.localdate()
    late = ComplaintFactory(group=group, due_on=today - dt.timedelta(days=2), assigned_to=surabaya_officer)
    done = ComplaintFactory(group=group, status=S.RESOLVED, resolution="ok", closed_on=today)
    fresh = ComplaintFactory(group=group)

    def listed(**filters: Any) -> set[int]:
        return {c.pk for c in complaint_list(user=surabaya_officer, filters=ComplaintFilters(**filters), today=today)}

    assert listed() == {late.pk, done.pk, fresh.pk}
    assert listed(status="resolved") == {done.pk} and listed(status="bogus") == listed()
    assert listed(overdue=True) == {late.pk} and listed(mine=True) == {late.pk}
    assert listed(regency="35.78") == listed()
    params = ComplaintFilters.from_params({"overdue": "on", "mine": "", "status": "new", "regency": "35.78"})
    assert params == ComplaintFilters(status="new", regency="35.78", overdue=True, mine=False)


def test_the_officers_offered_for_assignment(admin: User, surabaya_officer: User, malang_officer: User) -> None:
    complaint = ComplaintFactory()
    UserFactory(role=Role.OFFICER, regencies=["35.78"], is_active=False)
    offered = set(selectors.assignable_officers(complaint=complaint))
    assert offered == {admin, surabaya_officer}
    assert all(services.may_handle(u, complaint.regency_id) for u in offered)
    assert not services.may_handle(malang_officer, complaint.regency_id)


# --- the public status --------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["{ref}", "{lower}", " {spaced} ", "{bare}", "adu{bare}"])
def test_the_status_is_found_however_the_reference_is_typed(typed: str, complaint: Complaint) -> None:
    ref = complaint.reference
    text = typed.format(ref=ref, lower=ref.lower(), spaced=f"{ref[:6]} {ref[6:]}", bare=ref[4:])
    found = public_status(reference=text)
    assert found is not None and found.reference == ref


@pytest.mark.parametrize("typed", ["", "ADU-", "ADU-0000000O", "ADU-7K3Q9P2", "' OR 1=1 --", "x" * 100])
def test_a_reference_that_cannot_be_is_not_looked_up(typed: str, complaint: Complaint) -> None:
    assert public_status(reference=typed) is None


def test_the_public_status_shows_the_resolution_only_once_closed(surabaya_officer: User, complaint: Complaint) -> None:
    row = complaint_set_status(
        actor=surabaya_officer, complaint=complaint, status=S.RESOLVED, resolution="Dana dikembalikan.", version=1
    )
    found = public_status(reference=row.reference)
    assert found is not None and (found.status, found.resolution, found.closed_on) == (
        "resolved",
        "Dana dikembalikan.",
        timezone.localdate(),
    )
    complaint_set_status(actor=surabaya_officer, complaint=row, status=S.IN_PROGRESS, resolution="Dibuka.", version=2)
    reopened = public_status(reference=row.reference)
    assert reopened is not None and reopened.resolution == "" and reopened.closed_on is None
    assert NAME not in repr(reopened) and CONTACT not in repr(reopened)
