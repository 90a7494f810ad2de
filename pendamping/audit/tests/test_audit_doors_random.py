"""E1 (QUALITY.md), at random: create, update, delete, export and reveal operations through every door (page, API,
import, admin site, command), a bulk update among them, each leave exactly one audit entry that names the actor,
the time, the door, the object and, for an update, exactly the fields the operation changed (with their values).

Each seed runs every kind of operation once, plus a few drawn again, in a shuffled order, against one database:
an entry must be right whatever came before it. An operation sets up what it needs first (factories, tokens,
a briefing batch), so only the operation itself lies between the audit mark and the check."""

import csv
import datetime as dt
import io
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import models
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.audit.models import AuditEntry
from pendamping.audit.services import snapshot
from pendamping.companions.models import Attendance, Session
from pendamping.companions.services.briefing import attendance_record
from pendamping.companions.tests.briefing_factories import batch, join, module, person, session
from pendamping.exchange.models import ImportBatch
from pendamping.exchange.tests.helpers import FAMILY_HEADER, csv_bytes, family_row
from pendamping.registry.models import Family
from pendamping.registry.tests.factories import SURABAYA_VILLAGE, FamilyFactory, nik_for, village
from pendamping.registry.tests.test_family_pages import form_data

pytestmark = pytest.mark.django_db

# Fields an edit changes, with a value no factory family holds (the target family is built with fixed values).
EDITS: list[tuple[str, Any]] = [
    ("head_name", "Dewi Lestari"),
    ("address", "Jl. Kenanga 7"),
    ("rt", "009"),
    ("rw", "004"),
    ("household_size", 6),
    ("status", "moved"),
]
# What every service update of a family changes besides the edited field: the lock's version and the timestamp.
SERVICE_BOOKKEEPING = frozenset({"version", "updated_at"})


@dataclass
class Expected:
    """What the one new audit entry of an operation must say."""

    action: str
    door: str
    model: type[models.Model]
    object_id: str
    actor: User
    fields: frozenset[str] | None = None  # an update: exactly these field names in `changes`
    changes: dict[str, list[Any]] | None = None  # an update: the row's own before/after values of those fields
    includes: dict[str, list[Any]] = field(default_factory=dict)  # other actions: these entries of `changes`


Operation = Callable[[], Expected]


@dataclass
class World:
    officer: User
    admin: User
    rng: random.Random
    tmp_path: Path
    serial: int = 0
    clients: dict[str, Client] = field(default_factory=dict)

    def next_serial(self) -> int:
        # 9001+ is the NIK serial range factories never use (factories.sequence_nik).
        self.serial += 1
        return 9000 + self.serial

    def page(self, user: User) -> Client:
        key = f"page:{user.pk}"
        if key not in self.clients:
            self.clients[key] = Client()
            self.clients[key].force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return self.clients[key]

    def api(self, user: User) -> Client:
        key = f"api:{user.pk}"
        if key not in self.clients:  # token_create is audited itself: done here, before the operation's mark
            self.clients[key] = Client(headers={"Authorization": f"Bearer {token_create(user=user, name='e1')[1]}"})
        return self.clients[key]


def new_family(**fields: Any) -> Family:
    return cast(Family, FamilyFactory(**fields))  # factory_boy types the call as the factory, not the row


def target_family() -> Family:
    """A Surabaya family with the values the page form sends by default (test_family_pages.form_data)."""
    return new_family(
        desa=village(SURABAYA_VILLAGE),
        head_name="Siti Wahyuni",
        address="Jl. Mawar 3",
        rt="003",
        rw="001",
        household_size=4,
        monthly_income=1_500_000,
    )


def updated(actor: User, door: str, family: Family, edit: Callable[[], None], fields: frozenset[str]) -> Expected:
    """Run `edit` on `family`; the expected entry holds the row's own change of every field that changed."""
    before = snapshot(Family.objects.get(pk=family.pk))
    edit()
    after = snapshot(Family.objects.get(pk=family.pk))
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    return Expected("update", door, Family, str(family.pk), actor, fields=fields, changes=changes)


# --- the page door -------------------------------------------------------------------------------------------


def page_create(w: World) -> Operation:
    n = w.next_serial()
    nik, client = nik_for(village(SURABAYA_VILLAGE), n), w.page(w.officer)

    def act() -> Expected:
        response = client.post(reverse("registry:family_create"), form_data(nik=nik, kk_number=f"357801{n:010d}"))
        assert response.status_code == 302, response.content
        return Expected("create", "web", Family, str(Family.objects.get(nik=nik).pk), w.officer)

    return act


def page_edit(w: World) -> Operation:
    family, client = target_family(), w.page(w.officer)
    name, value = w.rng.choice(EDITS)
    body = form_data(nik=family.nik, kk_number=family.kk_number, version=family.version, **{name: str(value)})

    def post() -> None:
        response = client.post(reverse("registry:family_edit", args=[family.pk]), body)
        assert response.status_code == 302, response.content

    return lambda: updated(w.officer, "web", family, post, SERVICE_BOOKKEEPING | {name})


def page_reveal(w: World) -> Operation:
    family, client = new_family(), w.page(w.officer)

    def act() -> Expected:
        response = client.post(reverse("registry:family_reveal", args=[family.pk]), headers={"HX-Request": "true"})
        assert family.nik in response.content.decode()
        return Expected("reveal", "web", Family, str(family.pk), w.officer)

    return act


def exported_cells(response: StreamingHttpResponse, fmt: str) -> set[str]:
    data = b"".join(response.streaming_content)  # type: ignore[arg-type]  # the test client's is bytes
    if fmt == "csv":
        return {cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row}
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {str(c) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python() for c in row}


def page_export(w: World) -> Operation:
    """An officer's family export carries full numbers: one reveal entry on the exporting user, whichever format
    (test_exports_lists.test_an_officer_gets_full_numbers_and_one_audit_entry_per_export). A CSV records it
    before it streams, an XLSX once written (exports/responses.py): both paths are drawn."""
    family, client = new_family(head_name=f"Ekspor {w.next_serial()}"), w.page(w.officer)
    fmt = w.rng.choice(["csv", "xlsx"])

    def act() -> Expected:
        response = client.get(
            reverse("exchange:export_list", args=["families"]), {"q": family.head_name, "format": fmt}
        )
        assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
        assert family.nik in exported_cells(response, fmt)  # the numbers really went out unmasked
        includes: dict[str, list[Any]] = {
            "export": [None, "families"],
            "format": [None, fmt],
            "rows": [None, 1],
            "filters": [None, {"q": family.head_name}],
        }
        return Expected("reveal", "web", get_user_model(), str(w.officer.pk), w.officer, includes=includes)

    return act


# --- the API door --------------------------------------------------------------------------------------------


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    return client.generic(method, path, "" if body is None else json.dumps(body), content_type="application/json")


def api_create(w: World) -> Operation:
    n, client = w.next_serial(), w.api(w.officer)
    body = {"nik": nik_for(village(SURABAYA_VILLAGE), n), "kk_number": f"357801{n:010d}", "head_name": "Siti Wahyuni"}

    def act() -> Expected:
        response = send(client, "POST", "/api/families", {**body, "desa_code": SURABAYA_VILLAGE})
        assert response.status_code == 201, response.content
        return Expected("create", "api", Family, str(response.json()["id"]), w.officer)

    return act


def api_patch(w: World) -> Operation:
    family, client = target_family(), w.api(w.officer)
    name, value = w.rng.choice(EDITS)

    def patch() -> None:
        response = send(client, "PATCH", f"/api/families/{family.pk}", {"version": family.version, name: value})
        assert response.status_code == 200, response.content

    return lambda: updated(w.officer, "api", family, patch, SERVICE_BOOKKEEPING | {name})


def api_delete(w: World) -> Operation:
    family, client = new_family(), w.api(w.officer)  # never in a KUBE: a family with history is not deleted

    def act() -> Expected:
        assert send(client, "DELETE", f"/api/families/{family.pk}").status_code == 204
        assert not Family.objects.filter(pk=family.pk).exists()
        return Expected("delete", "api", Family, str(family.pk), w.officer, includes={"nik": [family.nik, None]})

    return act


def api_reveal(w: World) -> Operation:
    family, client = new_family(), w.api(w.officer)

    def act() -> Expected:
        assert send(client, "GET", f"/api/families/{family.pk}").json()["nik"] == family.nik
        return Expected("reveal", "api", Family, str(family.pk), w.officer)

    return act


# --- the admin site ------------------------------------------------------------------------------------------


def admin_change(w: World) -> Operation:
    family, client = target_family(), w.page(w.admin)
    name, value = w.rng.choice(EDITS)
    kept = ("kk_number", "head_name", "address", "rt", "rw", "household_size", "monthly_income", "status")
    body = {**{k: getattr(family, k) for k in kept}, "dtks_id": "", "welfare_decile": "", "decile_as_of": ""}

    def post() -> None:
        response = client.post(reverse("admin:registry_family_change", args=[family.pk]), {**body, name: value})
        assert response.status_code == 302, response.content

    # The admin moves the version on like the services do (audit.admin_mixins._next_version).
    return lambda: updated(w.admin, "admin", family, post, frozenset({name}) | SERVICE_BOOKKEEPING)


# --- the command line: an import, a correction --------------------------------------------------------------


def import_command(w: World) -> Operation:
    """An import is one audited operation, its `import` entry on the batch (test_import_audit.py)."""
    rows = []
    for _ in range(w.rng.randint(1, 2)):
        n = w.next_serial()
        nik = nik_for(village(SURABAYA_VILLAGE), n)
        rows.append(family_row(nik, kk=f"357801{n:010d}", name=f"Impor {n}"))
    path = w.tmp_path / f"families-{w.serial}.csv"
    path.write_bytes(csv_bytes(FAMILY_HEADER, rows))

    def act() -> Expected:
        call_command("import_data", "families", str(path), "--user", w.admin.username)
        batch = ImportBatch.objects.latest("pk")
        assert Family.objects.filter(nik__in=[row[0] for row in rows]).count() == len(rows)
        includes = {"created": [None, len(rows)], "rows": [None, len(rows)]}
        return Expected("import", "cli", ImportBatch, str(batch.pk), w.admin, includes=includes)

    return act


def privacy_correct(w: World) -> Operation:
    family = target_family()
    name, value = w.rng.choice(EDITS)
    args = ["--nik", family.nik, "--field", name, "--value", str(value), "--actor", w.admin.username]

    def correct() -> None:
        call_command("privacy", "correct", *args)

    return lambda: updated(w.admin, "cli", family, correct, SERVICE_BOOKKEEPING | {name})


# --- a bulk update: a session's attendance, many rows in one call, through the API ------------------------------


def started_session(w: World) -> tuple[Session, list[int], list[int]]:
    """A session of a batch already running, its participants' ids and those it has recorded present. The first
    attendance (as the system, here) also starts the batch, a second entry on another row (briefing_people._start)
    that is not what the operation exercises."""
    briefing = batch(f"Pembekalan {w.next_serial()}")
    held = session(briefing, module(briefing))
    people = join(briefing, *(person(f"Peserta {w.serial}-{i}") for i in range(w.rng.randint(3, 6))))
    ids = sorted(p.pk for p in people)
    first = sorted(w.rng.sample(ids, w.rng.randint(0, len(ids))))
    attendance_record(actor=None, session=held, present=first)
    return held, ids, first


def bulk_attendance(w: World) -> Operation:
    """Attendance updates every participant's row of a session at once; the entry is one, on the session."""
    held, ids, first = started_session(w)
    door = w.rng.choice(["api", "web"])
    present = first
    while present == first or (door == "web" and not present):  # a change; the page form posts someone
        present = sorted(w.rng.sample(ids, w.rng.randint(0, len(ids))))

    client = w.api(w.admin) if door == "api" else w.page(w.admin)  # briefings are the province's (briefing.manage)

    def act() -> Expected:
        if door == "api":
            assert send(client, "POST", f"/api/sessions/{held.pk}/attendance", {"present": present}).status_code == 200
        else:
            assert (
                client.post(reverse("companions:attendance", args=[held.pk]), {"present": present}).status_code == 302
            )
        marked = Attendance.objects.filter(session=held, present=True).values_list("participant_id", flat=True)
        assert sorted(marked) == present and Attendance.objects.filter(session=held).count() == len(ids)
        changes = {"present": [first, present]}
        return Expected("update", door, Session, str(held.pk), w.admin, fields=frozenset({"present"}), changes=changes)

    return act


PAGE_DOOR = [page_create, page_edit, page_reveal, page_export]
API_DOOR = [api_create, api_patch, api_delete, api_reveal]
OTHER_DOORS = [admin_change, import_command, privacy_correct, bulk_attendance]
OPERATIONS: list[Callable[[World], Operation]] = [*PAGE_DOOR, *API_DOOR, *OTHER_DOORS]


def last_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def check(entry: AuditEntry, expected: Expected, started: dt.datetime, ended: dt.datetime) -> None:
    what = (entry.action, entry.door, entry.content_type.model_class(), entry.object_id)
    assert what == (expected.action, expected.door, expected.model, expected.object_id)
    assert (entry.actor_id, entry.actor_name) == (expected.actor.pk, expected.actor.username)
    assert started <= entry.at <= ended
    if expected.fields is not None:
        assert set(entry.changes) == expected.fields, "the changed field names"
        assert set(expected.changes or {}) == expected.fields, "the row itself changed exactly these fields"
        assert entry.changes == expected.changes, "the values before and after"
    for key, value in expected.includes.items():
        assert entry.changes.get(key) == value, key


def plan(rng: random.Random) -> list[Callable[[World], Operation]]:
    """Every operation once, a few again, shuffled: 12 to 15 operations."""
    chosen = OPERATIONS + rng.choices(OPERATIONS, k=rng.randint(0, 3))
    rng.shuffle(chosen)
    return chosen


@pytest.fixture(autouse=True)
def _generous_limits(settings: Any) -> Iterator[None]:
    # Rate-limit counters live in the cache: a run must not inherit another test's, nor trip the export limit.
    settings.PENDAMPING = {**settings.PENDAMPING, "API_RATE_EXPORT": "100000/min"}
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("seed", range(3))
def test_every_operation_through_every_door_leaves_exactly_one_entry(
    seed: int, surabaya_officer: User, admin: User, tmp_path: Path
) -> None:
    admin.is_staff = True  # provincial admins are the staff of the admin site (test_admin.py)
    admin.save()
    w = World(officer=surabaya_officer, admin=admin, rng=random.Random(seed), tmp_path=tmp_path)
    for number, make in enumerate(plan(w.rng)):
        act = make(w)
        mark, started = last_id(), timezone.now()
        expected = act()
        ended = timezone.now()
        entries = list(AuditEntry.objects.filter(id__gt=mark).order_by("id"))
        where = f"seed {seed}, operation {number} ({make.__name__})"
        assert len(entries) == 1, f"{where}: {[(e.action, e.door, e.object_repr, e.changes) for e in entries]}"
        try:
            check(entries[0], expected, started, ended)
        except AssertionError as exc:
            raise AssertionError(f"{where}: {exc}") from exc
