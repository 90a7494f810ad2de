"""Briefing batches for the tests, built through the services (as the system, actor=None) so every row is a row
the application could have made: a batch in July 2024, its modules, sessions, participants."""

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from pendamping.companions.models import Briefing, Companion, Instructor, Module, Participant, Session
from pendamping.companions.services.briefing import (
    briefing_create,
    instructor_create,
    module_add,
    participant_add,
    session_add,
)
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, village

JUL1, JUL2, JUL3 = dt.date(2024, 7, 1), dt.date(2024, 7, 2), dt.date(2024, 7, 3)


def batch(title: str = "Pembekalan Angkatan I", **data: Any) -> Briefing:
    values: dict[str, Any] = {"starts_on": JUL1, "ends_on": JUL3, "venue": "Aula Dinas Sosial", "venue_capacity": 30}
    return briefing_create(actor=None, title=title, **{**values, **data})


def module(briefing: Briefing, title: str = "Pemberdayaan KUBE", hours: Any = 4) -> Module:
    return module_add(actor=None, briefing=briefing, title=title, hours=hours, goals="Memahami peran pendamping")


def instructor(name: str = "Dr. Sri Rahayu", institution: str = "Universitas Airlangga") -> Instructor:
    return instructor_create(actor=None, name=name, institution=institution, expertise="Pemberdayaan")


def session(
    briefing: Briefing,
    mod: Module,
    *,
    on: dt.date = JUL1,
    start: tuple[int, int] = (8, 0),
    end: tuple[int, int] = (10, 0),
    method: str = "lecture",
    instructors: Sequence[Instructor] = (),
) -> Session:
    return session_add(
        actor=None,
        briefing=briefing,
        module=mod,
        on=on,
        starts_at=dt.time(*start),
        ends_at=dt.time(*end),
        method=method,
        instructors=instructors,
    )


def person(name: str, *, status: str = Companion.Status.CANDIDATE, desa: str = SURABAYA_VILLAGE) -> Companion:
    return CompanionFactory(name=name, status=status, home_desa=village(desa))


def join(briefing: Briefing, *people: Companion) -> list[Participant]:
    return [participant_add(actor=None, briefing=briefing, companion=c) for c in people]


def malang(name: str, **kwargs: Any) -> Companion:
    return person(name, desa=MALANG_VILLAGE, **kwargs)


def refusal(call: Callable[[], Any], field: str | None = None) -> str:
    """Run a call that must be refused; return its messages (of `field`, if given) as one string."""
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    if field is None:
        return " ".join(error.messages)
    assert hasattr(error, "error_dict"), f"expected an error on {field!r}, got {error.messages}"
    assert field in error.message_dict, f"expected an error on {field!r}, got {error.message_dict}"
    return " ".join(error.message_dict[field])
