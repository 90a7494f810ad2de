"""Two officers acting on the same complaint at the same moment (PostgreSQL: SQLite serialises writers, so a race
there proves nothing). The row lock and the version make the second one wait, then see it moved on."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from pendamping.accounts.models import Role, User
from pendamping.accounts.tests.factories import UserFactory
from pendamping.audit.models import AuditEntry
from pendamping.complaints.models import Complaint
from pendamping.complaints.services import complaint_set_status
from pendamping.complaints.tests.factories import ComplaintFactory
from pendamping.core.concurrency import StaleRecord


def _close_together(officers: list[User], complaint: Complaint) -> tuple[list[str], list[type[Exception]]]:
    """Each officer closes the complaint, read at version 1, in a thread of their own, released together."""
    start = threading.Barrier(len(officers))
    done: list[str] = []
    refused: list[type[Exception]] = []

    def close(officer: User, status: str) -> None:
        try:
            start.wait(timeout=10)
            row = Complaint.objects.get(pk=complaint.pk)
            complaint_set_status(actor=officer, complaint=row, status=status, resolution=officer.username, version=1)
            done.append(status)
        except ValidationError as exc:
            refused.append(type(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=close, args=(officer, status))
        for officer, status in zip(officers, ("resolved", "rejected"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return done, refused


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_closing_the_same_complaint_at_once_one_is_told_it_changed() -> None:
    complaint = ComplaintFactory()
    officers = [UserFactory(username=name, role=Role.OFFICER, regencies=["35.78"]) for name in ("budi", "ani")]

    done, refused = _close_together(officers, complaint)

    assert (len(done), refused) == (1, [StaleRecord])
    complaint.refresh_from_db()
    assert (complaint.status, complaint.version) == (done[0], 2)
    assert complaint.resolution == {"resolved": "budi", "rejected": "ani"}[done[0]]
    assert AuditEntry.objects.filter(object_id=str(complaint.pk), content_type__model="complaint").count() == 1
