"""Agreement writes: in the officer's regency, with a partner of that regency (or province-wide), covering KUBE
of that regency the officer sees, at least one scope, never ending before it starts."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.core.concurrency import StaleRecord
from pendamping.partnerships.models import Agreement
from pendamping.partnerships.services import agreement_create, agreement_set_groups, agreement_update
from pendamping.partnerships.tests.factories import (
    MALANG,
    SURABAYA,
    ActivityFactory,
    AgreementFactory,
    PartnerFactory,
)
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, GroupFactory, region, village

pytestmark = pytest.mark.django_db


@pytest.fixture
def kube() -> Group:
    return GroupFactory(name="KUBE Mawar", status=Group.Status.ACTIVE)


@pytest.fixture
def malang_kube() -> Group:
    return GroupFactory(name="KUBE Melati", desa=village(MALANG_VILLAGE), status=Group.Status.ACTIVE)


def _agree(actor: Any, groups: list[Group], **data: Any) -> Agreement:
    partner = data.pop("partner", None) or PartnerFactory(name="CV Sumber Rejeki")
    values = {
        "regency_code": SURABAYA,
        "title": "Pemasaran keripik ke toko modern",
        "scopes": ["marketing", "training"],
        "start_on": dt.date(2025, 1, 1),
        "end_on": dt.date(2026, 12, 31),
        **data,
    }
    return agreement_create(actor=actor, partner=partner, groups=groups, **values)


def test_an_officer_records_an_agreement_for_kube_of_their_regency(surabaya_officer: User, kube: Group) -> None:
    agreement = _agree(surabaya_officer, [kube], value="Rp 25.000.000", document_ref=" PKS/12/2025 ")

    assert agreement.scopes() == ["marketing", "training"]
    assert (agreement.value, agreement.document_ref, agreement.created_by) == (
        25_000_000,
        "PKS/12/2025",
        surabaya_officer,
    )
    assert list(agreement.groups.all()) == [kube]
    entry = AuditEntry.objects.get(object_id=str(agreement.pk), action="create")
    assert entry.changes["groups"] == [None, [kube.pk]]


def test_an_agreement_ending_before_it_starts_is_refused(surabaya_officer: User, kube: Group) -> None:
    with pytest.raises(ValidationError) as exc:
        _agree(surabaya_officer, [kube], start_on=dt.date(2025, 6, 1), end_on=dt.date(2025, 5, 31))

    assert exc.value.message_dict["end_on"] == ["The agreement cannot end before it starts."]
    assert not Agreement.objects.exists()


def test_an_agreement_of_one_day_is_accepted(surabaya_officer: User, kube: Group) -> None:
    agreement = _agree(surabaya_officer, [kube], start_on=dt.date(2025, 6, 1), end_on=dt.date(2025, 6, 1))

    assert agreement.is_active(dt.date(2025, 6, 1))


def test_the_database_refuses_an_agreement_ending_before_it_starts_too(kube: Group) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementFactory(start_on=dt.date(2025, 6, 1), end_on=dt.date(2025, 1, 1))


def test_an_agreement_without_a_scope_is_refused(surabaya_officer: User, kube: Group) -> None:
    with pytest.raises(ValidationError) as exc:
        _agree(surabaya_officer, [kube], scopes=[])

    assert "at least one scope" in exc.value.message_dict["scopes"][0]


def test_an_unknown_scope_is_refused(surabaya_officer: User, kube: Group) -> None:
    with pytest.raises(ValidationError) as exc:
        _agree(surabaya_officer, [kube], scopes=["marketing", "charity"])

    assert "Unknown scope: charity" in exc.value.message_dict["scopes"][0]


def test_every_refused_field_is_reported_at_once(surabaya_officer: User, kube: Group) -> None:
    with pytest.raises(ValidationError) as exc:
        _agree(surabaya_officer, [kube], title=" ", scopes=[], value="-5", end_on=dt.date(2024, 1, 1))

    assert set(exc.value.message_dict) == {"title", "scopes", "value", "end_on"}


def test_an_agreement_needs_a_kube(surabaya_officer: User) -> None:
    with pytest.raises(ValidationError) as exc:
        _agree(surabaya_officer, [])

    assert "at least one KUBE" in exc.value.message_dict["groups"][0]


def test_a_kube_outside_the_agreements_regency_is_refused(admin: User, kube: Group, malang_kube: Group) -> None:
    with pytest.raises(ValidationError) as exc:
        _agree(admin, [kube, malang_kube])

    assert exc.value.message_dict["groups"] == [
        "KUBE Melati: not in Kota Surabaya; an agreement covers KUBE of its own regency only."
    ]
    assert not Agreement.objects.exists()


def test_a_kube_the_officer_does_not_see_is_not_found(surabaya_officer: User, kube: Group, malang_kube: Group) -> None:
    with pytest.raises(ValidationError) as exc:
        _agree(surabaya_officer, [kube, malang_kube.pk])

    assert "not in your area" in exc.value.message_dict["groups"][0]


def test_an_officer_may_not_record_an_agreement_for_another_regency(surabaya_officer: User, malang_kube: Group) -> None:
    partner = PartnerFactory(regency=None)
    with pytest.raises(ValidationError) as exc:
        _agree(surabaya_officer, [malang_kube], partner=partner, regency_code=MALANG)

    assert "outside the regencies" in exc.value.message_dict["regency"][0]


def test_a_partner_of_another_regency_is_refused(admin: User, kube: Group) -> None:
    malang_partner = PartnerFactory(name="UD Malang Jaya", regency=region(MALANG))

    with pytest.raises(ValidationError) as exc:
        _agree(admin, [kube], partner=malang_partner)

    assert "UD Malang Jaya is a partner of another regency" in exc.value.message_dict["partner"][0]


def test_an_officer_may_not_sign_with_a_partner_they_do_not_see(surabaya_officer: User, kube: Group) -> None:
    with pytest.raises(ValidationError) as exc:
        _agree(surabaya_officer, [kube], partner=PartnerFactory(regency=region(MALANG)))

    assert "not in your area" in exc.value.message_dict["partner"][0]


def test_a_province_wide_partner_signs_in_any_regency(malang_officer: User, malang_kube: Group) -> None:
    bank = PartnerFactory(name="Bank Jatim", regency=None, type="government")

    agreement = _agree(malang_officer, [malang_kube], partner=bank, regency_code=MALANG, scopes=["capital"])

    assert (agreement.regency_id, agreement.partner) == (MALANG, bank)


def test_an_unknown_regency_is_refused(admin: User, kube: Group) -> None:
    with pytest.raises(ValidationError) as exc:
        _agree(admin, [kube], regency_code="35.78.01")

    assert "regency" in exc.value.message_dict


@pytest.mark.parametrize(("value", "stored"), [("", None), (None, None), ("0", None), ("1.500.000", 1_500_000)])
def test_the_value_is_optional_whole_rupiah(surabaya_officer: User, kube: Group, value: Any, stored: Any) -> None:
    assert _agree(surabaya_officer, [kube], value=value).value == stored


@pytest.mark.parametrize("value", ["1.500.000,50", "-100", "satu juta"])
def test_a_bad_value_is_refused(surabaya_officer: User, kube: Group, value: str) -> None:
    with pytest.raises(ValidationError) as exc:
        _agree(surabaya_officer, [kube], value=value)

    assert "value" in exc.value.message_dict


@pytest.mark.parametrize("role", ["auditor", "companion_user"])
def test_readers_record_no_agreement(role: str, kube: Group, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        _agree(request.getfixturevalue(role), [kube])


def test_an_update_changes_the_terms_and_the_kube_and_is_audited(surabaya_officer: User, kube: Group) -> None:
    agreement = _agree(surabaya_officer, [kube])
    other = GroupFactory(status=Group.Status.ACTIVE)

    agreement_update(
        actor=surabaya_officer, agreement=agreement, version=1, scopes=["supply"], groups=[kube, other], value="2.000"
    )

    agreement.refresh_from_db()
    assert (agreement.scopes(), agreement.value, agreement.version) == (["supply"], 2000, 2)
    assert set(agreement.groups.all()) == {kube, other}
    entry = AuditEntry.objects.get(object_id=str(agreement.pk), action="update")
    assert entry.changes["groups"] == [[kube.pk], sorted([kube.pk, other.pk])]
    assert entry.changes["scope_supply"] == [False, True]


def test_an_update_from_a_stale_version_is_refused(surabaya_officer: User, kube: Group) -> None:
    agreement = _agree(surabaya_officer, [kube])
    agreement_update(actor=surabaya_officer, agreement=agreement, version=1, title="Judul baru")

    with pytest.raises(StaleRecord):
        agreement_update(actor=surabaya_officer, agreement=agreement, version=1, title="Judul lain")


def test_an_update_may_not_end_the_agreement_before_it_starts(surabaya_officer: User, kube: Group) -> None:
    agreement = _agree(surabaya_officer, [kube])

    with pytest.raises(ValidationError) as exc:
        agreement_update(actor=surabaya_officer, agreement=agreement, end_on=dt.date(2024, 12, 31))

    assert "end_on" in exc.value.message_dict
    agreement.refresh_from_db()
    assert agreement.end_on == dt.date(2026, 12, 31)


def test_an_agreement_cannot_start_after_its_first_activity(surabaya_officer: User, kube: Group) -> None:
    agreement = _agree(surabaya_officer, [kube])
    ActivityFactory(agreement=agreement, on=dt.date(2025, 2, 1))

    with pytest.raises(ValidationError) as exc:
        agreement_update(actor=surabaya_officer, agreement=agreement, start_on=dt.date(2025, 3, 1))

    assert "2025-02-01" in exc.value.message_dict["start_on"][0]


def test_an_officer_may_not_update_an_agreement_of_another_regency(surabaya_officer: User, malang_kube: Group) -> None:
    agreement = AgreementFactory(partner=PartnerFactory(regency=region(MALANG)), groups=[malang_kube])

    with pytest.raises(ValidationError):
        agreement_update(actor=surabaya_officer, agreement=agreement, title="Diambil alih")


def test_the_kube_covered_are_replaced_and_audited(surabaya_officer: User, kube: Group) -> None:
    agreement = _agree(surabaya_officer, [kube])
    others = [GroupFactory(status=Group.Status.ACTIVE) for _ in range(2)]

    agreement_set_groups(actor=surabaya_officer, agreement=agreement, groups=others, version=1)

    agreement.refresh_from_db()
    assert set(agreement.groups.all()) == set(others) and agreement.version == 2
    assert AuditEntry.objects.filter(object_id=str(agreement.pk), action="update").count() == 1


def test_a_kube_with_activities_under_the_agreement_stays_covered(surabaya_officer: User, kube: Group) -> None:
    agreement = _agree(surabaya_officer, [kube])
    ActivityFactory(agreement=agreement, group=kube, on=dt.date(2025, 2, 1))

    with pytest.raises(ValidationError) as exc:
        agreement_set_groups(actor=surabaya_officer, agreement=agreement, groups=[GroupFactory()])

    assert "KUBE Mawar" in exc.value.message_dict["groups"][0]
    assert list(agreement.groups.all()) == [kube]


def test_the_kube_covered_stay_in_the_regency(surabaya_officer: User, kube: Group, malang_kube: Group) -> None:
    agreement = _agree(surabaya_officer, [kube])

    with pytest.raises(ValidationError):
        agreement_set_groups(actor=surabaya_officer, agreement=agreement, groups=[malang_kube])

    with pytest.raises(StaleRecord):
        agreement_set_groups(actor=surabaya_officer, agreement=agreement, groups=[kube], version=7)


def test_the_system_records_and_changes_agreements_without_a_user(kube: Group) -> None:
    """actor=None: a command or the demo seeding; the agreement has no recording user."""
    agreement = _agree(None, [kube])
    agreement_update(actor=None, agreement=agreement, title="Diperbarui")

    agreement.refresh_from_db()
    assert (agreement.created_by, agreement.title, agreement.version) == (None, "Diperbarui", 2)
