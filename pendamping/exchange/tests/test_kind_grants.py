"""The grants kind, driven directly: clean, then write in a savepoint; undo."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pendamping.accounts.models import Role
from pendamping.accounts.tests.factories import UserFactory
from pendamping.enterprise.tests.factories import PlanItemFactory
from pendamping.exchange.kinds.base import Context, RowInvalid, Written
from pendamping.exchange.kinds.grants import KIND
from pendamping.registry.models import Grant, Tranche
from pendamping.registry.services import tranche_approve
from pendamping.registry.tests.factories import MALANG_VILLAGE, GrantFactory, GroupFactory, village

pytestmark = pytest.mark.django_db


def ctx_for(actor: Any, on_existing: str = "skip") -> Context:
    return Context(actor=actor, on_existing=on_existing, today=timezone.localdate())


def import_row(raw: dict[str, Any], ctx: Context) -> Written:
    row = KIND.clean(raw, ctx=ctx)
    with transaction.atomic():
        return KIND.write(row, ctx=ctx)


def errors_of(exc: pytest.ExceptionInfo[RowInvalid]) -> dict[str, str]:
    return dict(exc.value.errors)


def test_a_grant_is_created_with_its_first_disbursement_awaiting_approval(surabaya_officer: Any) -> None:
    group = GroupFactory()
    raw = {"group_code": group.code, "year": "2024", "source": "APBD Kabupaten/Kota", "amount": "Rp 20.000.000,00",
           "note": "Bantuan UEP", "disbursed_on": "01/03/2024", "tranche_amount": "10.000.000"}  # fmt: skip

    written = import_row(raw, ctx_for(surabaya_officer))

    grant = Grant.objects.get()
    assert written == Written("created", grant, extra=(Tranche.objects.get(),))
    assert (grant.group, grant.year, grant.source, grant.amount, grant.note) == (
        group, 2024, "apbd_kab", 20_000_000, "Bantuan UEP"
    )  # fmt: skip
    tranche = Tranche.objects.get()
    assert (tranche.amount, tranche.status, tranche.entered_by) == (10_000_000, "pending", surabaya_officer)


def test_every_missing_required_column_is_named(surabaya_officer: Any) -> None:
    with pytest.raises(RowInvalid) as exc:
        KIND.clean({"group_code": " ", "year": "", "source": "", "amount": ""}, ctx=ctx_for(surabaya_officer))
    assert set(errors_of(exc)) == {"group_code", "year", "source", "amount"}


def test_bad_values_are_refused_with_the_field_named(surabaya_officer: Any) -> None:
    raw = {"group_code": "X-1", "year": str(timezone.localdate().year + 2), "source": "hibah", "amount": "1,5 juta",
           "disbursed_on": "31/02/2024"}  # fmt: skip

    with pytest.raises(RowInvalid) as exc:
        KIND.clean(raw, ctx=ctx_for(surabaya_officer))

    errors = errors_of(exc)
    assert set(errors) == {"year", "source", "amount", "disbursed_on"}
    assert "juta" in errors["amount"]
    assert "not a valid funding source" in errors["source"]
    assert "has 29 days" in errors["disbursed_on"]


def test_a_disbursement_needs_its_date_and_its_amount(surabaya_officer: Any) -> None:
    raw = {"group_code": "X-1", "year": "2024", "source": "APBN", "amount": "5.000.000"}
    with pytest.raises(RowInvalid) as no_amount:
        KIND.clean({**raw, "disbursed_on": "01/03/2024"}, ctx=ctx_for(surabaya_officer))
    with pytest.raises(RowInvalid) as no_date:
        KIND.clean({**raw, "tranche_amount": "1.000.000"}, ctx=ctx_for(surabaya_officer))
    assert "both its date" in errors_of(no_amount)["tranche_amount"]
    assert "both its date" in errors_of(no_date)["disbursed_on"]


def test_a_disbursement_larger_than_the_grant_is_refused(surabaya_officer: Any) -> None:
    raw = {"group_code": "X-1", "year": "2024", "source": "APBN", "amount": "5.000.000", "disbursed_on": "01/03/2024",
           "tranche_amount": "6.000.000"}  # fmt: skip
    with pytest.raises(RowInvalid) as exc:
        KIND.clean(raw, ctx=ctx_for(surabaya_officer))
    assert set(errors_of(exc)) == {"tranche_amount"}


def test_an_unknown_kube_and_a_kube_of_another_regency_are_refused(surabaya_officer: Any) -> None:
    malang = GroupFactory(desa=village(MALANG_VILLAGE))
    ctx = ctx_for(surabaya_officer)
    raw = {"year": "2024", "source": "APBN", "amount": "5.000.000"}

    with pytest.raises(RowInvalid) as unknown:
        import_row({**raw, "group_code": "3578011001-999"}, ctx)
    with pytest.raises(RowInvalid) as elsewhere:
        import_row({**raw, "group_code": malang.code}, ctx)

    assert errors_of(unknown)["group_code"] == "No KUBE has the code 3578011001-999."
    assert "outside the regencies you work in" in errors_of(elsewhere)["group_code"]
    assert not Grant.objects.exists()


def test_existing_grants_are_skipped_rejected_or_updated(surabaya_officer: Any) -> None:
    grant = GrantFactory(year=2024, source="apbn", amount=10_000_000)
    same = {"group_code": grant.group.code, "year": "2024", "source": "apbn", "amount": "10.000.000"}
    more = {**same, "amount": "12.500.000"}

    assert import_row(more, ctx_for(surabaya_officer, "skip")) == Written("skipped")
    with pytest.raises(RowInvalid, match="already exists"):
        import_row(more, ctx_for(surabaya_officer, "reject"))
    assert import_row(same, ctx_for(surabaya_officer, "update")) == Written("skipped")
    written = import_row(more, ctx_for(surabaya_officer, "update"))

    grant.refresh_from_db()
    assert written == Written("updated", grant, before={"amount": 10_000_000})
    assert grant.amount == 12_500_000
    KIND.undo(grant.pk, "u", written.before, actor=surabaya_officer)
    grant.refresh_from_db()
    assert grant.amount == 10_000_000


def test_undo_removes_the_grant_with_its_pending_disbursement(surabaya_officer: Any) -> None:
    raw = {"group_code": GroupFactory().code, "year": "2024", "source": "APBN", "amount": "20.000.000",
           "disbursed_on": "01/03/2024", "tranche_amount": "10.000.000"}  # fmt: skip
    written = import_row(raw, ctx_for(surabaya_officer))
    assert written.obj is not None

    KIND.undo(written.obj.pk, "c", None, actor=surabaya_officer)

    assert not Grant.objects.exists() and not Tranche.objects.exists()


def test_undo_refuses_once_the_disbursement_is_approved_or_the_grant_is_planned(surabaya_officer: Any) -> None:
    raw = {"group_code": GroupFactory().code, "year": "2024", "source": "APBN", "amount": "20.000.000",
           "disbursed_on": "01/03/2024", "tranche_amount": "10.000.000"}  # fmt: skip
    approved = import_row(raw, ctx_for(surabaya_officer))
    colleague = UserFactory(role=Role.OFFICER, regencies=["35.78"])
    tranche_approve(actor=colleague, tranche=Tranche.objects.get())
    planned = import_row({**raw, "year": "2023", "disbursed_on": "", "tranche_amount": ""}, ctx_for(surabaya_officer))
    assert approved.obj is not None and planned.obj is not None
    PlanItemFactory(grant=planned.obj)

    with pytest.raises(ValidationError, match="approved tranche cannot be withdrawn"):
        KIND.undo(approved.obj.pk, "c", None, actor=surabaya_officer)
    with pytest.raises(ValidationError, match="other records refer to it"):
        KIND.undo(planned.obj.pk, "c", None, actor=surabaya_officer)
    assert Grant.objects.count() == 2


def test_the_funding_source_accepts_indonesian_spellings(surabaya_officer: Any) -> None:
    ctx = ctx_for(surabaya_officer)
    base = {"group_code": "X-1", "year": "2024", "amount": "1.000.000"}
    spelled = {s: KIND.clean({**base, "source": s}, ctx=ctx)["source"] for s in ("apbd  II", "Dekon", "APBD Prov.")}
    assert spelled == {"apbd  II": "apbd_kab", "Dekon": "dekon", "APBD Prov.": "apbd_prov"}
    assert KIND.clean({**base, "source": "APBN", "year": 2024.0}, ctx=ctx)["year"] == 2024
