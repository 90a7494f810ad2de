"""family_create / family_update / family_delete: every rule, every refusal, and that a refusal writes nothing."""

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.core.concurrency import StaleRecord
from pendamping.registry.models import Family
from pendamping.registry.services import family_create, family_delete, family_update, nik_warnings
from pendamping.registry.tests.factories import (
    MALANG_VILLAGE,
    SURABAYA_VILLAGE,
    FamilyFactory,
    GroupFactory,
    MembershipFactory,
    village,
)

NIK = "3578010101900001"  # a man born 1 January 1990, registered in kec. Karang Pilang (Surabaya)
KEBRAON = "35.78.01.1002"  # another kelurahan of kec. Karang Pilang

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Messages are asserted in their English source form, whatever translations the catalogue gains.
    with translation.override("en"):
        yield


def create(actor: Any, **fields: Any) -> Family:
    data: dict[str, Any] = {
        "nik": NIK,
        "desa_code": SURABAYA_VILLAGE,
        "kk_number": "3578010000000001",
        "head_name": "Budi Santoso",
        "monthly_income": "1.500.000",
    }
    data.update(fields)
    return family_create(actor=actor, **data)


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


def assert_nothing_written() -> None:
    assert not Family.objects.exists()
    assert not AuditEntry.objects.exists()


# --- family_create: what the NIK gives -------------------------------------------------------------


def test_family_create_derives_sex_and_birth_date_from_the_nik(admin: User) -> None:
    family = create(admin, nik="3578011203850001")

    family.refresh_from_db()
    assert (family.sex, family.birth_date) == ("M", dt.date(1985, 3, 12))


def test_women_are_recognised_by_forty_added_to_the_day_of_birth(admin: User) -> None:
    family = create(admin, nik="3578015203850002")

    assert (family.sex, family.birth_date) == ("F", dt.date(1985, 3, 12))


def test_a_woman_born_on_the_31st_has_day_71(admin: User) -> None:
    family = create(admin, nik="3578017112790003")

    assert (family.sex, family.birth_date) == ("F", dt.date(1979, 12, 31))


def test_a_two_digit_year_in_the_future_is_read_as_last_century(admin: User) -> None:
    next_year = (timezone.localdate().year + 1) % 100
    family = create(admin, nik=f"3578010101{next_year:02d}0004")

    assert family.birth_date.year == 1900 + next_year


def test_a_recent_two_digit_year_is_read_as_this_century(admin: User) -> None:
    family = create(admin, nik="3578010101050005")

    assert family.birth_date == dt.date(2005, 1, 1)


def test_typed_sex_and_birth_date_are_ignored_in_favour_of_the_nik(admin: User) -> None:
    family = create(admin, nik="3578015203850002", sex="M", birth_date=dt.date(2000, 1, 1))

    assert (family.sex, family.birth_date) == ("F", dt.date(1985, 3, 12))


def test_spaces_around_the_nik_are_dropped(admin: User) -> None:
    family = create(admin, nik=f"  {NIK} ")

    assert family.nik == NIK


# --- family_create: a NIK that cannot be right -------------------------------------------------------


@pytest.mark.parametrize(
    ("nik", "problem"),
    [
        ("357801010190001", "16 digits (found 15)"),
        ("35780101019000011", "16 digits (found 17)"),
        ("", "16 digits (found 0)"),
        ("3578010101900A01", "digits only"),
        ("3578-10101900001", "digits only"),
        ("3578013102900001", "impossible birth date (31-02)"),
        ("3578012902010001", "impossible birth date (29-02)"),
        ("3578016902010001", "impossible birth date (29-02)"),
        ("3578013104900001", "impossible birth date (31-04)"),
        ("3578010113900001", "month of birth"),
        ("3578010100900001", "month of birth"),
        ("3578010001900001", "day of birth"),
        ("3578013201900001", "day of birth"),
        ("3578014001900001", "day of birth"),
        ("3578017201900001", "day of birth"),
        ("3578010101900000", "cannot be 0000"),
    ],
)
def test_a_wrong_nik_is_refused_with_a_message_naming_the_problem(admin: User, nik: str, problem: str) -> None:
    assert problem in refusal(lambda: create(admin, nik=nik), "nik")
    assert_nothing_written()


def test_a_nik_typed_as_a_number_is_refused_not_coerced(admin: User) -> None:
    assert "not as a number" in refusal(lambda: create(admin, nik=3578010101900001), "nik")
    assert_nothing_written()


def test_a_duplicate_nik_names_the_existing_record_masked(admin: User) -> None:
    create(admin, head_name="Budi Santoso")

    message = refusal(lambda: create(admin, head_name="Agus Salim", kk_number="3578010000000002"), "nik")

    assert "B*** S***" in message
    assert "3578********0001" in message
    assert "Budi" not in message and NIK not in message
    assert Family.objects.count() == 1


def test_a_duplicate_nik_with_spaces_is_still_a_duplicate(admin: User) -> None:
    create(admin)

    refusal(lambda: create(admin, nik=f" {NIK}"), "nik")
    assert Family.objects.count() == 1


def test_an_unknown_region_prefix_in_the_nik_is_a_warning_not_an_error(admin: User) -> None:
    family = create(admin, nik="9999990101900001")

    assert family.pk is not None
    assert "999999" in nik_warnings(family.nik)[0]


def test_a_nik_of_a_known_kecamatan_has_no_warning() -> None:
    assert nik_warnings(NIK) == []


# --- family_create: place, numbers, money ------------------------------------------------------------


def test_family_create_sets_desa_and_regency(admin: User) -> None:
    family = create(admin, desa_code=MALANG_VILLAGE)

    assert (family.desa_id, family.regency_id) == (MALANG_VILLAGE, "35.07")


@pytest.mark.parametrize("code", ["35.78.01.9999", "35.78.01", "35.78", "nowhere", ""])
def test_an_unknown_desa_code_is_refused(admin: User, code: str) -> None:
    message = refusal(lambda: create(admin, desa_code=code), "desa")

    assert "Unknown village" in message and code in message
    assert_nothing_written()


@pytest.mark.parametrize("kk", ["357801000000001", "35780100000000011", "35780100000000AB", "", 3578010000000001])
def test_a_kk_number_that_is_not_16_digits_is_refused(admin: User, kk: Any) -> None:
    assert "16 digits" in refusal(lambda: create(admin, kk_number=kk), "kk_number")
    assert_nothing_written()


FULL_WIDTH_KK = "".join(chr(0xFF10 + int(d)) for d in "3578010000000001")  # "３５７８…", \d matches these


def test_a_kk_number_in_full_width_digits_is_refused(admin: User) -> None:
    refusal(lambda: create(admin, kk_number=FULL_WIDTH_KK), "kk_number")


def test_a_missing_kk_number_is_refused(admin: User) -> None:
    data = {"nik": NIK, "desa_code": SURABAYA_VILLAGE, "head_name": "Budi Santoso"}

    refusal(lambda: family_create(actor=admin, **data), "kk_number")
    assert_nothing_written()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1.500.000", 1_500_000),
        ("Rp 1.500.000,00", 1_500_000),
        ("Rp1.500.000", 1_500_000),
        ("1500000", 1_500_000),
        (" 750000 ", 750_000),
        (2_000_000, 2_000_000),
        ("0", 0),
    ],
)
def test_monthly_income_is_read_as_whole_rupiah(admin: User, typed: Any, stored: int) -> None:
    family = create(admin, monthly_income=typed)

    family.refresh_from_db()
    assert family.monthly_income == stored


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("-5000", "negative"),
        (-5000, "negative"),
        ("1.500.000,50", "1.500.000,50"),  # named in the message (it says "not a rupiah amount", not "cents")
        ("1500000.5", "no cents"),
        ("1,5 juta", "Not a rupiah amount"),
        ("1.50.000", "Not a rupiah amount"),
        ("", "empty"),
    ],
)
def test_a_monthly_income_that_is_not_whole_positive_rupiah_is_refused(admin: User, typed: Any, problem: str) -> None:
    assert problem in refusal(lambda: create(admin, monthly_income=typed), "monthly_income")
    assert_nothing_written()


def test_a_welfare_decile_without_its_as_of_date_is_refused(admin: User) -> None:
    assert "date" in refusal(lambda: create(admin, welfare_decile=3), "decile_as_of")
    assert_nothing_written()


def test_a_welfare_decile_with_its_date_is_stored(admin: User) -> None:
    family = create(admin, welfare_decile=3, decile_as_of=dt.date(2024, 6, 30))

    family.refresh_from_db()
    assert (family.welfare_decile, family.decile_as_of) == (3, dt.date(2024, 6, 30))


@pytest.mark.parametrize("decile", [0, 11])
def test_a_welfare_decile_outside_1_to_10_is_refused_by_the_model_constraint(admin: User, decile: int) -> None:
    assert "family_decile_1_10" in refusal(
        lambda: create(admin, welfare_decile=decile, decile_as_of=dt.date(2024, 1, 1))
    )
    assert_nothing_written()


def test_a_household_of_nobody_is_refused(admin: User) -> None:
    assert "family_household_positive" in refusal(lambda: create(admin, household_size=0))
    assert_nothing_written()


@pytest.mark.parametrize("field", ["rt", "rw"])
def test_rt_and_rw_must_be_digits(admin: User, field: str) -> None:
    assert "digits" in refusal(lambda: create(admin, **{field: "0a3"}), field)
    assert_nothing_written()


def test_rt_in_foreign_digits_is_refused(admin: User) -> None:
    refusal(lambda: create(admin, rt="\u0660\u0660\u0663"), "rt")  # Arabic-Indic 003


def test_rt_and_rw_of_more_than_three_digits_are_refused(admin: User) -> None:
    refusal(lambda: create(admin, rt="0003"), "rt")
    assert_nothing_written()


def test_the_head_name_is_stored_with_single_spaces(admin: User) -> None:
    family = create(admin, head_name="  Siti   Wahyuni ")

    assert family.head_name == "Siti Wahyuni"


def test_a_family_without_a_head_name_is_refused(admin: User) -> None:
    refusal(lambda: create(admin, head_name="   "), "head_name")
    assert_nothing_written()


def test_an_unknown_status_is_refused(admin: User) -> None:
    refusal(lambda: create(admin, status="missing"), "status")
    assert_nothing_written()


def test_family_create_stores_every_given_field(admin: User) -> None:
    family = create(
        admin,
        address="Jl. Mawar 3",
        rt="003",
        rw="011",
        household_size=5,
        dtks_id="DTKS-001",
        status=Family.Status.ACTIVE,
    )

    family.refresh_from_db()
    assert (family.address, family.rt, family.rw, family.household_size, family.dtks_id, family.version) == (
        "Jl. Mawar 3",
        "003",
        "011",
        5,
        "DTKS-001",
        1,
    )


# --- family_create: who may -----------------------------------------------------------------------


def test_a_surabaya_officer_registers_a_surabaya_family(surabaya_officer: User) -> None:
    assert create(surabaya_officer).regency_id == "35.78"


def test_a_surabaya_officer_cannot_register_a_family_in_a_malang_desa(surabaya_officer: User) -> None:
    assert "outside the regencies" in refusal(lambda: create(surabaya_officer, desa_code=MALANG_VILLAGE), "desa")
    assert_nothing_written()


def test_an_officer_without_a_region_cannot_register_anywhere(officer_without_region: User) -> None:
    refusal(lambda: create(officer_without_region), "desa")
    assert_nothing_written()


def test_an_officer_of_two_regencies_registers_in_both(surabaya_officer: User) -> None:
    surabaya_officer.regencies.add("35.07")
    officer = User.objects.get(pk=surabaya_officer.pk)  # a fresh object: regency codes are cached per object

    create(officer)
    create(officer, nik="3507010101900001", kk_number="3507010000000001", desa_code=MALANG_VILLAGE)
    assert Family.objects.count() == 2


def test_the_system_itself_may_register_a_family() -> None:
    family = create(None)

    assert family.pk is not None
    assert AuditEntry.objects.get().actor_name == "system"


@pytest.mark.parametrize("role", ["companion_user", "auditor", "evaluator", "norole"])
def test_roles_that_may_not_write_families_are_refused(role: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        create(user)
    assert_nothing_written()


def test_a_deactivated_officer_is_refused(surabaya_officer: User) -> None:
    surabaya_officer.is_active = False

    with pytest.raises(PermissionDenied):
        create(surabaya_officer)
    assert_nothing_written()


# --- family_update ------------------------------------------------------------------------------------


def test_family_update_changes_the_given_fields_and_the_version(admin: User) -> None:
    family = create(admin)

    updated = family_update(
        actor=admin, family=family, version=1, head_name="Budi  Santoso Jr", monthly_income="Rp 2.000.000"
    )

    updated.refresh_from_db()
    assert (updated.head_name, updated.monthly_income, updated.version) == ("Budi Santoso Jr", 2_000_000, 2)


def test_family_update_leaves_the_nik_and_what_it_gives_alone(admin: User) -> None:
    family = create(admin)

    family_update(actor=admin, family=family, nik="3578015203850002", sex="F", head_name="Budi")

    family.refresh_from_db()
    assert (family.nik, family.sex, family.birth_date) == (NIK, "M", dt.date(1990, 1, 1))


def test_family_update_with_a_stale_version_is_refused_and_changes_nothing(admin: User) -> None:
    family = create(admin)
    family_update(actor=admin, family=family, version=1, address="Jl. Melati 1")

    with pytest.raises(StaleRecord):
        family_update(actor=admin, family=family, version=1, address="Jl. Kenanga 2")

    family.refresh_from_db()
    assert (family.address, family.version) == ("Jl. Melati 1", 2)
    assert AuditEntry.objects.count() == 2


def test_a_stale_record_is_a_validation_error_for_doors_that_catch_those(admin: User) -> None:
    family = create(admin)
    family_update(actor=admin, family=family, version=1, address="x")

    assert "changed by someone else" in refusal(lambda: family_update(actor=admin, family=family, version=1))


def test_family_update_without_a_version_does_not_check_it(admin: User) -> None:
    family = create(admin)
    family_update(actor=admin, family=family, address="x")

    assert family_update(actor=admin, family=family, address="y").version == 3


def test_family_update_that_changes_nothing_keeps_the_version_and_records_nothing(admin: User) -> None:
    family = create(admin, address="Jl. Mawar 3")

    family_update(actor=admin, family=family, version=1, address="Jl. Mawar 3", head_name=" Budi  Santoso ")

    family.refresh_from_db()
    assert family.version == 1
    assert AuditEntry.objects.count() == 1


def test_family_update_refuses_bad_values_and_changes_nothing(admin: User) -> None:
    family = create(admin)

    refusal(lambda: family_update(actor=admin, family=family, monthly_income="-1", address="changed"), "monthly_income")
    refusal(lambda: family_update(actor=admin, family=family, welfare_decile=4), "decile_as_of")
    refusal(lambda: family_update(actor=admin, family=family, kk_number="123"), "kk_number")

    family.refresh_from_db()
    assert (family.monthly_income, family.address, family.welfare_decile, family.version) == (1_500_000, "", None, 1)
    assert AuditEntry.objects.count() == 1


def test_removing_the_decile_date_but_not_the_decile_is_refused(admin: User) -> None:
    family = create(admin, welfare_decile=2, decile_as_of=dt.date(2024, 1, 1))

    refusal(lambda: family_update(actor=admin, family=family, decile_as_of=None), "decile_as_of")


def test_family_update_moves_a_family_without_a_kube_to_another_desa(admin: User) -> None:
    family = create(admin)

    family_update(actor=admin, family=family, desa_code=MALANG_VILLAGE)

    family.refresh_from_db()
    assert (family.desa_id, family.regency_id) == (MALANG_VILLAGE, "35.07")


def test_moving_a_family_to_an_unknown_desa_is_refused(admin: User) -> None:
    family = create(admin)

    refusal(lambda: family_update(actor=admin, family=family, desa_code="35.78.01.9999"), "desa")
    family.refresh_from_db()
    assert family.desa_id == SURABAYA_VILLAGE


def test_moving_a_member_family_to_another_desa_is_refused(admin: User) -> None:
    membership = MembershipFactory()
    family = membership.family

    assert "remove it from the KUBE" in refusal(
        lambda: family_update(actor=admin, family=family, desa_code=KEBRAON), "desa"
    )
    family.refresh_from_db()
    assert family.desa_id == SURABAYA_VILLAGE


def test_a_family_that_left_its_kube_may_move(admin: User) -> None:
    membership = MembershipFactory(left_on=dt.date(2024, 1, 1))

    family_update(actor=admin, family=membership.family, desa_code=KEBRAON)

    membership.family.refresh_from_db()
    assert membership.family.desa_id == KEBRAON


def test_a_surabaya_officer_cannot_move_a_family_to_malang(surabaya_officer: User) -> None:
    family = create(surabaya_officer)

    refusal(lambda: family_update(actor=surabaya_officer, family=family, desa_code=MALANG_VILLAGE), "desa")
    family.refresh_from_db()
    assert family.desa_id == SURABAYA_VILLAGE


def test_a_surabaya_officer_cannot_change_a_malang_family(surabaya_officer: User) -> None:
    family = FamilyFactory(desa=village(MALANG_VILLAGE), head_name="Slamet")

    refusal(lambda: family_update(actor=surabaya_officer, family=family, head_name="Forged"), "family")
    family.refresh_from_db()
    assert family.head_name == "Slamet"


@pytest.mark.parametrize("role", ["companion_user", "auditor", "evaluator", "norole"])
def test_roles_that_may_not_write_families_cannot_update_them(role: str, request: pytest.FixtureRequest) -> None:
    family = FamilyFactory(head_name="Slamet")

    with pytest.raises(PermissionDenied):
        family_update(actor=request.getfixturevalue(role), family=family, head_name="Forged")
    family.refresh_from_db()
    assert family.head_name == "Slamet"


# --- family_delete ------------------------------------------------------------------------------------


def test_family_delete_removes_a_family_without_history(admin: User) -> None:
    family = create(admin)

    family_delete(actor=admin, family=family)

    assert not Family.objects.exists()


def test_a_family_with_membership_history_cannot_be_deleted(admin: User) -> None:
    membership = MembershipFactory(left_on=dt.date(2024, 1, 1))

    assert "history" in refusal(lambda: family_delete(actor=admin, family=membership.family))
    assert Family.objects.filter(pk=membership.family_id).exists()


def test_a_current_member_family_cannot_be_deleted(admin: User) -> None:
    membership = MembershipFactory(group=GroupFactory())

    refusal(lambda: family_delete(actor=admin, family=membership.family))
    assert Family.objects.filter(pk=membership.family_id).exists()


@pytest.mark.parametrize("role", ["companion_user", "auditor", "evaluator", "norole"])
def test_roles_that_may_not_write_families_cannot_delete_them(role: str, request: pytest.FixtureRequest) -> None:
    family = FamilyFactory()

    with pytest.raises(PermissionDenied):
        family_delete(actor=request.getfixturevalue(role), family=family)
    assert Family.objects.filter(pk=family.pk).exists()


def test_a_surabaya_officer_cannot_delete_a_malang_family(surabaya_officer: User) -> None:
    family = FamilyFactory(desa=village(MALANG_VILLAGE))

    refusal(lambda: family_delete(actor=surabaya_officer, family=family), "family")
    assert Family.objects.filter(pk=family.pk).exists()
