"""Activities under an agreement: dated from its start to today, for a KUBE it covers (or all of it), amounts
as people type them; officers of its regency only."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.partnerships.models import Activity, Agreement
from pendamping.partnerships.services import activity_add, activity_delete
from pendamping.partnerships.tests.factories import MALANG, ActivityFactory, AgreementFactory, PartnerFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, region, village

pytestmark = pytest.mark.django_db


@pytest.fixture
def kube() -> Group:
    return GroupFactory(name="KUBE Mawar", status=Group.Status.ACTIVE)


@pytest.fixture
def agreement(kube: Group) -> Agreement:
    return AgreementFactory(groups=[kube], start_on=dt.date(2025, 1, 1))


def _add(actor: Any, agreement: Agreement, **data: Any) -> Activity:
    values = {"on": dt.date(2025, 3, 1), "description": "Produk dipajang di toko mitra", **data}
    return activity_add(actor=actor, agreement=agreement, **values)


def test_an_officer_records_sales_typed_with_separators(surabaya_officer: User, agreement: Agreement) -> None:
    activity = _add(surabaya_officer, agreement, value="Rp 1.250.000")

    assert (activity.value, activity.group, activity.entered_by) == (1_250_000, None, surabaya_officer)
    assert AuditEntry.objects.filter(object_id=str(activity.pk), action="create", actor=surabaya_officer).exists()


def test_an_activity_for_one_kube_the_agreement_covers(
    surabaya_officer: User, agreement: Agreement, kube: Group
) -> None:
    assert _add(surabaya_officer, agreement, group=kube).group == kube
    assert _add(surabaya_officer, agreement, group=kube.pk).group == kube


def test_a_kube_the_agreement_does_not_cover_is_refused(surabaya_officer: User, agreement: Agreement) -> None:
    with pytest.raises(ValidationError) as exc:
        _add(surabaya_officer, agreement, group=GroupFactory())

    assert exc.value.message_dict["group"] == ["This KUBE is not covered by the agreement."]


def test_a_future_date_is_refused(surabaya_officer: User, agreement: Agreement) -> None:
    with pytest.raises(ValidationError) as exc:
        _add(surabaya_officer, agreement, on=timezone.localdate() + dt.timedelta(days=1))

    assert "future" in exc.value.message_dict["on"][0]


def test_today_and_the_start_date_are_accepted(surabaya_officer: User, agreement: Agreement) -> None:
    assert _add(surabaya_officer, agreement, on=timezone.localdate()).on == timezone.localdate()
    assert _add(surabaya_officer, agreement, on=dt.date(2025, 1, 1)).on == dt.date(2025, 1, 1)


def test_a_date_before_the_agreement_starts_is_refused(surabaya_officer: User, agreement: Agreement) -> None:
    with pytest.raises(ValidationError) as exc:
        _add(surabaya_officer, agreement, on=dt.date(2024, 12, 31))

    assert "2025-01-01" in exc.value.message_dict["on"][0]


@pytest.mark.parametrize("value", ["-5000", "1.000,50", "lima ribu"])
def test_a_bad_value_is_refused(surabaya_officer: User, agreement: Agreement, value: str) -> None:
    with pytest.raises(ValidationError) as exc:
        _add(surabaya_officer, agreement, value=value)

    assert "value" in exc.value.message_dict and not Activity.objects.exists()


def test_an_empty_description_and_value_are_told_apart(surabaya_officer: User, agreement: Agreement) -> None:
    with pytest.raises(ValidationError) as exc:
        _add(surabaya_officer, agreement, description="   ")
    assert exc.value.message_dict["description"] == ["Say what happened."]

    assert _add(surabaya_officer, agreement, value="").value == 0


def test_an_officer_of_another_regency_records_nothing(malang_officer: User, agreement: Agreement) -> None:
    with pytest.raises(ValidationError):
        _add(malang_officer, agreement)


@pytest.mark.parametrize("role", ["auditor", "companion_user"])
def test_readers_record_nothing(role: str, agreement: Agreement, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        _add(request.getfixturevalue(role), agreement)


def test_a_deletion_is_audited(surabaya_officer: User, agreement: Agreement) -> None:
    activity = ActivityFactory(agreement=agreement, value=5000)
    pk = activity.pk

    activity_delete(actor=surabaya_officer, activity=activity)

    assert not Activity.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(object_id=str(pk), action="delete")
    assert entry.changes["value"] == [5000, None]


def test_an_officer_of_another_regency_deletes_nothing(surabaya_officer: User) -> None:
    malang = GroupFactory(desa=village(MALANG_VILLAGE))
    activity = ActivityFactory(
        agreement=AgreementFactory(partner=PartnerFactory(regency=region(MALANG)), groups=[malang])
    )

    with pytest.raises(ValidationError):
        activity_delete(actor=surabaya_officer, activity=activity)

    assert Activity.objects.filter(pk=activity.pk).exists()


def test_the_system_records_an_activity_without_a_user(agreement: Agreement) -> None:
    assert _add(None, agreement).entered_by is None
