"""Two bookings at the same moment: one instructor put in two overlapping sessions of two batches, and two
candidates added to a batch with one place left. Each alone is fine, both together are not; exactly one
succeeds (the instructor's row lock, the batch's row lock). PostgreSQL only: SQLite serialises writers, so a
race there proves nothing."""

import datetime as dt
import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from pendamping.accounts.models import User
from pendamping.companions.models import Participant, Session
from pendamping.companions.services.briefing import participant_add, session_add
from pendamping.companions.tests.briefing_factories import JUL1, batch, instructor, join, module, person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*calls: Any) -> list[Any]:
    """Run the calls in threads released together; each result is the return value or the exception."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i: int, call: Any) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # the refusal is the result under test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_one_instructor_cannot_be_booked_twice_at_once(admin: User) -> None:
    sri = instructor()
    plans = [(b, module(b)) for b in (batch("Angkatan I"), batch("Angkatan II"))]

    def book(briefing: Any, mod: Any) -> Any:
        return session_add(actor=admin, briefing=briefing, module=mod, on=JUL1, starts_at=dt.time(8),
                           ends_at=dt.time(10), method="lecture", instructors=[sri])  # fmt: skip

    results = race(*(lambda b=b, m=m: book(b, m) for b, m in plans))
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and "already teaches" in " ".join(refused[0].messages)
    assert Session.objects.filter(instructors=sri).count() == 1


def test_the_last_place_of_a_batch_goes_to_one_candidate_only(admin: User) -> None:
    briefing = batch(venue_capacity=2)
    join(briefing, person("Ani"))
    candidates = [person("Budi"), person("Citra")]
    results = race(*(lambda c=c: participant_add(actor=admin, briefing=briefing, companion=c) for c in candidates))
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and "it is full" in " ".join(refused[0].messages)
    assert Participant.objects.filter(briefing=briefing).count() == 2
