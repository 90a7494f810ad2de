"""Recording visits, closing their follow-ups and taking a visit back: every rule, with nothing changed on refusal."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pendamping.accounts.models import Role, User
from pendamping.accounts.tests.factories import UserFactory
from pendamping.audit.models import AuditEntry
from pendamping.companions.models import Companion, FollowUp, Visit
from pendamping.companions.services.visits import NOT_YOUR_KUBE, followup_done, visit_delete, visit_record
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, kube_with_members, village

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
def mine(companion_user: User) -> Companion:
    return CompanionFactory(user=companion_user, home_desa=village(SURABAYA_VILLAGE), name="Ani Lestari")


@pytest.fixture
def kube(mine: Companion) -> Group:
    group = kube_with_members(6, desa=village(SURABAYA_VILLAGE), name="KUBE Melati")
    AssignmentFactory(group=group, companion=mine, started_on=dt.date(2024, 1, 10))
    return group


def other_companion_user() -> User:
    user: User = UserFactory(username="lain", role=Role.COMPANION)
    CompanionFactory(user=user)
    return user


def record(actor: Any, group: Group, **overrides: Any) -> Visit:
    data: dict[str, Any] = {
        "on": YESTERDAY,
        "roles": ["motivator"],
        "topics": ["bookkeeping"],
        "members_present": 5,
        **overrides,
    }
    return visit_record(actor=actor, group=group, **data)


def refused(call: Callable[[], Any], field: str | None = None) -> str:
    """Assert a refusal that changes nothing; returns its message."""
    counts = (Visit.objects.count(), FollowUp.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as caught:
        call()
    if field is not None:
        assert field in caught.value.message_dict, caught.value
    assert (Visit.objects.count(), FollowUp.objects.count(), AuditEntry.objects.count()) == counts
    return " ".join(caught.value.messages)


# --- recording ----------------------------------------------------------------------------------------------


def test_a_companion_records_a_visit_to_their_kube(companion_user: User, mine: Companion, kube: Group) -> None:
    visit = record(
        companion_user,
        kube,
        roles=["resource", "facilitator"],
        topics=["marketing", "bookkeeping"],
        topic_other="  harga   bahan  ",
        problems=" Kas kosong \n",
        follow_ups=[("Cek buku kas", TODAY + dt.timedelta(days=7))],
    )

    assert (visit.companion, visit.group, visit.regency_id, visit.on) == (mine, kube, "35.78", YESTERDAY)
    assert visit.roles() == ["resource", "facilitator"]
    assert visit.topics == ["bookkeeping", "marketing"]  # the list's order
    assert (visit.topic_other, visit.problems, visit.created_by) == ("harga bahan", "Kas kosong", companion_user)
    assert [(f.action, f.done_on) for f in visit.follow_ups.all()] == [("Cek buku kas", None)]
    assert AuditEntry.objects.filter(action="create").count() == 2  # the visit and its follow-up


def test_a_kube_not_theirs_is_refused_with_the_same_message_as_a_missing_one(
    companion_user: User, mine: Companion, kube: Group
) -> None:
    other = kube_with_members(5, desa=village(SURABAYA_VILLAGE))
    AssignmentFactory(group=other)  # someone else's KUBE, in the same regency

    message = refused(lambda: record(companion_user, other), "group")

    assert message == str(NOT_YOUR_KUBE)


def test_a_kube_whose_assignment_ended_is_no_longer_theirs(companion_user: User, mine: Companion) -> None:
    group = kube_with_members(5)
    AssignmentFactory(group=group, companion=mine, started_on=dt.date(2023, 1, 1), ended_on=dt.date(2024, 1, 1))

    refused(lambda: record(companion_user, group), "group")


def test_a_companion_cannot_record_for_another_companion(companion_user: User, mine: Companion, kube: Group) -> None:
    someone = CompanionFactory()

    refused(lambda: record(companion_user, kube, companion=someone), "group")


def test_a_companion_user_without_a_companion_record_records_nothing(companion_user: User) -> None:
    group = kube_with_members(5)
    AssignmentFactory(group=group)

    refused(lambda: record(companion_user, group), "group")


def test_a_visit_dated_in_the_future_is_refused(companion_user: User, kube: Group) -> None:
    message = refused(lambda: record(companion_user, kube, on=TODAY + dt.timedelta(days=1)), "on")

    assert "future" in message


def test_a_visit_today_is_accepted(companion_user: User, kube: Group) -> None:
    assert record(companion_user, kube, on=TODAY).on == TODAY


def test_a_visit_before_the_assignment_started_is_refused(companion_user: User, kube: Group) -> None:
    message = refused(lambda: record(companion_user, kube, on=dt.date(2024, 1, 9)), "on")

    assert "started on" in message
    assert record(companion_user, kube, on=dt.date(2024, 1, 10)).pk


def test_a_visit_serving_no_role_is_refused(companion_user: User, kube: Group) -> None:
    message = refused(lambda: record(companion_user, kube, roles=[]), "roles")

    assert message == "Tick at least one role the visit served."


def test_an_unknown_role_or_topic_is_refused(companion_user: User, kube: Group) -> None:
    refused(lambda: record(companion_user, kube, roles=["motivator", "boss"]), "roles")
    refused(lambda: record(companion_user, kube, topics=["gossip"]), "topics")


def test_members_present_may_be_zero_to_the_current_members(companion_user: User, kube: Group) -> None:
    refused(lambda: record(companion_user, kube, members_present=7), "members_present")
    refused(lambda: record(companion_user, kube, members_present=-1), "members_present")

    assert record(companion_user, kube, members_present=6).members_present == 6
    assert record(companion_user, kube, members_present=0).members_present == 0


def test_members_who_left_do_not_count_as_present(companion_user: User, kube: Group) -> None:
    kube.memberships.filter(role="anggota").update(left_on=dt.date(2024, 2, 1))

    refused(lambda: record(companion_user, kube, members_present=4), "members_present")


def test_a_follow_up_due_before_the_visit_is_refused(companion_user: User, kube: Group) -> None:
    refused(lambda: record(companion_user, kube, follow_ups=[("Cek kas", YESTERDAY - dt.timedelta(days=1))]))


def test_a_follow_up_without_an_action_is_refused(companion_user: User, kube: Group) -> None:
    refused(lambda: record(companion_user, kube, follow_ups=[("   ", TODAY)]), "follow_ups")


def test_a_follow_up_may_be_due_on_the_day_of_the_visit(companion_user: User, kube: Group) -> None:
    assert record(companion_user, kube, follow_ups=[("Cek kas", YESTERDAY)]).follow_ups.count() == 1


def test_the_same_client_key_returns_the_first_visit_unchanged(companion_user: User, kube: Group) -> None:
    first = record(companion_user, kube, client_key="abc123def456", problems="pertama")
    entries = AuditEntry.objects.count()

    again = record(companion_user, kube, client_key="abc123def456", problems="kedua", members_present=1)

    assert again.pk == first.pk
    assert Visit.objects.count() == 1 and AuditEntry.objects.count() == entries
    assert Visit.objects.get().problems == "pertama"


def test_another_users_client_key_is_refused(
    companion_user: User, kube: Group, admin: User, surabaya_officer: User
) -> None:
    record(companion_user, kube, client_key="abc123def456")

    refused(lambda: record(admin, kube, client_key="abc123def456", companion=kube.assignments.get().companion))


def test_a_malformed_client_key_is_refused(companion_user: User, kube: Group) -> None:
    refused(lambda: record(companion_user, kube, client_key="x; drop table"), "client_key")


def test_an_admin_records_for_the_companion_of_the_kube(admin: User, mine: Companion, kube: Group) -> None:
    visit = record(admin, kube, companion=mine)

    assert (visit.companion, visit.created_by) == (mine, admin)


def test_an_admin_must_name_a_companion_who_accompanies_the_kube(admin: User, kube: Group) -> None:
    refused(lambda: record(admin, kube), "companion")
    refused(lambda: record(admin, kube, companion=CompanionFactory()), "group")


@pytest.mark.parametrize("role", ["surabaya_officer", "auditor", "evaluator", "norole"])
def test_roles_that_may_not_record_visits_are_refused(role: str, kube: Group, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        record(request.getfixturevalue(role), kube)
    assert not Visit.objects.exists()


# --- follow-ups ----------------------------------------------------------------------------------------------


@pytest.fixture
def follow_up(companion_user: User, kube: Group) -> FollowUp:
    visit = record(companion_user, kube, on=TODAY - dt.timedelta(days=10), follow_ups=[("Cek kas", TODAY)])
    return visit.follow_ups.get()


def test_the_visiting_companion_closes_a_follow_up(companion_user: User, follow_up: FollowUp) -> None:
    done = followup_done(actor=companion_user, follow_up=follow_up, done_on=YESTERDAY, note="  sudah  beres ")

    assert (done.done_on, done.note) == (YESTERDAY, "sudah beres")
    entry = AuditEntry.objects.filter(action="update").get()
    assert entry.changes["done_on"] == [None, YESTERDAY.isoformat()]


def test_an_officer_of_the_regency_closes_a_follow_up(surabaya_officer: User, follow_up: FollowUp) -> None:
    assert followup_done(actor=surabaya_officer, follow_up=follow_up, done_on=TODAY).done_on == TODAY


def test_an_officer_of_another_regency_cannot_close_it(malang_officer: User, follow_up: FollowUp) -> None:
    with pytest.raises(ValidationError):
        followup_done(actor=malang_officer, follow_up=follow_up, done_on=TODAY)
    follow_up.refresh_from_db()
    assert follow_up.done_on is None


@pytest.mark.parametrize("role", ["auditor", "evaluator"])
def test_readers_cannot_close_a_follow_up(role: str, follow_up: FollowUp, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        followup_done(actor=request.getfixturevalue(role), follow_up=follow_up, done_on=TODAY)


def test_another_companion_cannot_close_it(follow_up: FollowUp) -> None:
    stranger = other_companion_user()

    with pytest.raises(PermissionDenied):
        followup_done(actor=stranger, follow_up=follow_up, done_on=TODAY)


def test_a_follow_up_done_in_the_future_or_before_the_visit_is_refused(
    companion_user: User, follow_up: FollowUp
) -> None:
    with pytest.raises(ValidationError, match="future"):
        followup_done(actor=companion_user, follow_up=follow_up, done_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="before the visit"):
        followup_done(actor=companion_user, follow_up=follow_up, done_on=TODAY - dt.timedelta(days=11))
    follow_up.refresh_from_db()
    assert follow_up.done_on is None


def test_closing_a_follow_up_twice_is_refused(companion_user: User, follow_up: FollowUp) -> None:
    followup_done(actor=companion_user, follow_up=follow_up, done_on=TODAY)

    with pytest.raises(ValidationError, match="already done"):
        followup_done(actor=companion_user, follow_up=follow_up, done_on=TODAY)


# --- taking a visit back -------------------------------------------------------------------------------------


def test_the_author_deletes_a_visit_within_a_day(companion_user: User, kube: Group) -> None:
    visit = record(companion_user, kube, follow_ups=[("Cek kas", TODAY)])

    visit_delete(actor=companion_user, visit=visit)

    assert not Visit.objects.exists() and not FollowUp.objects.exists()
    assert AuditEntry.objects.filter(action="delete").count() == 2


def test_after_a_day_the_visit_stays(companion_user: User, kube: Group) -> None:
    visit = record(companion_user, kube)
    Visit.objects.filter(pk=visit.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))

    with pytest.raises(ValidationError, match="24 hours"):
        visit_delete(actor=companion_user, visit=visit)
    assert Visit.objects.exists()


def test_only_its_author_or_an_admin_deletes_a_visit(companion_user: User, kube: Group, admin: User) -> None:
    visit = record(companion_user, kube)
    stranger = other_companion_user()

    with pytest.raises(PermissionDenied):
        visit_delete(actor=stranger, visit=visit)
    visit_delete(actor=admin, visit=visit)
    assert not Visit.objects.exists()


def test_officers_cannot_delete_visits(companion_user: User, kube: Group, surabaya_officer: User) -> None:
    visit = record(companion_user, kube)

    with pytest.raises(PermissionDenied):
        visit_delete(actor=surabaya_officer, visit=visit)


def test_the_database_refuses_a_visit_serving_no_role(mine: Companion, kube: Group) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.create(companion=mine, group=kube, regency_id="35.78", on=TODAY, members_present=1)


def test_a_malang_kube_is_never_a_surabaya_companions(companion_user: User, mine: Companion) -> None:
    group = kube_with_members(5, desa=village(MALANG_VILLAGE))
    AssignmentFactory(group=group)

    refused(lambda: record(companion_user, group), "group")
