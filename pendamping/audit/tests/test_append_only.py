"""The audit trail is append-only at the database (QUALITY E2): raw SQL and the ORM alike cannot change or delete
an entry, on SQLite and on PostgreSQL; only new entries go in. Deleting a user still works: the database lets the
SET NULL of `actor` through, and `actor_name` keeps who it was. The admin offers no change or delete either."""

from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

from pendamping.accounts.models import User
from pendamping.accounts.tests.factories import UserFactory
from pendamping.audit.models import AuditEntry
from pendamping.audit.services import audit_record, audit_redact

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(admin: User) -> AuditEntry:
    return audit_record(actor=admin, action=AuditEntry.Action.UPDATE, obj=admin, after={"role": "admin"})


def refused(sql: str, params: list[Any]) -> bool:
    # atomic(): the refused statement rolls back to a savepoint, so the test's transaction stays usable.
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        return "append-only" in str(exc)
    return False


def test_a_raw_update_of_an_entry_is_refused(entry: AuditEntry) -> None:
    assert refused("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", ["forged", entry.pk])
    assert refused("UPDATE audit_auditentry SET actor_name = %s WHERE id = %s", ["someone else", entry.pk])
    entry.refresh_from_db()
    assert entry.object_repr != "forged" and entry.actor_name == "admin"


def test_a_raw_delete_of_an_entry_is_refused(entry: AuditEntry) -> None:
    assert refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert refused("DELETE FROM audit_auditentry", [])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_orm_cannot_update_or_delete_an_entry_either(entry: AuditEntry) -> None:
    for write in (
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(changes={}),
        lambda: AuditEntry.objects.filter(pk=entry.pk).delete(),
        lambda: entry.delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            write()
    assert AuditEntry.objects.get(pk=entry.pk).changes == {"role": [None, "admin"]}


def test_clearing_the_actor_together_with_another_column_is_refused(entry: AuditEntry) -> None:
    sql = "UPDATE audit_auditentry SET actor_id = NULL, object_repr = %s WHERE id = %s"
    assert refused(sql, ["forged", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).actor_id is not None


def test_the_redaction_gate_lets_through_only_the_values_of_a_listed_entry(entry: AuditEntry, admin: User) -> None:
    """The retention purge's exception (migration 0003): an entry listed in audit_redaction_in_progress may get
    new `changes` and `object_repr`, nothing else; an entry not listed gets nothing."""
    other = audit_record(actor=admin, action=AuditEntry.Action.UPDATE, obj=admin, after={"role": "officer"})
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_redaction_in_progress (entry_id) VALUES (%s)", [entry.pk])
        assert refused("UPDATE audit_auditentry SET door = %s WHERE id = %s", ["api", entry.pk])
        assert refused("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", ["[anonim]", other.pk])
        cursor.execute("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", ["[anonim]", entry.pk])
        cursor.execute("DELETE FROM audit_redaction_in_progress")
    entry.refresh_from_db()
    assert entry.object_repr == "[anonim]" and entry.door != "api"
    assert refused("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", ["again", entry.pk])  # gate closed


def test_audit_redact_blanks_the_fields_and_describes_the_row_as_it_is_now(admin: User) -> None:
    before = audit_record(actor=admin, action=AuditEntry.Action.UPDATE, obj=admin, before={"email": "a@x.id"},
                          after={"email": "b@x.id", "role": "admin"})  # fmt: skip
    assert audit_redact(rows=[admin], fields=["email"], marker="[anonim]") >= 1
    before.refresh_from_db()
    assert before.changes == {"email": ["[anonim]", "[anonim]"], "role": [None, "admin"]}
    assert before.object_repr == str(admin)


def test_new_entries_still_go_in(entry: AuditEntry, admin: User) -> None:
    audit_record(actor=admin, action=AuditEntry.Action.REVEAL, obj=admin)
    assert AuditEntry.objects.filter(object_id=str(admin.pk)).count() == 2


def test_deleting_a_user_keeps_their_entries_under_their_name(regions: Any) -> None:
    leaver = UserFactory(username="leaver")
    made = audit_record(actor=leaver, action=AuditEntry.Action.CREATE, obj=leaver, after={"username": "leaver"})
    leaver.delete()
    made.refresh_from_db()
    assert made.actor_id is None and made.actor_name == "leaver"
    assert made.changes == {"username": [None, "leaver"]}


def test_even_a_superuser_cannot_change_or_delete_an_entry_in_the_admin(entry: AuditEntry) -> None:
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    base = f"/admin/audit/auditentry/{entry.pk}"
    assert client.get(f"{base}/change/").status_code == 200  # it can be read
    assert client.post(f"{base}/change/", {"object_repr": "forged"}).status_code == 403
    assert client.get(f"{base}/delete/").status_code == 403
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    changelist = {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    client.post("/admin/audit/auditentry/", changelist)
    entry.refresh_from_db()
    assert entry.object_repr != "forged"


@pytest.mark.django_db(transaction=True)
def test_a_flush_of_the_whole_database_still_empties_the_trail(admin: User) -> None:
    """Transactional tests end with a flush (DELETE FROM on SQLite): it must pass, and leave the guard armed."""
    audit_record(actor=admin, action=AuditEntry.Action.CREATE, obj=admin)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    again = UserFactory(username="again")
    audit_record(actor=again, action=AuditEntry.Action.CREATE, obj=again)
    assert refused("DELETE FROM audit_auditentry", [])
