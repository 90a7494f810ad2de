"""Fixtures shared by every test: the region table, fast test settings and a named cast of users.

The cast (one user per role, with the regencies the scoping tests lean on):

    admin                   provincial admin, sees the whole province
    surabaya_officer        regency officer of Kota Surabaya (35.78)
    malang_officer          regency officer of Kabupaten Malang (35.07)
    companion_user          a companion's login; the test links it with CompanionFactory(user=companion_user)
    evaluator               evaluator (pseudonymised data only)
    auditor                 read-only auditor of Kota Surabaya (35.78)
    norole                  signed in, but no role at all: must see nothing
    officer_without_region  an officer nobody gave a regency: must see nothing, never everything
"""

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from pendamping.accounts.models import Role, User
from pendamping.accounts.tests.factories import UserFactory
from pendamping.core.tests.world_once import (
    FAST_HASHERS,
    IMMEDIATE_TASKS,
    cast_member,
    uses_world,
    world_for_module,
)
from pendamping.regions.models import Region
from pendamping.regions.selectors import region_lookup
from pendamping.regions.services import regions_load

# In CI the property tests replay the same examples every run (a submission must not land or fail by the luck of
# the draw); locally they keep exploring new ones.
hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

SURABAYA = "35.78"
MALANG = "35.07"
_DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "real_password_hashers: keep the production PASSWORD_HASHERS (Argon2) instead of fast MD5"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` (row locks, two threads racing) run in the PostgreSQL pass of .ci/run only:
    SQLite serialises writers, so a race there proves nothing."""
    from django.db import connection

    if os.environ.get("DATABASE_URL") and connection.vendor != "postgresql":
        raise pytest.UsageError(f"DATABASE_URL is set but the tests would run on {connection.vendor} (F4)")
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL pass of .ci/run)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


_SKIPPED_ON_POSTGRES: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """F4: on PostgreSQL nothing marked `postgres` may be skipped (SQLite skips them with a reason, shown by -rs)."""
    if report.skipped and "postgres" in report.keywords and os.environ.get("DATABASE_URL"):
        _SKIPPED_ON_POSTGRES.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _SKIPPED_ON_POSTGRES and not hasattr(session.config, "workerinput"):
        print(f"\nPostgreSQL-only tests skipped on PostgreSQL: {', '.join(_SKIPPED_ON_POSTGRES)}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Load the 9,199 regions once into the test database. Tests run inside a transaction that is
    rolled back, so every test sees the regions without paying for them again."""
    with django_db_blocker.unblock():
        regions_load()


@pytest.fixture(autouse=True)
def _regions_present(request: pytest.FixtureRequest) -> None:
    # A transactional test (transactional_db, live_server) empties every table when it ends; reload the
    # regions for the next test that uses the database. Tests without database access are left alone.
    if request.node.get_closest_marker("django_db") is None and not _DB_FIXTURES & set(request.fixturenames):
        return
    request.getfixturevalue("db")
    if not Region.objects.exists():
        regions_load()
    # A test may rename a region and roll it back: the process's copy of the names must not outlive the test.
    region_lookup.forget()


@pytest.fixture(scope="session")
def _import_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("imports"))


@pytest.fixture(autouse=True)
def _test_settings(request: pytest.FixtureRequest, settings: Any, _import_dir: str) -> None:
    """Argon2 is deliberately slow; tests that create users would crawl. Tasks run at once, in-process."""
    settings.PENDAMPING = {**settings.PENDAMPING, "IMPORT_DIR": _import_dir}
    if request.node.get_closest_marker("real_password_hashers") is None:
        settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.TASKS = IMMEDIATE_TASKS
    # Messages are asserted in English (the source language); the Indonesian default has tests of its own
    # that switch back with `translation.override("id")` or an Accept-Language header.
    settings.LANGUAGE_CODE = "en"
    translation.activate("en")
    # config.settings turns the HTTPS settings on when DATABASE_URL is set; the suite must behave the same on
    # SQLite and PostgreSQL, so tests run as plain HTTP (a test of the HTTPS settings overrides these itself).
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
    # No collectstatic in tests: the manifest storage would fail on {% static %}, and WhiteNoise would warn
    # about a missing STATIC_ROOT on every request.
    settings.STATIC_ROOT = None
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


class RegionBook:
    """`regions["35.78"]` -> the Region with that code (any level)."""

    def __getitem__(self, code: str) -> Region:
        return Region.objects.get(code=code)


@pytest.fixture
def regions(db: None) -> RegionBook:
    """The bundled Jawa Timur table, loaded once per session (see django_db_setup)."""
    return RegionBook()


def _user(role: str, *regency_codes: str, username: str) -> User:
    return UserFactory(username=username, role=role, regencies=list(regency_codes))


@pytest.fixture(scope="module", autouse=True)
def _world_once(request: pytest.FixtureRequest, django_db_blocker: Any) -> Iterator[None]:
    """For a module whose tests use the scope tests' `world`: build it once (see world_once.py)."""
    if not uses_world(request):
        yield
        return
    request.getfixturevalue("django_db_setup")
    with world_for_module(request, django_db_blocker, request.getfixturevalue("_import_dir")):
        yield


@pytest.fixture
def admin(regions: RegionBook) -> User:
    return _user(Role.ADMIN, username="admin")


@pytest.fixture
def surabaya_officer(request: pytest.FixtureRequest, regions: RegionBook) -> User:
    return cast_member(request, "surabaya_officer")  # the scope tests' world has its own (world_once.py)


@pytest.fixture
def malang_officer(request: pytest.FixtureRequest, regions: RegionBook) -> User:
    return cast_member(request, "malang_officer")  # the scope tests' world has its own (world_once.py)


@pytest.fixture
def companion_user(request: pytest.FixtureRequest, regions: RegionBook) -> User:
    return cast_member(request, "companion_user")  # the scope tests' world has its own (world_once.py)


@pytest.fixture
def evaluator(regions: RegionBook) -> User:
    return _user(Role.EVALUATOR, username="evaluator")


@pytest.fixture
def auditor(regions: RegionBook) -> User:
    return _user(Role.AUDITOR, SURABAYA, username="auditor_surabaya")


@pytest.fixture
def norole(regions: RegionBook) -> User:
    return _user("", username="norole")


@pytest.fixture
def officer_without_region(regions: RegionBook) -> User:
    return _user(Role.OFFICER, username="officer_nowhere")


@pytest.fixture
def client_for(db: None) -> Callable[..., Client]:
    """`client_for(user)` -> a test Client signed in as `user` (`csrf=True` to enforce CSRF checks)."""

    def make(user: User, *, csrf: bool = False) -> Client:
        client = Client(enforce_csrf_checks=csrf)
        # Name the backend: the first configured one (axes) only guards logins and cannot load a user.
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make
