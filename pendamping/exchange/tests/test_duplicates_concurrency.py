"""Two reviewers deciding one flag at the same moment (PostgreSQL only: SQLite serialises writers, so a race there
proves nothing): the flag's row lock lets one decide, the other is told it was decided already."""

import threading
from typing import Any

import pytest
from django.db import connection

from pendamping.accounts.models import User
from pendamping.core.concurrency import StaleRecord
from pendamping.exchange.models import PossibleDuplicate
from pendamping.exchange.services.duplicates import duplicate_dismiss
from pendamping.exchange.services.merge import duplicate_merge
from pendamping.registry.models import Family
from pendamping.registry.tests.factories import FamilyFactory

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


def test_a_merge_and_a_dismissal_at_once_decide_the_flag_once(surabaya_officer: User, admin: User) -> None:
    keep = FamilyFactory(kk_number="3578010101990001", head_name="Slamet Riyadi")
    other = FamilyFactory(kk_number="3578010101990001", head_name="H. Slamet Riyadi")
    flag = PossibleDuplicate.objects.create(
        reason="kk_name", first_id=keep.pk, second_id=other.pk, regency_id="35.78", score=1.0
    )

    results = race(
        lambda: duplicate_merge(actor=surabaya_officer, duplicate=flag, keep_id=keep.pk),
        lambda: duplicate_dismiss(actor=admin, duplicate=flag, note="dua orang"),
    )

    refused = [r for r in results if isinstance(r, StaleRecord)]
    assert len(refused) == 1 and "already decided" in " ".join(refused[0].messages)
    flag.refresh_from_db()
    merged = flag.status == "merged"
    assert flag.status in ("merged", "dismissed")
    assert Family.objects.filter(pk=other.pk).exists() is not merged
