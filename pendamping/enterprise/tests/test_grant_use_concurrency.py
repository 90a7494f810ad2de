"""Two people recording spending (or planning) on the same grant at the same moment: the grant row's lock makes the
second wait for the first, so together they never pass the grant. PostgreSQL only (SQLite serialises writers)."""

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from pendamping.accounts.models import Role, User
from pendamping.accounts.tests.factories import UserFactory
from pendamping.enterprise.models import PlanItem, Realisation
from pendamping.enterprise.services.grant_use import plan_item_add, realisation_add
from pendamping.registry.models import Grant
from pendamping.registry.tests.factories import GrantFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _together(calls: list[Callable[[], Any]]) -> tuple[int, list[str]]:
    """Run each call in a thread of its own, released together; how many succeeded, and the refusals."""
    start = threading.Barrier(len(calls))
    done: list[Any] = []
    refused: list[str] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            start.wait(timeout=10)
            done.append(call())
        except ValidationError as exc:
            refused.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return len(done), refused


def _officers() -> list[User]:
    return [UserFactory(username=f"officer_{i}", role=Role.OFFICER, regencies=["35.78"]) for i in range(2)]


def _fresh(grant: Grant) -> Grant:
    return Grant.objects.get(pk=grant.pk)


def test_two_purchases_that_together_exceed_the_grant_cannot_both_be_recorded() -> None:
    grant = GrantFactory(amount=10_000_000, year=2024)
    calls = [
        lambda officer=officer: realisation_add(
            actor=officer, grant=_fresh(grant), spent_on=dt.date(2024, 4, 1), amount="6.000.000", description="Sapi"
        )
        for officer in _officers()
    ]

    succeeded, refused = _together(calls)

    assert (succeeded, len(refused)) == (1, 1) and "more than the grant" in refused[0]
    assert Realisation.objects.get().amount == 6_000_000


def test_two_plan_items_that_together_exceed_the_grant_cannot_both_be_added() -> None:
    grant = GrantFactory(amount=10_000_000, year=2024)
    calls = [
        lambda officer=officer: plan_item_add(
            actor=officer, grant=_fresh(grant), description="Sapi", quantity=1, unit_price="6.000.000"
        )
        for officer in _officers()
    ]

    succeeded, refused = _together(calls)

    assert (succeeded, len(refused)) == (1, 1) and "more than the grant" in refused[0]
    assert PlanItem.objects.get().total == 6_000_000
