"""Four eyes on disbursement (the services): a tranche is entered by one person and approved by another, never by
whoever entered it, and only once, even when two officers approve at the same moment (PostgreSQL, two threads).
Only approved tranches count as disbursed. A pending tranche entered in error can be withdrawn. The pages and the
API are tested in test_grant_tranche_approval_doors.py."""

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from pendamping.accounts.models import Role, User
from pendamping.accounts.tests.factories import UserFactory
from pendamping.audit.models import AuditEntry
from pendamping.registry import selectors
from pendamping.registry.models import Grant, Tranche
from pendamping.registry.selectors import RegistryFilters
from pendamping.registry.services import grants as grant_services
from pendamping.registry.services import tranche_add, tranche_approve, tranche_delete
from pendamping.registry.tests.factories import MALANG_VILLAGE, GrantFactory, GroupFactory, TrancheFactory, village

PAID = dt.date(2024, 3, 1)


def second_officer(username: str = "officer_surabaya_2") -> User:
    return UserFactory(username=username, role=Role.OFFICER, regencies=["35.78"])


def refusal(call: Callable[[], Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    return " ".join(caught.value.messages)


def approvals(tranche: Tranche) -> int:
    return AuditEntry.objects.filter(object_id=str(tranche.pk), action="update").count()


# --- services ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_tranche_awaits_approval_and_names_who_entered_it(surabaya_officer: User) -> None:
    tranche = tranche_add(actor=surabaya_officer, grant=GrantFactory(), amount="2.000.000", disbursed_on=PAID)

    tranche.refresh_from_db()
    assert (tranche.status, tranche.entered_by, tranche.approved_by, tranche.approved_at) == (
        "pending",
        surabaya_officer,
        None,
        None,
    )


@pytest.mark.django_db
def test_another_officer_of_the_regency_approves_a_tranche(surabaya_officer: User) -> None:
    tranche = tranche_add(actor=surabaya_officer, grant=GrantFactory(), amount="2.000.000", disbursed_on=PAID)
    other = second_officer()

    approved = tranche_approve(actor=other, tranche=tranche)

    tranche.refresh_from_db()
    assert (tranche.status, tranche.approved_by, approved.status) == ("approved", other, "approved")
    assert tranche.approved_at is not None and timezone.now() - tranche.approved_at < dt.timedelta(minutes=1)
    entry = AuditEntry.objects.get(object_id=str(tranche.pk), action="update")
    assert (entry.actor, entry.changes["status"]) == (other, ["pending", "approved"])
    assert entry.changes["approved_by_id"] == [None, other.pk]


@pytest.mark.django_db
def test_whoever_entered_a_tranche_cannot_approve_it(surabaya_officer: User) -> None:
    tranche = tranche_add(actor=surabaya_officer, grant=GrantFactory(), amount="2.000.000", disbursed_on=PAID)

    message = refusal(lambda: tranche_approve(actor=surabaya_officer, tranche=tranche))

    assert "You entered this tranche, so someone else must approve it" in message
    tranche.refresh_from_db()
    assert (tranche.status, tranche.approved_by, approvals(tranche)) == ("pending", None, 0)


@pytest.mark.django_db
def test_an_admin_who_entered_a_tranche_cannot_approve_it_either(admin: User) -> None:
    tranche = tranche_add(actor=admin, grant=GrantFactory(), amount=1_000, disbursed_on=PAID)

    refusal(lambda: tranche_approve(actor=admin, tranche=tranche))
    assert Tranche.objects.get(pk=tranche.pk).status == "pending"


@pytest.mark.django_db
def test_a_tranche_cannot_be_approved_twice(surabaya_officer: User, admin: User) -> None:
    tranche = tranche_add(actor=surabaya_officer, grant=GrantFactory(), amount="2.000.000", disbursed_on=PAID)
    first = second_officer()
    tranche_approve(actor=first, tranche=tranche)

    message = refusal(lambda: tranche_approve(actor=admin, tranche=tranche))

    assert f"already approved by {first.get_full_name()}" in message
    tranche.refresh_from_db()
    assert (tranche.approved_by, approvals(tranche)) == (first, 1)


@pytest.mark.django_db
def test_a_stale_copy_of_a_pending_tranche_cannot_be_approved_again(surabaya_officer: User, admin: User) -> None:
    """The caller's object still says pending; the service reads the row, not the caller's copy."""
    tranche = tranche_add(actor=surabaya_officer, grant=GrantFactory(), amount=1_000, disbursed_on=PAID)
    stale = Tranche.objects.get(pk=tranche.pk)
    tranche_approve(actor=admin, tranche=tranche)

    assert "already approved" in refusal(lambda: tranche_approve(actor=second_officer(), tranche=stale))
    assert approvals(tranche) == 1


@pytest.mark.django_db
def test_a_tranche_entered_by_the_system_may_be_approved_by_an_officer(surabaya_officer: User) -> None:
    tranche = tranche_add(actor=None, grant=GrantFactory(), amount=1_000, disbursed_on=PAID)

    assert tranche_approve(actor=surabaya_officer, tranche=tranche).approved_by == surabaya_officer


@pytest.mark.django_db
def test_an_officer_cannot_approve_another_regencys_tranche(surabaya_officer: User, malang_officer: User) -> None:
    grant = GrantFactory(group=GroupFactory(desa=village(MALANG_VILLAGE)))
    tranche = tranche_add(actor=malang_officer, grant=grant, amount=1_000, disbursed_on=PAID)

    assert "outside the regencies" in refusal(lambda: tranche_approve(actor=surabaya_officer, tranche=tranche))
    assert Tranche.objects.get(pk=tranche.pk).status == "pending"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["companion_user", "auditor", "evaluator", "norole"])
def test_roles_without_the_approval_right_cannot_approve(role: str, request: pytest.FixtureRequest) -> None:
    tranche = TrancheFactory()

    with pytest.raises(PermissionDenied):
        tranche_approve(actor=request.getfixturevalue(role), tranche=tranche)
    assert Tranche.objects.get(pk=tranche.pk).status == "pending"


@pytest.mark.django_db
def test_the_database_refuses_an_approval_by_whoever_entered_the_tranche(surabaya_officer: User) -> None:
    tranche = TrancheFactory(entered_by=surabaya_officer)

    with pytest.raises(IntegrityError), transaction.atomic():
        Tranche.objects.filter(pk=tranche.pk).update(
            status="approved", approved_by=surabaya_officer, approved_at=timezone.now()
        )


@pytest.mark.django_db
def test_the_database_refuses_an_approval_without_its_time() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        TrancheFactory(status="approved")


# --- withdrawing a pending tranche ------------------------------------------------------------------------


@pytest.mark.django_db
def test_whoever_entered_a_pending_tranche_may_withdraw_it(surabaya_officer: User) -> None:
    tranche = tranche_add(actor=surabaya_officer, grant=GrantFactory(), amount=1_000, disbursed_on=PAID)

    tranche_delete(actor=surabaya_officer, tranche=tranche)

    assert not Tranche.objects.filter(pk=tranche.pk).exists()
    assert AuditEntry.objects.filter(object_id=str(tranche.pk), action="delete").count() == 1


@pytest.mark.django_db
def test_an_admin_may_withdraw_someone_elses_pending_tranche(surabaya_officer: User, admin: User) -> None:
    tranche = tranche_add(actor=surabaya_officer, grant=GrantFactory(), amount=1_000, disbursed_on=PAID)

    tranche_delete(actor=admin, tranche=tranche)

    assert not Tranche.objects.filter(pk=tranche.pk).exists()


@pytest.mark.django_db
def test_another_officer_may_not_withdraw_a_tranche_they_did_not_enter(surabaya_officer: User) -> None:
    tranche = tranche_add(actor=surabaya_officer, grant=GrantFactory(), amount=1_000, disbursed_on=PAID)

    assert "Only the person who entered" in refusal(lambda: tranche_delete(actor=second_officer(), tranche=tranche))
    assert Tranche.objects.filter(pk=tranche.pk).exists()


@pytest.mark.django_db
def test_an_approved_tranche_cannot_be_withdrawn(surabaya_officer: User, admin: User) -> None:
    tranche = tranche_add(actor=surabaya_officer, grant=GrantFactory(), amount=1_000, disbursed_on=PAID)
    tranche_approve(actor=admin, tranche=tranche)

    assert "approved tranche cannot be withdrawn" in refusal(lambda: tranche_delete(actor=admin, tranche=tranche))
    assert Tranche.objects.filter(pk=tranche.pk).exists()


@pytest.mark.django_db
def test_a_withdrawn_tranche_frees_its_amount_for_another(surabaya_officer: User) -> None:
    grant = GrantFactory(amount=10_000_000)
    tranche = tranche_add(actor=surabaya_officer, grant=grant, amount="10.000.000", disbursed_on=PAID)
    refusal(lambda: tranche_add(actor=surabaya_officer, grant=grant, amount=1, disbursed_on=PAID))

    tranche_delete(actor=surabaya_officer, tranche=tranche)

    assert tranche_add(actor=surabaya_officer, grant=grant, amount="10.000.000", disbursed_on=PAID).pk


# --- only approved tranches are disbursed -----------------------------------------------------------------


def _grant_with_both(**grant_fields: Any) -> Grant:
    grant = GrantFactory(amount=10_000_000, **grant_fields)
    TrancheFactory(grant=grant, amount=4_000_000, status="approved", approved_at=timezone.now())
    TrancheFactory(grant=grant, amount=3_000_000)
    return grant


@pytest.mark.django_db
def test_the_kubes_grants_count_approved_tranches_as_disbursed() -> None:
    grant = _grant_with_both()

    row = selectors.group_grants(group=grant.group).get()

    assert (row.disbursed, row.entered) == (4_000_000, 7_000_000)


@pytest.mark.django_db
def test_the_grant_list_counts_approved_tranches_as_disbursed(surabaya_officer: User) -> None:
    _grant_with_both()

    row = selectors.grant_list(user=surabaya_officer, filters=RegistryFilters()).get()

    assert row.disbursed == 4_000_000


@pytest.mark.django_db
def test_pending_tranches_still_count_against_the_grant_when_a_tranche_is_added(surabaya_officer: User) -> None:
    grant = _grant_with_both()

    message = refusal(lambda: tranche_add(actor=surabaya_officer, grant=grant, amount="3.000.001", disbursed_on=PAID))

    assert "Rp 10.000.001" in message


# --- two officers at the same moment (PostgreSQL) ---------------------------------------------------------


def _race(officers: list[User], tranche: Tranche) -> tuple[list[Tranche], list[str]]:
    """Each officer approves the tranche in a thread of their own, released together by a barrier."""
    start = threading.Barrier(len(officers))
    done: list[Tranche] = []
    refused: list[str] = []

    def approve(officer: User) -> None:
        try:
            start.wait(timeout=10)
            done.append(tranche_approve(actor=officer, tranche=Tranche.objects.get(pk=tranche.pk)))
        except ValidationError as exc:
            refused.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return done, refused


def _assert_exactly_one_approval(tranche: Tranche, done: list[Tranche], refused: list[str]) -> None:
    assert (len(done), len(refused)) == (1, 1), (done, refused)
    winner = done[0].approved_by
    assert winner is not None and f"already approved by {winner.get_full_name()}" in refused[0]
    tranche.refresh_from_db()
    assert (tranche.status, tranche.approved_by) == ("approved", winner)
    assert approvals(tranche) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_approving_at_the_same_moment_exactly_one_succeeds(admin: User) -> None:
    tranche = tranche_add(actor=admin, grant=GrantFactory(), amount="2.000.000", disbursed_on=PAID)
    officers = [second_officer("officer_a"), second_officer("officer_b")]

    done, refused = _race(officers, tranche)

    _assert_exactly_one_approval(tranche, done, refused)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_when_both_officers_have_read_the_tranche_as_pending_the_update_lets_one_through(
    admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worst interleaving, forced: both approvals have read the row as pending and passed every check before
    either writes. Only the conditional UPDATE ... WHERE status = 'pending' stands between them and a double
    approval: the second waits for the first's commit, then finds no pending row."""
    tranche = tranche_add(actor=admin, grant=GrantFactory(), amount="2.000.000", disbursed_on=PAID)
    both_read = threading.Barrier(2)
    first_call = threading.local()
    real_snapshot = grant_services.snapshot

    def snapshot_after_both_read(obj: Any) -> dict[str, Any]:
        if not getattr(first_call, "seen", False):  # the "before" snapshot: both threads passed the checks
            first_call.seen = True
            both_read.wait(timeout=10)
        return real_snapshot(obj)

    monkeypatch.setattr(grant_services, "snapshot", snapshot_after_both_read)

    done, refused = _race([second_officer("officer_a"), second_officer("officer_b")], tranche)

    _assert_exactly_one_approval(tranche, done, refused)
