"""Two requests at the same moment (PostgreSQL: SQLite serialises writers, so a race there proves nothing): the
same person sending the public form twice, and two admins accepting for the last place of a quota. The row
locks make the second wait and then see the first: a clear refusal, never a second row or an error page."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from pendamping.accounts.models import Role
from pendamping.accounts.tests.factories import UserFactory
from pendamping.companions.models import Application, Companion
from pendamping.companions.services.recruitment import application_decide, call_set_status
from pendamping.companions.tests.test_recruitment_factories import make_call, submit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def together(*actions: Callable[[], Any]) -> tuple[int, list[str]]:
    """Run the actions in threads released at once: how many succeeded, and the refusals' messages."""
    start = threading.Barrier(len(actions))
    done: list[Any] = []
    refused: list[str] = []

    def run(action: Callable[[], Any]) -> None:
        try:
            start.wait(timeout=10)
            done.append(action())
        except ValidationError as exc:
            refused.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return len(done), refused


def test_the_same_nik_sent_twice_at_once_is_stored_once() -> None:
    call = make_call()
    done, refused = together(lambda: submit(call, 1), lambda: submit(call, 1, name="Kedua"))
    assert (done, refused) == (1, ["This NIK has already applied to this call; each person applies once per call."])
    assert Application.objects.filter(call=call).count() == 1


def test_two_admins_accepting_for_the_last_place_one_is_told_it_is_full() -> None:
    call = make_call()  # a quota of 2 in Kota Surabaya
    first, second, third = (submit(call, n) for n in (1, 2, 3))
    call_set_status(actor=None, call=call, status="screening")
    admins = [UserFactory(username=name, role=Role.ADMIN) for name in ("ani", "budi")]
    application_decide(actor=admins[0], application=first, decision="accepted", reason="Peringkat 1")

    def accept(admin: Any, application: Application) -> Callable[[], Any]:
        return lambda: application_decide(actor=admin, application=application, decision="accepted", reason="Lulus")

    done, refused = together(accept(admins[0], second), accept(admins[1], third))
    assert (done, refused) == (1, ["The quota of 2 for Kota Surabaya is full."])
    assert Application.objects.filter(status="accepted").count() == 2 and Companion.objects.count() == 2
