"""Which door a write came through (web, api, cli, admin, import), for the audit trail.

A context variable rather than an argument threaded through every service: the door is a fact about
the request, not about the business rule, and every service records it the same way."""

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

DOORS = ("web", "api", "cli", "admin", "import", "system")
_door: ContextVar[str] = ContextVar("pendamping_door", default="system")


def current_door() -> str:
    return _door.get()


@contextlib.contextmanager
def door(name: str) -> Iterator[None]:
    token = _door.set(name)
    try:
        yield
    finally:
        _door.reset(token)
