"""The visits import kind: a row is cleaned into the visit service's values and written through it, inside a
savepoint as the engine does; an existing visit (same KUBE, same day) is skipped or refused, never changed."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pendamping.accounts.models import Role, User
from pendamping.accounts.tests.factories import UserFactory
from pendamping.companions.models import Companion, FollowUp, Visit
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.exchange.kinds.base import Context, RowInvalid, Written
from pendamping.exchange.kinds.visits import KIND, codes, roles
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, kube_with_members, village

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_WEEK = TODAY - dt.timedelta(days=7)


@pytest.fixture
def ani(companion_user: User) -> Companion:
    return CompanionFactory(user=companion_user, home_desa=village(SURABAYA_VILLAGE), name="Ani Lestari")


@pytest.fixture
def melati(ani: Companion) -> Group:
    group = kube_with_members(6, desa=village(SURABAYA_VILLAGE), name="KUBE Melati")
    AssignmentFactory(group=group, companion=ani, started_on=dt.date(2024, 1, 10))
    return group


def raw(group: Group, **overrides: Any) -> dict[str, Any]:
    """A row as a file gives it: text cells, a date as ODK writes it, roles as ODK's select-multiple."""
    return {
        "group_code": group.code,
        "visited_on": LAST_WEEK.isoformat(),
        "roles": "motivator facilitator",
        "topics": "bookkeeping marketing",
        "members_present": "5",
        "problems": "Buku kas belum rapi",
        "follow_up_1": "Cek buku kas",
        "follow_up_1_due": (TODAY + dt.timedelta(days=14)).strftime("%d/%m/%Y"),
        **overrides,
    }


def ctx(actor: Any, on_existing: str = "skip") -> Context:
    return Context(actor=actor, on_existing=on_existing, today=TODAY)


def run(row: dict[str, Any], context: Context) -> Written:
    """Clean and write one row in a savepoint, as the engine does (a refused row leaves nothing behind)."""
    cleaned = KIND.clean(row, ctx=context)
    with transaction.atomic():
        return KIND.write(cleaned, ctx=context)


def refused(row: dict[str, Any], context: Context) -> dict[str, str]:
    """The (field -> message) of a refused row; asserts nothing was written."""
    before = (Visit.objects.count(), FollowUp.objects.count())
    with pytest.raises(RowInvalid) as caught:
        run(row, context)
    assert (Visit.objects.count(), FollowUp.objects.count()) == before
    return dict(caught.value.errors)


def test_a_companion_imports_a_visit_with_its_follow_up(companion_user: User, ani: Companion, melati: Group) -> None:
    written = run(raw(melati), ctx(companion_user))

    visit = Visit.objects.get()
    assert written.action == "created" and written.obj == visit
    assert (visit.companion, visit.group, visit.on, visit.created_by) == (ani, melati, LAST_WEEK, companion_user)
    assert visit.roles() == ["motivator", "facilitator"]
    assert (visit.topics, visit.members_present, visit.problems) == (
        ["bookkeeping", "marketing"],
        5,
        "Buku kas belum rapi",
    )
    assert list(visit.follow_ups.values_list("action", "due_on")) == [("Cek buku kas", TODAY + dt.timedelta(days=14))]


def test_roles_and_topics_are_read_in_indonesian_with_commas_too() -> None:
    assert codes("nara sumber, Penggerak", roles(), label="role") == ["resource", "motivator"]
    assert codes("Nara Sumber fasilitator", roles(), label="role") == ["resource", "facilitator"]
    assert codes("motivator motivator", roles(), label="role") == ["motivator"]


def test_missing_required_values_are_all_named(companion_user: User, melati: Group) -> None:
    errors = refused(raw(melati, roles="", members_present=" "), ctx(companion_user))

    assert set(errors) == {"roles", "members_present"}


def test_unknown_role_and_bad_number_are_named_with_the_value(companion_user: User, melati: Group) -> None:
    errors = refused(raw(melati, roles="motivator pilot", members_present="lima"), ctx(companion_user))

    assert "pilot" in errors["roles"] and "lima" in errors["members_present"]


def test_a_visit_in_the_future_is_refused(companion_user: User, melati: Group) -> None:
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()

    errors = refused(raw(melati, visited_on=tomorrow), ctx(companion_user))

    assert "future" in errors["visited_on"]


def test_a_follow_up_needs_its_due_date_and_a_date_its_action(companion_user: User, melati: Group) -> None:
    errors = refused(raw(melati, follow_up_1_due="", follow_up_2_due="01/01/2030"), ctx(companion_user))

    assert set(errors) == {"follow_up_1_due", "follow_up_2"}


def test_a_follow_up_due_before_the_visit_is_refused_by_the_service(companion_user: User, melati: Group) -> None:
    early = (LAST_WEEK - dt.timedelta(days=1)).isoformat()

    errors = refused(raw(melati, follow_up_1_due=early), ctx(companion_user))

    assert "before the visit" in errors["follow_up_1"]


def test_a_kube_not_assigned_to_the_companion_is_refused(companion_user: User, ani: Companion) -> None:
    elsewhere = kube_with_members(4, desa=village(SURABAYA_VILLAGE), name="KUBE Mawar")
    AssignmentFactory(group=elsewhere)  # someone else's KUBE, in the same regency

    errors = refused(raw(elsewhere), ctx(companion_user))

    assert "not assigned to you" in errors["group_code"]


def test_more_members_present_than_the_kube_has_is_refused(companion_user: User, melati: Group) -> None:
    errors = refused(raw(melati, members_present="7"), ctx(companion_user))

    assert "between 0 and 6" in errors["members_present"]


@pytest.mark.parametrize("policy", ["skip", "update"])
def test_the_same_visit_again_is_skipped(policy: str, companion_user: User, melati: Group) -> None:
    run(raw(melati), ctx(companion_user))

    again = run(raw(melati), ctx(companion_user, policy))

    assert again.action == "skipped" and Visit.objects.count() == 1


def test_a_changed_visit_is_skipped_but_never_updated(companion_user: User, melati: Group) -> None:
    run(raw(melati), ctx(companion_user))

    assert run(raw(melati, members_present="2"), ctx(companion_user, "skip")).action == "skipped"
    errors = refused(raw(melati, members_present="2"), ctx(companion_user, "update"))

    assert "stays as recorded" in errors["visited_on"]
    assert Visit.objects.get().members_present == 5


def test_reject_refuses_an_existing_visit(companion_user: User, melati: Group) -> None:
    run(raw(melati), ctx(companion_user))

    errors = refused(raw(melati), ctx(companion_user, "reject"))

    assert "already exists" in errors[""]


def test_an_admin_imports_for_the_kubes_companion_now(admin: User, ani: Companion, melati: Group) -> None:
    run(raw(melati), ctx(admin))

    visit = Visit.objects.get()
    assert (visit.companion, visit.created_by) == (ani, admin)


def test_an_admin_naming_a_companion_who_does_not_accompany_the_kube_is_refused(admin: User, melati: Group) -> None:
    other = CompanionFactory(home_desa=village(MALANG_VILLAGE))

    errors = refused(raw(melati, companion_nik=other.nik), ctx(admin))

    assert "does not accompany this KUBE" in errors["group_code"]


def test_a_companion_naming_another_companion_is_refused(companion_user: User, melati: Group) -> None:
    other_user = UserFactory(username="budi", role=Role.COMPANION)
    other = CompanionFactory(user=other_user, home_desa=village(SURABAYA_VILLAGE))

    errors = refused(raw(melati, companion_nik=other.nik), ctx(companion_user))

    assert errors == {"companion_nik": "No companion you may see has this NIK."}


def test_a_kube_without_a_companion_has_no_visit_to_import(admin: User) -> None:
    lonely = kube_with_members(4, desa=village(SURABAYA_VILLAGE), name="KUBE Sepi")

    errors = refused(raw(lonely), ctx(admin))

    assert "no companion now" in errors["group_code"]


def test_undo_takes_the_visit_back_with_its_follow_ups(companion_user: User, melati: Group) -> None:
    written = run(raw(melati), ctx(companion_user))
    assert written.obj is not None

    KIND.undo(written.obj.pk, "created", None, actor=companion_user)

    assert not Visit.objects.exists() and not FollowUp.objects.exists()


def test_undo_after_a_day_is_refused_by_the_visit_rule(companion_user: User, melati: Group) -> None:
    written = run(raw(melati), ctx(companion_user))
    assert written.obj is not None
    Visit.objects.filter(pk=written.obj.pk).update(created_at=timezone.now() - dt.timedelta(days=2))

    with pytest.raises(ValidationError, match="within 24 hours"):
        KIND.undo(written.obj.pk, "created", None, actor=companion_user)
    assert Visit.objects.count() == 1


def test_the_natural_key_is_the_kube_and_the_day(companion_user: User, melati: Group) -> None:
    row = KIND.clean(raw(melati), ctx=ctx(companion_user))

    assert KIND.key(row) == (melati.code, LAST_WEEK)
