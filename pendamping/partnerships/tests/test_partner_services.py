"""Partner writes: officers register partners of their own regencies, only provincial admins province-wide ones;
one name per regency; concurrent edits are refused, every write is audited."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.core.concurrency import StaleRecord
from pendamping.partnerships.models import Partner
from pendamping.partnerships.services import partner_create, partner_update
from pendamping.partnerships.tests.factories import MALANG, SURABAYA, AgreementFactory, PartnerFactory
from pendamping.registry.tests.factories import region

pytestmark = pytest.mark.django_db


def _new(actor: Any, **data: Any) -> Partner:
    return partner_create(actor=actor, **{"name": "Bank Jatim Cabang Surabaya", "type": "government", **data})


def test_an_officer_registers_a_partner_of_their_regency(surabaya_officer: User) -> None:
    partner = _new(surabaya_officer, regency_code=SURABAYA, sector="  perbankan ", email="mitra@example.org")

    assert (partner.regency_id, partner.sector, partner.version) == (SURABAYA, "perbankan", 1)
    entry = AuditEntry.objects.get(object_id=str(partner.pk), action="create")
    assert entry.actor == surabaya_officer and entry.changes["name"] == [None, "Bank Jatim Cabang Surabaya"]


def test_an_officer_may_not_register_a_province_wide_partner(surabaya_officer: User) -> None:
    with pytest.raises(ValidationError) as exc:
        _new(surabaya_officer, regency_code=None)

    assert "provincial administrator" in exc.value.message_dict["regency"][0]
    assert not Partner.objects.exists()


def test_an_officer_may_not_register_a_partner_of_another_regency(surabaya_officer: User) -> None:
    with pytest.raises(ValidationError) as exc:
        _new(surabaya_officer, regency_code=MALANG)

    assert "regency" in exc.value.message_dict and not Partner.objects.exists()


def test_an_admin_registers_a_province_wide_partner(admin: User) -> None:
    partner = _new(admin, name="Bank Jatim", regency_code="")

    assert partner.regency_id is None


@pytest.mark.parametrize("role", ["auditor", "companion_user", "evaluator", "norole"])
def test_roles_without_partnership_change_register_nothing(role: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        _new(request.getfixturevalue(role), regency_code=SURABAYA)


def test_an_unknown_regency_or_type_is_refused(admin: User) -> None:
    with pytest.raises(ValidationError) as bad_regency:
        _new(admin, regency_code="99.99")
    with pytest.raises(ValidationError) as bad_type:
        _new(admin, regency_code=SURABAYA, type="ngo")

    assert "99.99" in bad_regency.value.message_dict["regency"][0]
    assert "ngo" in bad_type.value.message_dict["type"][0]


def test_the_same_name_twice_in_a_regency_is_refused_whatever_its_case_and_spaces(surabaya_officer: User) -> None:
    _new(surabaya_officer, regency_code=SURABAYA)

    with pytest.raises(ValidationError) as exc:
        _new(surabaya_officer, name="  bank jatim   CABANG surabaya", regency_code=SURABAYA)

    assert "already exists for Kota Surabaya" in exc.value.message_dict["name"][0]
    assert Partner.objects.count() == 1


def test_the_same_name_in_another_regency_is_another_partner(admin: User) -> None:
    _new(admin, name="Koperasi Sejahtera", regency_code=SURABAYA)
    _new(admin, name="Koperasi Sejahtera", regency_code=MALANG)

    assert Partner.objects.filter(name="Koperasi Sejahtera").count() == 2


def test_two_province_wide_partners_of_the_same_name_are_refused(admin: User) -> None:
    """The database's unique constraint treats empty regencies as distinct; the service does not."""
    _new(admin, name="Bank Jatim", regency_code=None)

    with pytest.raises(ValidationError) as exc:
        _new(admin, name="BANK JATIM", regency_code=None)

    assert "whole province" in exc.value.message_dict["name"][0]


def test_an_update_bumps_the_version_and_is_audited(surabaya_officer: User) -> None:
    partner = PartnerFactory(name="Toko Makmur")

    partner_update(actor=surabaya_officer, partner=partner, version=1, contact_name="Bu Sri", phone="0812")

    partner.refresh_from_db()
    assert (partner.contact_name, partner.version) == ("Bu Sri", 2)
    entry = AuditEntry.objects.get(object_id=str(partner.pk), action="update")
    assert entry.changes["contact_name"] == ["", "Bu Sri"] and entry.changes["version"] == [1, 2]


def test_an_update_from_a_stale_version_is_refused(surabaya_officer: User) -> None:
    partner = PartnerFactory()
    partner_update(actor=surabaya_officer, partner=partner, version=1, sector="kuliner")

    with pytest.raises(StaleRecord):
        partner_update(actor=surabaya_officer, partner=partner, version=1, sector="kerajinan")

    partner.refresh_from_db()
    assert (partner.sector, partner.version) == ("kuliner", 2)


def test_an_officer_may_not_change_a_province_wide_partner(surabaya_officer: User) -> None:
    partner = PartnerFactory(regency=None)

    with pytest.raises(ValidationError):
        partner_update(actor=surabaya_officer, partner=partner, sector="bank")


def test_an_officer_may_not_change_a_partner_of_another_regency(surabaya_officer: User) -> None:
    partner = PartnerFactory(regency=region(MALANG))

    with pytest.raises(ValidationError):
        partner_update(actor=surabaya_officer, partner=partner, sector="bank")


def test_an_officer_may_not_move_their_partner_to_the_province(surabaya_officer: User) -> None:
    partner = PartnerFactory()

    with pytest.raises(ValidationError) as exc:
        partner_update(actor=surabaya_officer, partner=partner, regency_code=None)

    assert "provincial administrator" in exc.value.message_dict["regency"][0]


def test_a_province_wide_partner_with_agreements_elsewhere_cannot_be_tied_to_one_regency(admin: User) -> None:
    partner = PartnerFactory(regency=None)
    AgreementFactory(partner=partner, regency=region(MALANG))

    with pytest.raises(ValidationError) as exc:
        partner_update(actor=admin, partner=partner, regency_code=SURABAYA)

    assert "other regencies" in exc.value.message_dict["regency"][0]
    AgreementFactory(partner=partner, regency=region(SURABAYA))
    partner.agreements.filter(regency_id=MALANG).delete()
    assert partner_update(actor=admin, partner=partner, regency_code=SURABAYA).regency_id == SURABAYA
