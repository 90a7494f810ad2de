"""The companions kind (the roster), driven directly: clean, then write in a savepoint; undo."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pendamping.companions.models import Companion
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.core.nik import parse_nik
from pendamping.exchange.kinds.base import Context, RowInvalid, Written
from pendamping.exchange.kinds.companions import KIND
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, nik_for, village

pytestmark = pytest.mark.django_db


def ctx_for(actor: Any, on_existing: str = "skip") -> Context:
    return Context(actor=actor, on_existing=on_existing, today=timezone.localdate())


def import_row(raw: dict[str, Any], ctx: Context) -> Written:
    row = KIND.clean(raw, ctx=ctx)
    with transaction.atomic():
        return KIND.write(row, ctx=ctx)


def errors_of(exc: pytest.ExceptionInfo[RowInvalid]) -> dict[str, str]:
    return dict(exc.value.errors)


def roster_row(**fields: Any) -> dict[str, Any]:
    return {"nik": nik_for(village(), 9001), "name": " Budi  Santoso ", "education": "S1", "phone": "0812-3456-7890",
            "home_desa_code": "3578011001", **fields}  # fmt: skip


def test_a_new_companion_is_registered_with_sex_and_birth_date_from_the_nik(surabaya_officer: Any) -> None:
    raw = roster_row(status="Aktif", sex="L", caseload_limit="8")
    info = parse_nik(raw["nik"])
    raw["birth_date"] = info.birth_date.strftime("%d/%m/%Y")

    written = import_row(raw, ctx_for(surabaya_officer))

    companion = Companion.objects.get()
    assert written == Written("created", companion)
    assert (companion.name, companion.education, companion.phone, companion.status) == (
        "Budi Santoso", "s1", "081234567890", "active"
    )  # fmt: skip
    assert (companion.sex, companion.birth_date) == (info.sex, info.birth_date)
    assert (companion.home_desa_id, companion.regency_id, companion.caseload_limit) == ("35.78.01.1001", "35.78", 8)


def test_a_new_companion_starts_as_a_candidate(surabaya_officer: Any) -> None:
    import_row(roster_row(education="SMK"), ctx_for(surabaya_officer))
    assert Companion.objects.values_list("status", "education").get() == ("candidate", "sma")


def test_every_missing_required_column_is_named(surabaya_officer: Any) -> None:
    with pytest.raises(RowInvalid) as exc:
        KIND.clean({"nik": "", "name": "", "education": "", "home_desa_code": ""}, ctx=ctx_for(surabaya_officer))
    assert set(errors_of(exc)) == {"nik", "name", "education", "home_desa_code"}


@pytest.mark.parametrize("nik", [3.578011208900003e15, 357801120890000, "3578 0112 0890 0003", "35780112089O0003"])
def test_a_nik_that_excel_or_a_typist_changed_is_refused(surabaya_officer: Any, nik: Any) -> None:
    with pytest.raises(RowInvalid) as exc:
        KIND.clean(roster_row(nik=nik), ctx=ctx_for(surabaya_officer))
    assert set(errors_of(exc)) == {"nik"}


def test_bad_values_are_refused_with_the_field_named(surabaya_officer: Any) -> None:
    raw = roster_row(phone=81234567890, sex="P", birth_date="01/01/1950", status="nonaktif", caseload_limit="40",
                     education="SD kelas 3", home_desa_code="35.78.01")  # fmt: skip

    with pytest.raises(RowInvalid) as exc:
        KIND.clean(raw, ctx=ctx_for(surabaya_officer))

    errors = errors_of(exc)
    assert set(errors) == {"phone", "sex", "birth_date", "status", "caseload_limit", "education", "home_desa_code"}
    assert "leading zeros" in errors["phone"]
    assert "differs from the NIK" in errors["sex"] and "differs from the NIK" in errors["birth_date"]


def test_a_companion_of_another_regency_is_refused(surabaya_officer: Any) -> None:
    ctx = ctx_for(surabaya_officer)
    with pytest.raises(RowInvalid) as lives:
        import_row(roster_row(home_desa_code=MALANG_VILLAGE), ctx)
    with pytest.raises(RowInvalid) as serves:
        import_row(roster_row(regency_code="3507"), ctx)
    assert errors_of(lives)["home_desa_code"] == (
        "The regency of service 35.07 is in Kabupaten Malang, outside the regencies you work in."
    )
    assert "outside the regencies you work in" in errors_of(serves)["regency_code"]
    assert not Companion.objects.exists()


def test_an_unknown_village_is_the_service_s_refusal_under_the_column(surabaya_officer: Any) -> None:
    with pytest.raises(RowInvalid) as exc:
        import_row(roster_row(home_desa_code="35.78.01.9999"), ctx_for(surabaya_officer))
    assert errors_of(exc) == {"home_desa_code": "Unknown village (desa/kelurahan) code: 35.78.01.9999"}


def test_existing_companions_are_skipped_rejected_or_updated(surabaya_officer: Any) -> None:
    companion = CompanionFactory(nik=nik_for(village(), 9001), name="Budi Santoso", phone="081234567890")
    same = roster_row(education="s1")
    moved = roster_row(phone="081299990000", caseload_limit="12", status="aktif")

    assert import_row(moved, ctx_for(surabaya_officer, "skip")) == Written("skipped")
    with pytest.raises(RowInvalid, match="already exists"):
        import_row(moved, ctx_for(surabaya_officer, "reject"))
    assert import_row(same, ctx_for(surabaya_officer, "update")) == Written("skipped")
    written = import_row(moved, ctx_for(surabaya_officer, "update"))

    companion.refresh_from_db()
    assert (companion.phone, companion.caseload_limit) == ("081299990000", 12)
    assert written.action == "updated" and written.before is not None
    assert written.before == {"phone": "081234567890", "caseload_limit": 10, "home_desa_code": "35.78.01.1001",
                              "regency_code": "35.78"}  # fmt: skip
    KIND.undo(companion.pk, "u", written.before, actor=surabaya_officer)
    companion.refresh_from_db()
    assert (companion.phone, companion.caseload_limit) == ("081234567890", 10)


def test_a_companion_of_another_regency_is_not_updated(surabaya_officer: Any) -> None:
    CompanionFactory(nik=nik_for(village(), 9001), home_desa=village(MALANG_VILLAGE))
    with pytest.raises(RowInvalid) as exc:
        import_row(roster_row(), ctx_for(surabaya_officer, "update"))
    assert "outside the regencies you work in" in errors_of(exc)["nik"]


def test_undo_removes_a_created_companion_unless_assigned_since(surabaya_officer: Any) -> None:
    ctx = ctx_for(surabaya_officer)
    kept = import_row(roster_row(status="aktif"), ctx)
    removed = import_row(roster_row(nik=nik_for(village(), 9002)), ctx)
    assert kept.obj is not None and removed.obj is not None
    AssignmentFactory(companion=kept.obj, group=GroupFactory())

    KIND.undo(removed.obj.pk, "c", None, actor=surabaya_officer)
    with pytest.raises(ValidationError, match="other records refer to it"):
        KIND.undo(kept.obj.pk, "c", None, actor=surabaya_officer)

    assert list(Companion.objects.values_list("pk", flat=True)) == [kept.obj.pk]
