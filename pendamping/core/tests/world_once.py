"""The scope tests' world (test_url_scoping.py and the modules that reuse it), built once per module.

Two bundles of rows in every app take about half a second to build, and some 1,600 tests use them: built per
test, they cost half the suite. So a module whose tests use `world` gets it once (the root conftest's
_world_once), inside a transaction that stays open while the module runs; each test's own transaction is a
savepoint within it, rolled back after the test, so every test still starts from the same rows. The three users
the world is built around (surabaya_officer, malang_officer, companion_user) are the world's in such a module,
not new ones per test."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from pendamping.accounts.models import Role, User
from pendamping.accounts.tests.factories import UserFactory
from pendamping.regions.models import Region
from pendamping.regions.services import regions_load
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE

CAST = {
    "surabaya_officer": (Role.OFFICER, ["35.78"], "officer_surabaya"),
    "malang_officer": (Role.OFFICER, ["35.07"], "officer_malang"),
    "companion_user": (Role.COMPANION, [], "companion"),
}
# What every test runs with (the root conftest's _test_settings); the world is built with the same.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WORLDS: dict[Any, tuple[Any, dict[str, User]]] = {}  # module -> (World, cast), while the module runs
_USERS_OF_WORLD = pytest.StashKey[set[Any]]()


def uses_world(request: pytest.FixtureRequest) -> bool:
    """Whether any test of the requesting module uses `world` (worked out once per session)."""
    stash = request.session.stash
    if _USERS_OF_WORLD not in stash:
        stash[_USERS_OF_WORLD] = {item.module for item in request.session.items if _wants_this_world(item)}
    return request.module in stash[_USERS_OF_WORLD]


def _wants_this_world(item: Any) -> bool:
    """Other modules have a `world` fixture of their own (accounts' scope tests); only this one counts."""
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.get("world", ()) if info else ()
    return any(d.func.__module__ == "pendamping.core.tests.test_url_scoping" for d in definitions)


def cast_member(request: pytest.FixtureRequest, name: str) -> User:
    """The world's user in a module that has one; a new one otherwise."""
    built = WORLDS.get(request.module)
    if built:
        return built[1][name]
    role, regencies, username = CAST[name]
    user: User = UserFactory(username=username, role=role, regencies=regencies)
    return user


def _settings_of_a_test(import_dir: str) -> override_settings:
    """What the root conftest's _test_settings gives each test, for rows built outside any test."""
    return override_settings(
        PASSWORD_HASHERS=FAST_HASHERS,
        TASKS=IMMEDIATE_TASKS,
        LANGUAGE_CODE="en",
        PENDAMPING={**settings.PENDAMPING, "IMPORT_DIR": import_dir},
    )


@contextmanager
def world_for_module(request: pytest.FixtureRequest, blocker: Any, import_dir: str) -> Iterator[None]:
    from pendamping.core.tests.test_url_scoping import World, make_bundle

    with blocker.unblock(), _settings_of_a_test(import_dir), translation.override("en"), transaction.atomic():
        if not Region.objects.exists():  # a transactional test before this module emptied the tables
            regions_load()
        cast = {name: cast_member(request, name) for name in CAST}
        cache.clear()
        home = make_bundle(
            SURABAYA_VILLAGE, "Xsurabaya", officer=cast["surabaya_officer"], companion_user=cast["companion_user"]
        )
        away = make_bundle(MALANG_VILLAGE, "Xmalang", officer=cast["malang_officer"])
        WORLDS[request.module] = (World(home=home, away=away), cast)
        try:
            yield
        finally:
            del WORLDS[request.module]
            transaction.set_rollback(True)
