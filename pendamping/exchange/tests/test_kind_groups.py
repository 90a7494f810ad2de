"""The groups kind (KUBE with members, one row per member), driven directly: clean, then write in a savepoint."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pendamping.exchange.kinds.base import Context, RowInvalid, Written
from pendamping.exchange.kinds.groups import KIND
from pendamping.exchange.services.batches import batch_run, batch_undo, batch_upload
from pendamping.exchange.tests.helpers import csv_bytes
from pendamping.registry.models import BoardRole, Group, Membership
from pendamping.registry.tests.factories import (
    MALANG_VILLAGE,
    FamilyFactory,
    GroupFactory,
    MembershipFactory,
    village,
)

pytestmark = pytest.mark.django_db

OTHER_SURABAYA_VILLAGE = "35.78.01.1002"


def ctx_for(actor: Any, on_existing: str = "skip") -> Context:
    return Context(actor=actor, on_existing=on_existing, today=timezone.localdate())


def row_for(family: Any, **fields: Any) -> dict[str, Any]:
    return {
        "name": "KUBE  Melati Jaya",
        "desa_code": "3578011001",
        "sector": "Peternakan",
        "founded_on": "15/01/2024",
        "member_nik": family.nik,
        "role": "Ketua",
        **fields,
    }


def import_row(raw: dict[str, Any], ctx: Context) -> Written:
    row = KIND.clean(raw, ctx=ctx)
    with transaction.atomic():
        return KIND.write(row, ctx=ctx)


def errors_of(exc: pytest.ExceptionInfo[RowInvalid]) -> dict[str, str]:
    return dict(exc.value.errors)


def test_the_first_row_founds_the_kube_and_the_next_rows_join_it(surabaya_officer: Any) -> None:
    ctx = ctx_for(surabaya_officer)
    first, second = FamilyFactory(), FamilyFactory()

    founded = import_row(row_for(first), ctx)
    joined = import_row(row_for(second, role="anggota", name="kube melati  jaya", joined_on="01/02/2024"), ctx)

    group = Group.objects.get()
    assert (group.name, group.sector, group.status) == ("KUBE Melati Jaya", "livestock", Group.Status.FORMING)
    assert group.code == "3578011001-001" and group.founded_on == dt.date(2024, 1, 15)
    assert founded.action == "created" and founded.extra == (group,) and founded.before == {"group_created": True}
    assert joined.action == "created" and joined.extra == () and joined.before is None
    members = {m.family_id: (m.role, m.joined_on) for m in Membership.objects.all()}
    assert members == {first.pk: ("ketua", dt.date(2024, 1, 15)), second.pk: ("anggota", dt.date(2024, 2, 1))}


def test_a_row_with_a_kube_code_adds_its_member_to_that_kube(surabaya_officer: Any) -> None:
    group = GroupFactory(founded_on=dt.date(2023, 5, 1))
    family = FamilyFactory()

    written = import_row({"group_code": group.code, "member_nik": family.nik}, ctx_for(surabaya_officer))

    assert isinstance(written.obj, Membership)
    assert (written.obj.group, written.obj.role, written.obj.joined_on) == (group, "anggota", dt.date(2023, 5, 1))


def test_a_row_of_a_new_kube_names_every_missing_column(surabaya_officer: Any) -> None:
    with pytest.raises(RowInvalid) as exc:
        KIND.clean({"name": "", "member_nik": ""}, ctx=ctx_for(surabaya_officer))
    assert set(errors_of(exc)) == {"name", "desa_code", "sector", "founded_on", "member_nik"}
    assert errors_of(exc)["name"] == "Required for a new KUBE (a row without KODE KUBE)."


def test_bad_values_are_refused_with_the_field_named(surabaya_officer: Any) -> None:
    raw = row_for(
        FamilyFactory(), founded_on="31/02/2024", sector="kapal selam", role="bos", member_nik=3578014506800002
    )
    raw["bank_account_number"] = 1201000123456.0

    with pytest.raises(RowInvalid) as exc:
        KIND.clean(raw, ctx=ctx_for(surabaya_officer))

    errors = errors_of(exc)
    assert set(errors) == {"founded_on", "sector", "role", "member_nik", "bank_account_number"}
    assert "February 2024 has 29 days" in errors["founded_on"]
    assert "stored as a number" in errors["member_nik"]
    assert "leading zeros" in errors["bank_account_number"]


def test_a_founding_date_in_the_future_is_refused(surabaya_officer: Any) -> None:
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    with pytest.raises(RowInvalid) as exc:
        KIND.clean(row_for(FamilyFactory(), founded_on=tomorrow), ctx=ctx_for(surabaya_officer))
    assert "in the future" in errors_of(exc)["founded_on"]


def test_a_member_must_be_a_registered_family(surabaya_officer: Any) -> None:
    raw = row_for(FamilyFactory.build(nik="3578010101900001"))
    with pytest.raises(RowInvalid) as exc:
        import_row(raw, ctx_for(surabaya_officer))
    assert "import the families first" in errors_of(exc)["member_nik"]
    assert not Group.objects.exists()


def test_a_member_the_service_refuses_takes_the_new_kube_back_with_its_row(surabaya_officer: Any) -> None:
    elsewhere = FamilyFactory(desa=village(OTHER_SURABAYA_VILLAGE))
    ctx = ctx_for(surabaya_officer)

    with pytest.raises(RowInvalid) as exc:
        import_row(row_for(elsewhere), ctx)

    assert "must live in the KUBE's village" in errors_of(exc)["member_nik"]
    assert not Group.objects.exists()
    # The next row of that KUBE founds it afresh rather than pointing at the KUBE rolled back.
    assert import_row(row_for(FamilyFactory()), ctx).extra != ()


def test_rows_of_one_new_kube_must_agree(surabaya_officer: Any) -> None:
    ctx = ctx_for(surabaya_officer)
    import_row(row_for(FamilyFactory()), ctx)
    with pytest.raises(RowInvalid) as exc:
        import_row(row_for(FamilyFactory(), sector="perikanan", role="anggota"), ctx)
    assert set(errors_of(exc)) == {"sector"}


def test_rows_of_another_regency_are_refused_clearly(surabaya_officer: Any) -> None:
    malang_kube = GroupFactory(desa=village(MALANG_VILLAGE))
    ctx = ctx_for(surabaya_officer)

    with pytest.raises(RowInvalid) as by_code:
        import_row({"group_code": malang_kube.code, "member_nik": FamilyFactory().nik}, ctx)
    with pytest.raises(RowInvalid) as by_village:
        KIND.clean(row_for(FamilyFactory(), desa_code=MALANG_VILLAGE), ctx=ctx)

    assert errors_of(by_code)["group_code"] == (
        f"KUBE {malang_kube.code} is in Kabupaten Malang, outside the regencies you work in."
    )
    assert "outside the regencies you work in" in errors_of(by_village)["desa_code"]


@pytest.mark.parametrize("policy", ["skip", "update"])
def test_an_existing_member_with_nothing_new_is_skipped(surabaya_officer: Any, policy: str) -> None:
    member = MembershipFactory(role=BoardRole.KETUA)
    raw = {"group_code": member.group.code, "member_nik": member.family.nik, "role": "ketua"}
    assert import_row(raw, ctx_for(surabaya_officer, policy)) == Written("skipped")


def test_an_existing_member_is_rejected_when_asked(surabaya_officer: Any) -> None:
    member = MembershipFactory()
    with pytest.raises(RowInvalid) as exc:
        import_row(
            {"group_code": member.group.code, "member_nik": member.family.nik}, ctx_for(surabaya_officer, "reject")
        )
    assert "already exists" in exc.value.errors[0][1]


def test_update_changes_the_role_and_undo_swaps_the_seats_back(surabaya_officer: Any) -> None:
    chair = MembershipFactory(role=BoardRole.KETUA)
    member = MembershipFactory(group=chair.group)
    raw = {"group_code": chair.group.code, "member_nik": member.family.nik, "role": "ketua"}

    written = import_row(raw, ctx_for(surabaya_officer, "update"))

    assert written.action == "updated" and written.before == {"role": "anggota", "holder": chair.pk}
    chair.refresh_from_db()
    assert (Membership.objects.get(pk=member.pk).role, chair.role) == ("ketua", "anggota")
    KIND.undo(member.pk, "u", written.before, actor=surabaya_officer)
    chair.refresh_from_db()
    assert (Membership.objects.get(pk=member.pk).role, chair.role) == ("anggota", "ketua")


def test_update_corrects_the_kube_fields_and_undo_restores_them(surabaya_officer: Any) -> None:
    group = GroupFactory(bank_name="BRI")
    family = FamilyFactory()
    raw = {"group_code": group.code, "member_nik": family.nik, "bank_name": "Bank Jatim"}

    written = import_row(raw, ctx_for(surabaya_officer, "update"))

    group.refresh_from_db()
    assert group.bank_name == "Bank Jatim" and written.before == {"group": {"bank_name": "BRI"}}
    assert written.obj is not None
    KIND.undo(written.obj.pk, "c", written.before, actor=surabaya_officer)
    group.refresh_from_db()
    assert group.bank_name == "BRI" and not group.memberships.exists()


def test_undo_takes_back_the_members_and_then_the_kube_they_founded(surabaya_officer: Any) -> None:
    ctx = ctx_for(surabaya_officer)
    first = import_row(row_for(FamilyFactory()), ctx)
    second = import_row(row_for(FamilyFactory(), role="anggota"), ctx)
    assert first.obj is not None and second.obj is not None

    # Newest first, as the batch does: the KUBE cannot go while a later row's member is in it.
    with pytest.raises(ValidationError, match="other records refer to it"), transaction.atomic():
        KIND.undo(first.obj.pk, "c", first.before, actor=surabaya_officer)
    KIND.undo(second.obj.pk, "c", second.before, actor=surabaya_officer)
    KIND.undo(first.obj.pk, "c", first.before, actor=surabaya_officer)

    assert not Group.objects.exists() and not Membership.objects.exists()


def test_undo_leaves_a_member_of_a_kube_activated_since(surabaya_officer: Any) -> None:
    group = GroupFactory()
    written = import_row({"group_code": group.code, "member_nik": FamilyFactory().nik, "role": "ketua"},
                         ctx_for(surabaya_officer))  # fmt: skip
    Group.objects.filter(pk=group.pk).update(status=Group.Status.ACTIVE)
    assert written.obj is not None

    with pytest.raises(ValidationError, match="is active"):
        KIND.undo(written.obj.pk, "c", written.before, actor=surabaya_officer)
    assert Membership.objects.filter(pk=written.obj.pk).exists()


def test_a_member_list_imports_re_imports_and_undoes_through_the_batch(surabaya_officer: Any) -> None:
    header = ["NAMA KUBE", "KODE DESA", "JENIS USAHA", "TGL BERDIRI", "NIK ANGGOTA", "NAMA ANGGOTA", "JABATAN"]
    niks = [FamilyFactory().nik for _n in range(3)]
    rows = [["KUBE Melati", "3578011001", "Kerajinan", "15/01/2024", nik, "Siti", role]
            for nik, role in zip(niks, ["ketua", "bendahara", "anggota"], strict=True)]  # fmt: skip
    content = csv_bytes(header, rows, delimiter=";")

    first = batch_upload(actor=surabaya_officer, kind="groups", name="kube.csv", chunks=[content])
    batch_run(batch=first)
    again = batch_upload(actor=surabaya_officer, kind="groups", name="kube.csv", chunks=[content])
    batch_run(batch=again)
    first.refresh_from_db()
    again.refresh_from_db()

    assert (first.status, first.created, first.rejected, again.created, again.skipped) == ("done", 3, 0, 0, 3)
    assert Group.objects.get().memberships.count() == 3
    batch_undo(actor=surabaya_officer, batch=first)
    assert not Group.objects.exists() and not Membership.objects.exists()


def test_a_bad_member_row_is_reported_by_row_and_column(surabaya_officer: Any) -> None:
    header = ["KODE KUBE", "NIK ANGGOTA"]
    group = GroupFactory()
    content = csv_bytes(header, [[group.code, FamilyFactory().nik], [group.code, "3578 0101 0101 0001"]])

    batch = batch_upload(actor=surabaya_officer, kind="groups", name="kube.csv", chunks=[content])
    batch_run(batch=batch)
    batch.refresh_from_db()

    assert (batch.status, batch.rows, batch.rejected) == ("rejected", 2, 2)
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "NIK ANGGOTA")]
    assert not Membership.objects.exists()
