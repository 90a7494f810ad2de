"""The exchange app (imports and exports): its part of the URL-enumerating scope tests.

Import batches belong to the person who made them (admins see all): each bundle's officer has uploaded a checked
batch (one new family of the bundle's village, not yet imported), a done batch (one imported family) and a saved
mapping. So every regional role, the Surabaya officer included, gets 404 for the Malang officer's batches, and the
admin's control run reaches them (it imports, undoes, deletes the mapping). A template's kind and an export's list
name are no records (UNSCOPED_BY_DESIGN): the rows of an export are the list page's own, scoped inside. The
research export's study is the bundle's study. The uploads (multipart) are outside A4's JSON harness: their
refusal of bad input is tested in exchange/tests."""

from typing import Any

import pytest

from pendamping.core.tests import test_url_scoping_evaluation as evaluation
from pendamping.core.tests.test_url_scoping import (
    BODIES,
    BUNDLE_HOOKS,
    KEYS,
    ROLES,
    ROUTES,
    TRACKED,
    UNSCOPED_BY_DESIGN,
    Bundle,
    World,
    client_for_door,
    world,
)
from pendamping.exchange.models import ImportBatch, ImportedRecord, SavedMapping
from pendamping.exchange.services.files import store
from pendamping.exchange.tests.helpers import FAMILY_HEADER, csv_bytes, family_row
from pendamping.registry.tests.factories import FamilyFactory, nik_for, regency_of

__all__ = ["OWN_LISTS", "world"]
pytestmark = pytest.mark.django_db

_BATCH, _DONE = {"pk": "batch"}, {"pk": "done_batch"}
KEYS.update(
    {
        **{f"exchange:import_{view}": _BATCH for view in ("detail", "configure", "run")},
        "exchange:import_undo": _DONE,
        "exchange:import_errors": _BATCH,
        "exchange:import_rejected": _BATCH,
        "exchange:mapping_delete": {"pk": "mapping"},
        "exchange:import_template": {"kind": "kind_name"},
        "/api/exchange/imports/{batch_id}": {"batch_id": "batch"},
        "/api/exchange/imports/{batch_id}/run": {"batch_id": "batch"},
        "/api/exchange/imports/{batch_id}/undo": {"batch_id": "done_batch"},
        "/api/exchange/templates/{kind}": {"kind": "kind_name"},
        "exchange:export_list": {"name": "list_name"},
        "/api/exchange/export/{name}": {"name": "list_name"},
        "exchange:export_research": {"study_id": "study"},
        "/api/exchange/research/{study_id}": {"study_id": "study"},
    }
)
_NOT_A_RECORD = "a kind or list name, not a record: the rows behind it are scoped inside"
for name in ("exchange:import_template", "/api/exchange/templates/{kind}", "exchange:export_list"):
    UNSCOPED_BY_DESIGN[name] = (ROLES, _NOT_A_RECORD)
UNSCOPED_BY_DESIGN["/api/exchange/export/{name}"] = (ROLES, _NOT_A_RECORD)
BODIES.update(
    {
        ("POST", "/api/exchange/imports/{batch_id}/run"): lambda b: {},
        ("POST", "/api/exchange/imports/{batch_id}/undo"): lambda b: {},
        ("POST", "/api/exchange/mappings"): lambda b: {
            "kind": "families",
            "name": f"peta {b.tag}",
            "columns": {"NAMA KRT": "head_name"},
        },
    }
)
# Multipart uploads: the harness sends JSON; the upload's own tests live in exchange/tests.
evaluation.A4_EXEMPT.add(("POST", "/api/exchange/imports"))
TRACKED.extend([ImportBatch, SavedMapping])
# Lists whose rows belong to their maker rather than to a regency: checked here, not by A2's regency count.
OWN_LISTS = {"/api/exchange/imports", "/api/exchange/mappings"}


def _batch(bundle: Bundle, serial: int, status: str) -> Any:
    """A batch as an import leaves it, built directly: the world is built for thousands of tests, and running
    the import for each would cost more than the tests themselves (the import has its own tests)."""
    desa = bundle.family.desa
    nik = nik_for(desa, serial)
    row = family_row(nik, kk=nik, name=f"{bundle.tag} Impor {serial}", desa=desa.code)
    stored, digest, size = store([csv_bytes(FAMILY_HEADER, [row])])
    batch = ImportBatch.objects.create(
        kind="families", file_name=f"{bundle.tag}.csv", file_sha256=digest, file_size=size, stored_as=stored,
        status=status, rows=1, created=1, created_by=bundle.token.user,
    )  # fmt: skip
    if status == "done":
        family = FamilyFactory(desa=desa, regency=regency_of(desa), nik=nik, kk_number=nik, head_name=row[2])
        ImportedRecord.objects.create(batch=batch, model="registry.family", object_id=family.pk, action="c")
    return batch


def add_rows(bundle: Bundle) -> None:
    checked, done = _batch(bundle, 9990, "checked"), _batch(bundle, 9991, "done")
    mapping = SavedMapping.objects.create(
        kind="families", name=f"{bundle.tag} peta", columns={"nama": "head_name"}, created_by=bundle.token.user
    )
    bundle.extra.update(batch=checked, done_batch=done, mapping=mapping, kind_name="families", list_name="families")


BUNDLE_HOOKS.append(add_rows)


def test_the_keys_name_existing_routes() -> None:
    names = {route.name for route in ROUTES}
    assert {"exchange:import_detail", "/api/exchange/imports/{batch_id}", "exchange:export_list"} <= names
    assert names >= OWN_LISTS


def test_the_bundles_batches_are_what_the_routes_need(world: World) -> None:
    assert world.away.batch.status == "checked" and world.away.done_batch.status == "done"
    assert world.away.done_batch.created == 1


@pytest.mark.parametrize("path", sorted(OWN_LISTS))
def test_own_lists_show_each_user_only_their_own(path: str, world: World, request: pytest.FixtureRequest) -> None:
    for role in (*ROLES, "malang_officer"):
        user = request.getfixturevalue(role)
        body = client_for_door(user, "api").get(path, {"page_size": "100"})
        if role == "auditor":
            assert body.status_code == 403
            continue
        rows = body.json()["items"] if isinstance(body.json(), dict) else body.json()
        if path.endswith("imports"):
            assert {row["created_by"] for row in rows} <= {user.username}
            expected = ImportBatch.objects.filter(created_by=user).count()
            assert len(rows) == expected
