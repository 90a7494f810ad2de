"""`pendamping backup` / `pendamping restore` (scenario F1): a round trip into a fresh database gives the same row
counts and checksums, and a restore refuses what it must (a database with data, a file that is not a backup, a
dump or manifest that was tampered with) without touching the live database.

Most tests work on small SQLite files built here and reached through a database alias of their own, so they are
fast and run in both passes. The round trip of the test database itself takes one transactional test per engine
(a backup sees committed rows only): SQLite into a fresh file, PostgreSQL into a fresh database.
"""

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend

from pendamping.accounts.models import Role
from pendamping.accounts.services import token_create
from pendamping.accounts.tests.factories import PASSWORD, UserFactory
from pendamping.core.backup import RestoreMismatch, backup_create, backup_restore, sqlite_sums
from pendamping.core.backup_verify import (
    BackupError,
    Manifest,
    database_sums,
    manifest_path,
    manifest_read,
    row_digest,
    table_sum,
)
from pendamping.registry.models import Family, Group
from pendamping.registry.tests.factories import FamilyFactory, GroupFactory, MembershipFactory

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="restores into a SQLite file")
Alias = Callable[[Path], str]


def register(name: str, settings_dict: dict[str, Any]) -> None:
    """A connection under `name` that stays out of connections.settings: Django's test guard lets such
    "dynamically created" connections through, where it would refuse an alias the test case does not list."""
    filled = connections.configure_settings({"default": connections.settings["default"], name: settings_dict})
    connections[name] = load_backend(filled[name]["ENGINE"]).DatabaseWrapper(filled[name], name)


def unregister(name: str) -> None:
    connections[name].close()
    del connections[name]


@pytest.fixture
def alias() -> Iterator[Alias]:
    """`alias(path)` -> the name of a database alias on that SQLite file, closed and removed after the test."""
    made: list[str] = []

    def make(path: Path) -> str:
        name = f"backup_test_{len(made)}"
        register(name, {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)})
        made.append(name)
        return name

    yield make
    for name in made:
        unregister(name)


def sqlite_file(path: Path, *, people: list[tuple[int, str | None]]) -> Path:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT, photo BLOB)")
    db.execute("CREATE TABLE note (key TEXT PRIMARY KEY, body TEXT)")
    db.executemany("INSERT INTO person (id, name, photo) VALUES (?, ?, ?)", [(i, n, b"\x00\x01") for i, n in people])
    db.execute("INSERT INTO note VALUES ('a', 'first'), ('b', NULL)")
    db.commit()
    db.close()
    return path


@pytest.fixture
def backup(tmp_path: Path, alias: Alias) -> Path:
    """A backup of a two-table SQLite database, in tmp_path/backups."""
    source = alias(sqlite_file(tmp_path / "source.sqlite3", people=[(1, "Siti"), (2, "Budi"), (3, None)]))
    return backup_create(using=source, output=tmp_path / "backups" / "b.sqlite3").dump


def test_a_checksum_ignores_row_order_but_sees_every_value() -> None:
    one, two = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
    for db, rows in ((one, [(1, "a"), (2, "b")]), (two, [(2, "b"), (1, "a")])):
        db.execute("CREATE TABLE t (id INTEGER, name TEXT)")
        db.executemany("INSERT INTO t VALUES (?, ?)", rows)
    assert table_sum(cursor=one.cursor(), table="t") == table_sum(cursor=two.cursor(), table="t")
    two.execute("UPDATE t SET name = 'B' WHERE id = 2")
    assert table_sum(cursor=one.cursor(), table="t") != table_sum(cursor=two.cursor(), table="t")


def test_a_row_digest_tells_null_from_text_and_where_values_split() -> None:
    assert row_digest([None]) != row_digest(["None"])
    assert row_digest(["ab", "c"]) != row_digest(["a", "bc"])
    assert row_digest([{"b": 1, "a": 2}]) == row_digest([{"a": 2, "b": 1}])


@pytest.mark.django_db
def test_a_backup_writes_the_dump_and_a_manifest_of_every_table(backup: Path) -> None:
    manifest = manifest_read(dump=backup)
    assert manifest.engine == "sqlite"
    assert {name: t.rows for name, t in manifest.tables.items()} == {"note": 2, "person": 3}
    assert manifest.dump_bytes == backup.stat().st_size
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    assert not list(backup.parent.glob("*.partial"))


@pytest.mark.django_db
def test_a_backup_never_overwrites_a_file(backup: Path, alias: Alias, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="already exists"):
        backup_create(using=alias(tmp_path / "source.sqlite3"), output=backup)


@pytest.mark.django_db
def test_a_restore_into_a_fresh_file_matches_the_manifest(backup: Path, alias: Alias, tmp_path: Path) -> None:
    target = tmp_path / "fresh" / "restored.sqlite3"
    backup_restore(path=backup, using=alias(target))
    with sqlite3.connect(target) as db:
        assert database_sums(cursor=db.cursor(), engine="sqlite") == manifest_read(dump=backup).tables
    assert not list(target.parent.glob(".*restore-*"))


@pytest.mark.django_db
def test_a_restore_refuses_a_database_with_data_unless_told(backup: Path, alias: Alias, tmp_path: Path) -> None:
    live = sqlite_file(tmp_path / "live.sqlite3", people=[(7, "Joko")])
    target = alias(live)
    with pytest.raises(CommandError, match=r"already holds data \(note, person\).*--yes"):
        call_command("restore", str(backup), database=target)
    assert sqlite3.connect(live).execute("SELECT name FROM person").fetchall() == [("Joko",)]
    call_command("restore", str(backup), "--yes", database=target)
    assert sqlite3.connect(live).execute("SELECT count(*) FROM person").fetchone() == (3,)


@pytest.mark.django_db
def test_a_restore_names_a_file_that_is_missing_or_not_a_backup(alias: Alias, tmp_path: Path) -> None:
    target = alias(tmp_path / "live.sqlite3")
    with pytest.raises(BackupError, match=r"No backup file at .*nowhere\.sqlite3"):
        backup_restore(path=tmp_path / "nowhere.sqlite3", using=target)
    stray = tmp_path / "notes.txt"
    stray.write_text("not a database")
    with pytest.raises(BackupError, match=r"manifest .*notes\.txt\.manifest\.json is missing"):
        backup_restore(path=stray, using=target)
    manifest_path(stray).write_text('{"format": "something else"}')
    with pytest.raises(BackupError, match="is not a Pendamping backup manifest"):
        backup_restore(path=stray, using=target)


def _edit_manifest(dump: Path, **changes: object) -> None:
    path = manifest_path(dump)
    data = json.loads(path.read_text())
    for key, value in changes.items():
        data[key] = value
    path.write_text(json.dumps(data))


@pytest.mark.django_db
def test_a_restore_refuses_a_backup_of_another_engine(backup: Path, alias: Alias, tmp_path: Path) -> None:
    _edit_manifest(backup, engine="postgresql")
    with pytest.raises(BackupError, match=r"b\.sqlite3 is a postgresql backup; the configured database is sqlite"):
        backup_restore(path=backup, using=alias(tmp_path / "live.sqlite3"))


@pytest.mark.django_db
def test_a_damaged_dump_is_not_restored(backup: Path, alias: Alias, tmp_path: Path) -> None:
    with backup.open("r+b") as stream:
        stream.seek(-100, os.SEEK_END)
        stream.write(b"garbage")
    live = sqlite_file(tmp_path / "live.sqlite3", people=[(7, "Joko")])
    with pytest.raises(BackupError, match=r"b\.sqlite3 does not match its manifest"):
        backup_restore(path=backup, using=alias(live), force=True)
    assert sqlite3.connect(live).execute("SELECT name FROM person").fetchall() == [("Joko",)]


@pytest.mark.django_db
def test_a_tampered_manifest_names_the_table_and_leaves_the_database_alone(
    backup: Path, alias: Alias, tmp_path: Path
) -> None:
    tables = json.loads(manifest_path(backup).read_text())["tables"]
    tables["person"]["checksum"] = "0" * 64
    _edit_manifest(backup, tables=tables)
    live = sqlite_file(tmp_path / "live.sqlite3", people=[(7, "Joko")])
    with pytest.raises(RestoreMismatch, match="left untouched") as caught:
        backup_restore(path=backup, using=alias(live), force=True)
    assert caught.value.differences == ["person: same row count, different content"]
    assert sqlite3.connect(live).execute("SELECT name FROM person").fetchall() == [("Joko",)]
    assert not list(tmp_path.glob(".*restore-*"))


@sqlite_only
@pytest.mark.django_db(transaction=True)  # the copy is taken outside the test's transaction: rows must be committed
def test_the_site_database_round_trips_through_a_backup(alias: Alias, tmp_path: Path) -> None:
    MembershipFactory.create_batch(3, group=GroupFactory())
    FamilyFactory.create_batch(2)
    call_command("backup", output=tmp_path)
    (dump,) = tmp_path.glob("pendamping-*.sqlite3")
    restored = alias(tmp_path / "restored.sqlite3")
    call_command("restore", str(dump), database=restored)

    assert Family.objects.using(restored).count() == Family.objects.count() == 5
    assert Group.objects.using(restored).get().memberships.count() == 3
    # Read as the backup reads it: with the plain sqlite3 driver, which hands values back without Django's
    # conversions (datetimes, decimals), so the checksums compare.
    assert sqlite_sums(path=tmp_path / "restored.sqlite3") == manifest_read(dump=dump).tables


ROOT = Path(__file__).resolve().parents[3]
# Run in the restored site (`pendamping shell -c`): sign in through the login form, open the home page, list the
# families with a bearer token; print the status codes and the count as JSON. Static files are served from the
# source tree (there is no collectstatic in a test); everything else is the production settings.
SMOKE = """
import json, os
from django.test import Client, override_settings
files = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={"default": files, "staticfiles": plain}):
    web = Client()
    login = web.post("/accounts/login/", {"username": os.environ["SMOKE_USER"], "password": os.environ["SMOKE_PW"]})
    home = web.get("/")
    api = Client(headers={"Authorization": "Bearer " + os.environ["SMOKE_TOKEN"]}).get("/api/families")
    count = api.json().get("count") if api.status_code == 200 else api.content.decode()[:300]
    print(json.dumps({"login": login.status_code, "login_to": login.get("Location"), "home": home.status_code,
                      "api": api.status_code, "families": count}))
"""


def _site(data: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    """`python -m pendamping.cli ARGS` with the production settings over the SQLite file in `data`, started."""
    environ = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environ |= {"PENDAMPING_DATA": str(data), "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    command = [sys.executable, "-m", "pendamping.cli", *args]
    return subprocess.Popen(command, env=environ, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finished(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return out


@sqlite_only
@pytest.mark.real_password_hashers  # the restored site signs in with the production hashers (Argon2)
@pytest.mark.django_db(transaction=True)
def test_the_restored_site_database_serves_a_user_created_before_the_backup(alias: Alias, tmp_path: Path) -> None:
    """F1's smoke test: the application, pointed at the restored file (PENDAMPING_DATA/pendamping.sqlite3, as
    config/settings.py names it), passes `check`, signs in a user made before the backup, and serves the home
    page and the API's family list with that user's token."""
    user = UserFactory(username="smoke_admin", role=Role.ADMIN)
    raw = token_create(user=user, name="smoke")[1]
    FamilyFactory.create_batch(2)
    (tmp_path / "backups").mkdir()
    call_command("backup", output=tmp_path / "backups")
    (dump,) = (tmp_path / "backups").glob("pendamping-*.sqlite3")
    data = tmp_path / "data"
    restored = alias(data / "pendamping.sqlite3")
    call_command("restore", str(dump), database=restored)
    connections[restored].close()

    # Both at once (two cores): `check` only reads.
    checked = _site(data, "check")
    served = _site(data, "shell", "-c", SMOKE, SMOKE_USER=user.username, SMOKE_PW=PASSWORD, SMOKE_TOKEN=raw)
    assert "no issues" in _finished(checked)
    result = json.loads(_finished(served).strip().splitlines()[-1])
    assert result == {"login": 302, "login_to": "/", "home": 200, "api": 200, "families": 2}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_round_trips_into_a_fresh_database(tmp_path: Path) -> None:
    MembershipFactory.create_batch(3, group=GroupFactory())
    result = backup_create(output=tmp_path)
    name = f"pendamping_restore_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    restored = "backup_test_pg"
    register(restored, {**connections.settings["default"], "NAME": name})
    try:
        backup_restore(path=result.dump, using=restored)
        with pytest.raises(BackupError, match="already holds data"):
            backup_restore(path=result.dump, using=restored)
        assert Family.objects.using(restored).count() == Family.objects.count() == 3
        with connections[restored].chunked_cursor() as cursor:
            found = Manifest(engine="postgresql", tables=database_sums(cursor=cursor, engine="postgresql"))
        assert found.tables == result.manifest.tables
        assert found.total_rows > 9000  # the regions came along
    finally:
        unregister(restored)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
