"""Two uses of the same IKS entered at the same moment: each alone fits the balance, both together do not.
Exactly one is recorded (the KUBE row lock makes the second wait and then see the first). PostgreSQL only:
SQLite serialises writers, so a race there proves nothing."""

import datetime as dt
import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from pendamping.accounts.models import User
from pendamping.enterprise.models import IksEntry
from pendamping.enterprise.selectors.ledger import iks_balance
from pendamping.enterprise.services.ledger import iks_entry_delete, iks_use
from pendamping.enterprise.tests.factories import IksEntryFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import GroupFactory

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


def test_two_uses_at_once_cannot_both_spend_the_same_money(admin: User) -> None:
    group = GroupFactory(status=Group.Status.ACTIVE)
    IksEntryFactory(group=group, on=dt.date(2025, 1, 10), amount=100_000)

    def spend() -> IksEntry:
        return iks_use(actor=admin, group=group, on=dt.date(2025, 2, 1), amount=60_000, purpose="Bantuan")

    results = race(spend, spend)

    assert sorted(type(r).__name__ for r in results) == ["IksEntry", "ValidationError"]
    refused = next(r for r in results if isinstance(r, ValidationError))
    assert "Rp 40.000" in " ".join(refused.messages)
    assert iks_balance(group=group) == 40_000


def test_deleting_a_contribution_while_it_is_spent_leaves_no_negative_balance(admin: User) -> None:
    group = GroupFactory(status=Group.Status.ACTIVE)
    entry = IksEntryFactory(group=group, on=dt.date(2025, 1, 10), amount=100_000)

    results = race(
        lambda: iks_use(actor=admin, group=group, on=dt.date(2025, 2, 1), amount=60_000, purpose="Bantuan"),
        lambda: iks_entry_delete(actor=admin, entry=entry),
    )

    assert sum(isinstance(r, ValidationError) for r in results) == 1
    assert iks_balance(group=group) in (0, 40_000)
