"""Access requests, corrections and restrictions by NIK (QUALITY E4). Alice is the provincial admin; Siti is the
person asking for her data; Budi is another family head whose data must never appear in Siti's answer."""

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.audit.services import audit_record
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.privacy.models import Restriction
from pendamping.privacy.services.access import access_export
from pendamping.registry.models import Family
from pendamping.registry.services import family_update
from pendamping.registry.tests.factories import FamilyFactory, GroupFactory, MembershipFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def siti(admin: User) -> Family:
    family = FamilyFactory(head_name="Siti Aminah", female=True)
    MembershipFactory(family=family, group=GroupFactory())
    family_update(actor=admin, family=family, address="Jl. Melati 3")
    return family


@pytest.fixture
def budi(admin: User) -> Family:
    family = FamilyFactory(head_name="Budi Santoso", address="Jl. Mawar 9")
    family_update(actor=admin, family=family, household_size=6)
    audit_record(actor=admin, action="reveal", obj=family)
    return family


def export_file(tmp_path: Path, nik: str, *args: str) -> tuple[dict[str, Any], str]:
    target = tmp_path / "answer.json"
    call_command("privacy", "export", "--nik", nik, "--output", str(target), *args)
    text = target.read_text() + target.with_suffix(".txt").read_text()
    return json.loads(target.read_text()), text


def test_the_export_holds_all_of_her_records_and_trail_and_nothing_of_anyone_else(
    tmp_path: Path, admin: User, siti: Family, budi: Family
) -> None:
    companion = CompanionFactory(nik=siti.nik, name="Siti Aminah")
    document, text = export_file(tmp_path, siti.nik, "--actor", admin.username)
    assert [row["id"] for row in document["records"]["registry.family"]] == [siti.pk]
    assert len(document["records"]["registry.membership"]) == 1
    assert [row["id"] for row in document["records"]["companions.companion"]] == [companion.pk]
    assert {(e["record"], e["record_id"]) for e in document["audit"]} == {("registry.family", str(siti.pk))}
    assert [e["changes"]["address"][1] for e in document["audit"]] == ["Jl. Melati 3"]
    for other in (budi.nik, budi.head_name, budi.address, budi.kk_number):
        assert other not in text


def test_the_export_is_itself_on_the_record(tmp_path: Path, admin: User, siti: Family) -> None:
    export_file(tmp_path, siti.nik, "--actor", admin.username)
    entry = AuditEntry.objects.filter(object_id=str(siti.pk), content_type__model="family", action="reveal").get()
    assert (entry.actor, entry.door, entry.changes) == (admin, "cli", {"access_request": [None, True]})
    document, _ = export_file(tmp_path, siti.nik)  # the next answer shows the first one in her trail
    assert any(e["changes"].get("access_request") for e in document["audit"])


def test_the_export_takes_a_few_queries_whatever_the_registry_holds(
    admin: User, siti: Family, django_assert_max_num_queries: Any
) -> None:
    FamilyFactory.create_batch(30)
    with django_assert_max_num_queries(25):
        access_export(actor=admin, nik=siti.nik)


def test_an_unknown_nik_and_an_officer_are_refused_clearly(
    tmp_path: Path, siti: Family, surabaya_officer: User
) -> None:
    with pytest.raises(CommandError, match=r"nik: No record carries NIK 3578\*+"):
        export_file(tmp_path, "3578010101900009")
    with pytest.raises(CommandError, match="Only a provincial admin"):
        export_file(tmp_path, siti.nik, "--actor", surabaya_officer.username)
    with pytest.raises(CommandError, match="nik: NIK must be 16 digits"):
        export_file(tmp_path, "12345")


def test_a_correction_goes_through_the_update_service_and_is_audited(admin: User, siti: Family) -> None:
    call_command(
        "privacy",
        "correct",
        "--nik",
        siti.nik,
        "--field",
        "address",
        "--value",
        "Jl. Kenanga 1",
        "--actor",
        admin.username,
    )
    siti.refresh_from_db()
    assert (siti.address, siti.version) == ("Jl. Kenanga 1", 3)
    entry = AuditEntry.objects.filter(object_id=str(siti.pk), action="update").first()
    assert entry is not None and (entry.door, entry.changes["address"]) == ("cli", ["Jl. Melati 3", "Jl. Kenanga 1"])


def test_a_correction_prints_the_validation_error(admin: User, siti: Family) -> None:
    with pytest.raises(CommandError, match="rt: RT/RW must be digits"):
        call_command(
            "privacy", "correct", "--nik", siti.nik, "--field", "rt", "--value", "abc", "--actor", admin.username
        )
    with pytest.raises(CommandError, match="field: Cannot correct nik"):
        call_command(
            "privacy", "correct", "--nik", siti.nik, "--field", "nik", "--value", "1", "--actor", admin.username
        )
    with pytest.raises(CommandError, match="no active user"):
        call_command("privacy", "correct", "--nik", siti.nik, "--field", "rt", "--value", "1", "--actor", "nobody")


def test_an_officer_corrects_only_in_their_regency(siti: Family, malang_officer: User) -> None:
    with pytest.raises(CommandError, match="outside the regencies"):
        call_command(
            "privacy", "correct", "--nik", siti.nik, "--field", "rt", "--value", "4", "--actor", malang_officer.username
        )


def test_restrict_and_lift_are_audited_and_happen_once(admin: User, siti: Family) -> None:
    call_command("privacy", "restrict", "--nik", siti.nik, "--actor", admin.username, "--reason", "keberatan")
    call_command("privacy", "restrict", "--nik", siti.nik, "--actor", admin.username)
    restriction = Restriction.objects.get()
    assert (restriction.family, restriction.by, restriction.reason) == (siti, admin, "keberatan")
    call_command("privacy", "restrict", "--nik", siti.nik, "--lift", "--actor", admin.username)
    restriction.refresh_from_db()
    assert restriction.lifted_at is not None and restriction.lifted_by == admin
    actions = AuditEntry.objects.filter(object_id=str(restriction.pk), content_type__app_label="privacy")
    assert sorted(actions.values_list("action", flat=True)) == ["create", "update"]
    with pytest.raises(CommandError, match="No restriction in force"):
        call_command("privacy", "restrict", "--nik", siti.nik, "--lift", "--actor", admin.username)
