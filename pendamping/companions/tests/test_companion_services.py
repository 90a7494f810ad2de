"""companion_create / companion_update / assignment_create / assignment_end: person data from the NIK, phone
numbers, the regency of service, and the assignment rules (active, same regency, caseload, one per KUBE)."""

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.companions.models import Assignment, Companion
from pendamping.companions.services import assignment_create, assignment_end, companion_create, companion_update
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.core.concurrency import StaleRecord
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, GroupFactory, village

NIK = "3578010101900001"  # a man born 1 January 1990, kec. Karang Pilang (Surabaya)
START = dt.date(2024, 3, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def refusal(call: Callable[[], Any], field: str | None = None) -> str:
    """Run a call that must be refused; return the messages (of `field`, if given) as one string."""
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    if field is None:
        return " ".join(error.messages)
    assert hasattr(error, "error_dict"), f"expected an error on {field!r}, got {error.messages}"
    assert field in error.message_dict, f"expected an error on {field!r}, got {error.message_dict}"
    return " ".join(error.message_dict[field])


def create(actor: Any, **fields: Any) -> Companion:
    data: dict[str, Any] = {
        "nik": NIK,
        "home_desa_code": SURABAYA_VILLAGE,
        "name": "Dewi Lestari",
        "education": Companion.Education.S1,
        "phone": "081234567890",
    }
    data.update(fields)
    return companion_create(actor=actor, **data)


def assign(actor: Any, companion: Companion, group: Group, **fields: Any) -> Assignment:
    return assignment_create(
        actor=actor, companion=companion, group=group, started_on=fields.pop("on", START), **fields
    )


def assert_no_companion_written() -> None:
    assert not Companion.objects.exists()
    assert not AuditEntry.objects.exists()


# --- companion_create -------------------------------------------------------------------------------------


def test_companion_create_derives_sex_and_birth_date_from_the_nik(admin: User) -> None:
    companion = create(admin, nik="3578011203850001")

    companion.refresh_from_db()
    assert (companion.sex, companion.birth_date) == ("M", dt.date(1985, 3, 12))


def test_a_woman_companion_is_recognised_by_the_day_plus_forty(admin: User) -> None:
    companion = create(admin, nik="3578015203850002")

    assert (companion.sex, companion.birth_date) == ("F", dt.date(1985, 3, 12))


def test_a_new_companion_is_a_candidate_serving_their_home_regency(admin: User) -> None:
    companion = create(admin, home_desa_code=MALANG_VILLAGE)

    companion.refresh_from_db()
    assert (companion.status, companion.home_desa_id, companion.regency_id) == ("candidate", MALANG_VILLAGE, "35.07")
    assert (companion.caseload_limit, companion.version) == (10, 1)


def test_a_companion_may_serve_another_regency_than_their_home(admin: User) -> None:
    companion = create(admin, regency_code="35.07")

    assert (companion.home_desa_id, companion.regency_id) == (SURABAYA_VILLAGE, "35.07")


@pytest.mark.parametrize("code", ["99.01", "35.99", "35.78.01", "35"])
def test_an_unknown_regency_of_service_is_refused(admin: User, code: str) -> None:
    refusal(lambda: create(admin, regency_code=code), "regency")
    assert_no_companion_written()


@pytest.mark.parametrize(
    ("nik", "problem"),
    [
        ("357801010190001", "16 digits"),
        ("3578010101900O01", "digits only"),
        ("3578013102900001", "impossible birth date"),
        ("3578010113900001", "month"),
        ("3578010101900000", "0000"),
        (3578010101900001, "not as a number"),
    ],
)
def test_a_wrong_nik_is_refused_with_a_message_naming_the_problem(admin: User, nik: Any, problem: str) -> None:
    assert problem in refusal(lambda: create(admin, nik=nik), "nik")
    assert_no_companion_written()


def test_a_duplicate_nik_names_the_existing_companion_masked(admin: User) -> None:
    create(admin, name="Dewi Lestari")

    message = refusal(lambda: create(admin, name="Rina Wati"), "nik")

    assert "D*** L***" in message and "Dewi" not in message
    assert Companion.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0812-3456-7890", "081234567890"),
        ("0812 3456 7890", "081234567890"),
        ("+6281234567890", "+6281234567890"),
        ("031123456", "031123456"),
        ("", ""),
    ],
)
def test_phone_numbers_are_stored_without_separators(admin: User, typed: str, stored: str) -> None:
    assert create(admin, phone=typed).phone == stored


@pytest.mark.parametrize(
    "phone", ["12345", "0812345", "0812-ABC-7890", "0812345678901234", "62+812345678", "08.123.456"]
)
def test_a_bad_phone_number_is_refused(admin: User, phone: str) -> None:
    assert "9-15 digits" in refusal(lambda: create(admin, phone=phone), "phone")
    assert_no_companion_written()


@pytest.mark.parametrize("phone", ["++6281234567890", "\uff10\uff18\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18"])
def test_a_phone_number_with_two_plus_signs_or_foreign_digits_is_refused(admin: User, phone: str) -> None:
    refusal(lambda: create(admin, phone=phone), "phone")


def test_an_unknown_home_desa_is_refused(admin: User) -> None:
    assert "Unknown village" in refusal(lambda: create(admin, home_desa_code="35.78.01.9999"), "home_desa")
    assert_no_companion_written()


def test_a_missing_home_desa_is_refused_with_a_message(admin: User) -> None:
    refusal(lambda: create(admin, home_desa_code=""), "home_desa")


def test_a_companion_without_an_education_level_is_refused(admin: User) -> None:
    data = {"nik": NIK, "home_desa_code": SURABAYA_VILLAGE, "name": "Dewi"}

    refusal(lambda: companion_create(actor=admin, **data), "education")
    assert_no_companion_written()


def test_a_companion_without_a_name_is_refused(admin: User) -> None:
    refusal(lambda: create(admin, name="  "), "name")
    assert_no_companion_written()


@pytest.mark.parametrize("limit", [0, 31])
def test_a_caseload_limit_outside_1_to_30_is_refused(admin: User, limit: int) -> None:
    assert "caseload_1_30" in refusal(lambda: create(admin, caseload_limit=limit))
    assert_no_companion_written()


def test_a_surabaya_officer_cannot_register_a_companion_serving_malang(surabaya_officer: User) -> None:
    refusal(lambda: create(surabaya_officer, home_desa_code=MALANG_VILLAGE), "regency")
    refusal(lambda: create(surabaya_officer, regency_code="35.07"), "regency")
    assert_no_companion_written()


def test_a_surabaya_officer_registers_a_companion_living_in_malang_serving_surabaya(surabaya_officer: User) -> None:
    companion = create(surabaya_officer, home_desa_code=MALANG_VILLAGE, regency_code="35.78")

    assert companion.regency_id == "35.78"


@pytest.mark.parametrize("role", ["companion_user", "auditor", "evaluator", "norole"])
def test_roles_that_may_not_write_companions_cannot_register_one(role: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        create(request.getfixturevalue(role))
    assert_no_companion_written()


# --- companion_update -------------------------------------------------------------------------------------


def test_companion_update_changes_fields_and_version(admin: User) -> None:
    companion = create(admin)

    companion_update(actor=admin, companion=companion, version=1, caseload_limit=8, phone="0811 111 1111")

    companion.refresh_from_db()
    assert (companion.caseload_limit, companion.phone, companion.version) == (8, "08111111111", 2)


def test_companion_update_refuses_a_status_change(admin: User) -> None:
    companion = create(admin)

    refusal(lambda: companion_update(actor=admin, companion=companion, status="active"), "status")

    companion.refresh_from_db()
    assert (companion.status, companion.version) == ("candidate", 1)


def test_companion_update_with_a_stale_version_is_refused_and_changes_nothing(admin: User) -> None:
    companion = create(admin)
    companion_update(actor=admin, companion=companion, version=1, phone="081222333444")

    with pytest.raises(StaleRecord):
        companion_update(actor=admin, companion=companion, version=1, phone="081999888777")
    companion.refresh_from_db()
    assert (companion.phone, companion.version) == ("081222333444", 2)


def test_companion_update_keeps_the_nik_and_what_it_gives(admin: User) -> None:
    companion = create(admin)

    companion_update(actor=admin, companion=companion, nik="3578015203850002", sex="F")

    companion.refresh_from_db()
    assert (companion.nik, companion.sex) == (NIK, "M")


def test_moving_a_companion_to_another_home_desa_keeps_their_regency_of_service(admin: User) -> None:
    companion = create(admin)

    companion_update(actor=admin, companion=companion, home_desa_code=MALANG_VILLAGE)

    companion.refresh_from_db()
    assert (companion.home_desa_id, companion.regency_id) == (MALANG_VILLAGE, "35.78")


def test_a_companion_without_assignments_may_change_regency(admin: User) -> None:
    companion = CompanionFactory()

    companion_update(actor=admin, companion=companion, regency_code="35.07")

    companion.refresh_from_db()
    assert companion.regency_id == "35.07"


def test_a_companion_with_current_assignments_cannot_change_regency(admin: User) -> None:
    assignment = AssignmentFactory()

    assert "End this companion's current assignments" in refusal(
        lambda: companion_update(actor=admin, companion=assignment.companion, regency_code="35.07"), "regency"
    )
    assignment.companion.refresh_from_db()
    assert assignment.companion.regency_id == "35.78"


def test_companion_update_refuses_a_bad_phone_and_changes_nothing(admin: User) -> None:
    companion = CompanionFactory(phone="081200000000")

    refusal(lambda: companion_update(actor=admin, companion=companion, phone="123", caseload_limit=5), "phone")
    companion.refresh_from_db()
    assert (companion.phone, companion.status, companion.version) == ("081200000000", "active", 1)


def test_a_surabaya_officer_cannot_change_a_malang_companion(surabaya_officer: User) -> None:
    companion = CompanionFactory(home_desa=village(MALANG_VILLAGE), name="Rina Wati")

    refusal(lambda: companion_update(actor=surabaya_officer, companion=companion, name="Forged"), "regency")
    companion.refresh_from_db()
    assert companion.name == "Rina Wati"


def test_a_surabaya_officer_cannot_move_a_companion_to_malang(surabaya_officer: User) -> None:
    companion = CompanionFactory()

    refusal(lambda: companion_update(actor=surabaya_officer, companion=companion, regency_code="35.07"), "regency")
    companion.refresh_from_db()
    assert companion.regency_id == "35.78"


def test_a_companion_cannot_change_their_own_record(companion_user: User) -> None:
    companion = CompanionFactory(user=companion_user)

    with pytest.raises(PermissionDenied):
        companion_update(actor=companion_user, companion=companion, caseload_limit=30)


# --- assignment_create ------------------------------------------------------------------------------------


def test_an_active_companion_is_assigned_to_a_kube_of_their_regency(admin: User) -> None:
    companion, group = CompanionFactory(), GroupFactory()

    assignment = assign(admin, companion, group)

    assignment.refresh_from_db()
    assert (assignment.companion_id, assignment.group_id, assignment.started_on, assignment.ended_on) == (
        companion.pk,
        group.pk,
        START,
        None,
    )


@pytest.mark.parametrize("status", ["applicant", "candidate", "trainee", "intern", "inactive"])
def test_only_an_active_companion_can_be_assigned(admin: User, status: str) -> None:
    companion = CompanionFactory(status=status)

    assert "Only active companions" in refusal(lambda: assign(admin, companion, GroupFactory()), "companion")
    assert not Assignment.objects.exists()


def test_a_companion_cannot_be_assigned_outside_their_regency(admin: User) -> None:
    companion, group = CompanionFactory(), GroupFactory(desa=village(MALANG_VILLAGE))

    assert "outside the companion's regency" in refusal(lambda: assign(admin, companion, group), "group")
    assert not Assignment.objects.exists()


def test_the_eleventh_kube_is_refused_with_the_default_caseload_limit(admin: User) -> None:
    companion = CompanionFactory()
    for _ in range(10):
        AssignmentFactory(companion=companion)

    assert "accompanies 10 KUBE" in refusal(lambda: assign(admin, companion, GroupFactory()), "companion")
    assert companion.assignments.count() == 10


def test_the_tenth_kube_is_accepted(admin: User) -> None:
    companion = CompanionFactory()
    for _ in range(9):
        AssignmentFactory(companion=companion)

    assign(admin, companion, GroupFactory())

    assert companion.assignments.current().count() == 10


def test_ended_assignments_do_not_count_towards_the_caseload(admin: User) -> None:
    companion = CompanionFactory(caseload_limit=2)
    AssignmentFactory(companion=companion)
    AssignmentFactory(companion=companion, ended_on=dt.date(2024, 1, 1), started_on=dt.date(2023, 1, 1))

    assign(admin, companion, GroupFactory())

    assert "accompanies 2 KUBE" in refusal(lambda: assign(admin, companion, GroupFactory()), "companion")


def test_a_kube_with_a_current_companion_is_refused_naming_them(admin: User) -> None:
    current = AssignmentFactory(companion__name="Rina Wati")
    newcomer = CompanionFactory()

    message = refusal(lambda: assign(admin, newcomer, current.group), "group")

    assert "Rina Wati" in message
    assert list(Assignment.objects.all()) == [current]


def test_replace_relieves_the_current_companion_and_keeps_the_history(admin: User) -> None:
    previous = AssignmentFactory(started_on=dt.date(2023, 1, 1))
    newcomer = CompanionFactory()

    assignment = assign(admin, newcomer, previous.group, replace=True)

    previous.refresh_from_db()
    assert (previous.ended_on, previous.end_reason) == (START, "reassigned")
    assert list(previous.group.assignments.current()) == [assignment]
    assert previous.group.assignments.count() == 2


def test_replace_before_the_current_companion_started_is_refused_and_changes_nothing(admin: User) -> None:
    previous = AssignmentFactory(started_on=dt.date(2024, 5, 1))

    refusal(lambda: assign(admin, CompanionFactory(), previous.group, replace=True, on=START), "ended_on")

    previous.refresh_from_db()
    assert previous.ended_on is None
    assert previous.group.assignments.count() == 1
    assert not AuditEntry.objects.exists()


def test_replace_on_a_kube_without_a_companion_simply_assigns(admin: User) -> None:
    assignment = assign(admin, CompanionFactory(), GroupFactory(), replace=True)

    assert assignment.ended_on is None


def test_a_companion_cannot_be_assigned_twice_to_one_kube(admin: User) -> None:
    current = AssignmentFactory()

    assert "already accompanies this KUBE" in refusal(
        lambda: assign(admin, current.companion, current.group, replace=True), "group"
    )
    assert current.group.assignments.count() == 1


@pytest.mark.parametrize("status", [Group.Status.INACTIVE, Group.Status.GRADUATED])
def test_an_inactive_or_graduated_kube_gets_no_companion(admin: User, status: str) -> None:
    group = GroupFactory(status=status)

    refusal(lambda: assign(admin, CompanionFactory(), group), "group")
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("status", [Group.Status.FORMING, Group.Status.ACTIVE])
def test_a_forming_or_active_kube_gets_a_companion(admin: User, status: str) -> None:
    assert assign(admin, CompanionFactory(), GroupFactory(status=status)).pk is not None


def test_an_assignment_starting_in_the_future_is_refused(admin: User) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    assert "future" in refusal(lambda: assign(admin, CompanionFactory(), GroupFactory(), on=tomorrow), "started_on")
    assert not Assignment.objects.exists()


def test_an_assignment_starting_today_is_accepted(admin: User) -> None:
    assert assign(admin, CompanionFactory(), GroupFactory(), on=timezone.localdate()).pk is not None


def test_a_surabaya_officer_cannot_assign_in_malang(surabaya_officer: User) -> None:
    companion = CompanionFactory(home_desa=village(MALANG_VILLAGE))
    group = GroupFactory(desa=village(MALANG_VILLAGE))

    refusal(lambda: assign(surabaya_officer, companion, group), "group")
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("role", ["companion_user", "auditor", "evaluator", "norole"])
def test_roles_that_may_not_assign_are_refused(role: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        assign(request.getfixturevalue(role), CompanionFactory(), GroupFactory())
    assert not Assignment.objects.exists()


# --- assignment_end ---------------------------------------------------------------------------------------


def test_assignment_end_keeps_the_row_with_its_end_and_reason(admin: User) -> None:
    assignment = AssignmentFactory(started_on=START)

    assignment_end(actor=admin, assignment=assignment, ended_on=dt.date(2024, 6, 30), reason=" cuti ")

    assignment.refresh_from_db()
    assert (assignment.ended_on, assignment.end_reason) == (dt.date(2024, 6, 30), "cuti")


def test_an_end_before_the_start_is_refused(admin: User) -> None:
    assignment = AssignmentFactory(started_on=START)

    assert "before the start" in refusal(
        lambda: assignment_end(actor=admin, assignment=assignment, ended_on=START - dt.timedelta(days=1)), "ended_on"
    )
    assignment.refresh_from_db()
    assert assignment.ended_on is None


def test_an_assignment_may_end_on_its_first_day(admin: User) -> None:
    assignment = AssignmentFactory(started_on=START)

    assert assignment_end(actor=admin, assignment=assignment, ended_on=START).ended_on == START


def test_ending_an_assignment_twice_is_refused(admin: User) -> None:
    assignment = AssignmentFactory(started_on=START)
    assignment_end(actor=admin, assignment=assignment, ended_on=dt.date(2024, 4, 1))

    assert "already ended" in refusal(
        lambda: assignment_end(actor=admin, assignment=assignment, ended_on=dt.date(2024, 5, 1))
    )
    assignment.refresh_from_db()
    assert assignment.ended_on == dt.date(2024, 4, 1)


def test_after_an_assignment_ends_the_kube_can_get_another_companion(admin: User) -> None:
    assignment = AssignmentFactory(started_on=START)
    assignment_end(actor=admin, assignment=assignment, ended_on=dt.date(2024, 4, 1))

    assign(admin, CompanionFactory(), assignment.group, on=dt.date(2024, 4, 2))

    assert assignment.group.assignments.current().count() == 1


def test_a_surabaya_officer_cannot_end_a_malang_assignment(surabaya_officer: User) -> None:
    group = GroupFactory(desa=village(MALANG_VILLAGE))
    assignment = AssignmentFactory(group=group)

    refusal(lambda: assignment_end(actor=surabaya_officer, assignment=assignment, ended_on=START), "group")


def test_a_companion_cannot_end_their_own_assignment(companion_user: User) -> None:
    assignment = AssignmentFactory(companion__user=companion_user)

    with pytest.raises(PermissionDenied):
        assignment_end(actor=companion_user, assignment=assignment, ended_on=START)


# --- the database constraints, bypassing the services -----------------------------------------------------


def test_the_database_refuses_two_current_companions_for_one_kube() -> None:
    current = AssignmentFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(group=current.group)
    assert current.group.assignments.count() == 1


def test_the_database_refuses_an_assignment_ending_before_it_starts() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(started_on=START, ended_on=START - dt.timedelta(days=1))
