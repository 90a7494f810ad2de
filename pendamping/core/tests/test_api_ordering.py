"""Ordering of API lists by an allow-list (core.api_ordering), and the OpenAPI schema that documents it: every
operation tagged and its responses documented, every paged list with an `ordering` parameter."""

import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from pydantic import BaseModel

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.core.api_ordering import OrderKeys, ordered, parse
from pendamping.core.tests.test_url_scoping import World, world
from pendamping.regions.models import Region
from pendamping.registry.models import Family
from pendamping.registry.tests.factories import FamilyFactory, SchemeFactory, regency_of, village

__all__ = ["world"]  # the scope tests' fixture: two regencies with rows in every list
pytestmark = pytest.mark.django_db

REGIONS: OrderKeys = {"name": "name", "level": ("level", "-name"), "code": "code"}


def _codes(qs: Any) -> list[str]:
    return list(qs.values_list("code", flat=True))


def _api(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='t')[1]}"})


def test_it_sorts_by_the_allowed_keys_with_the_primary_key_last() -> None:
    kecamatan = Region.objects.filter(parent_id="35.78")
    assert _codes(ordered(kecamatan, "name", allowed=REGIONS)) == _codes(kecamatan.order_by("name", "code"))
    assert _codes(ordered(kecamatan, "-name", allowed=REGIONS)) == _codes(kecamatan.order_by("-name", "code"))
    assert str(ordered(kecamatan, "-name", allowed=REGIONS).query).rstrip().endswith('"code" ASC')


def test_a_descending_key_flips_a_descending_target_back() -> None:
    qs = Region.objects.filter(parent_id__in=["35.78", "35.07"])
    flipped = ordered(qs, "-level", allowed=REGIONS)
    assert flipped.query.order_by == ("-level", "name", "pk")
    assert _codes(flipped) == _codes(qs.order_by("-level", "name", "code"))


def test_no_ordering_keeps_the_selectors_order_unless_a_default_is_given() -> None:
    qs = Region.objects.filter(parent_id="35.78").order_by("-code")
    assert ordered(qs, None, allowed=REGIONS).query.order_by == ("-code",)
    assert ordered(qs, "", allowed=REGIONS, default=("name",)).query.order_by == ("name", "pk")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nik", "Unknown ordering key 'nik'; allowed: code, level, name."),
        ("name,-code,level,name", "Give at most 3 ordering keys."),
        ("name,-name", "Give each ordering key only once."),
    ],
)
def test_a_key_outside_the_allow_list_is_refused_naming_the_allowed_ones(value: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ordered(Region.objects.all(), value, allowed=REGIONS)
    assert caught.value.message_dict == {"ordering": [message]}


def test_it_reads_up_to_three_keys_with_spaces_around_them() -> None:
    assert parse(" -year , name ") == ["-year", "name"]
    assert parse(None) == parse("") == parse(" , ") == []


def test_the_api_answers_an_unknown_key_with_a_400_on_the_ordering_field(surabaya_officer: User) -> None:
    response = _api(surabaya_officer).get("/api/families", {"ordering": "nik"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"]["ordering"] == [
        "Unknown ordering key 'nik'; allowed: created_at, household_size, id, monthly_income, name, regency, "
        "status, updated_at, welfare_decile."
    ]


@pytest.mark.parametrize("value", ["name;drop", "head_name__nik", "a" * 61, "-", "name,"])
def test_the_api_refuses_ordering_values_that_are_not_keys(surabaya_officer: User, value: str) -> None:
    response = _api(surabaya_officer).get("/api/families", {"ordering": value})
    assert response.status_code == 400, value
    assert "ordering" in response.json()["error"]["fields"], value


def test_pages_of_an_ordered_list_with_ties_neither_repeat_nor_skip_a_row(surabaya_officer: User) -> None:
    desa = village()
    here = {"desa": desa, "regency": regency_of(desa)}
    made = {FamilyFactory(**here, head_name="Sama Nama", status="active").pk for _ in range(7)}
    client, seen = _api(surabaya_officer), []
    for page in (1, 2, 3):
        # Only these seven: this module's other tests share the scope tests' world, whose families live here too.
        query = {"q": "Sama Nama", "ordering": "status,-name", "page_size": 3, "page": page}
        body = client.get("/api/families", query).json()
        seen += [row["id"] for row in body["items"]]
    assert len(seen) == len(set(seen)) == 7 and set(seen) == made
    assert seen == sorted(seen)  # equal status and name: the primary key decides, the same way on every page


def test_every_key_of_every_allow_list_sorts_on_the_database(world: World, admin: User) -> None:
    """A key whose target is a typo fails only when the database is asked: try every key of every list, both
    ways, as the admin over the scope tests' two regencies, where every list has rows."""
    SchemeFactory()
    schema = Client().get("/api/openapi.json").json()
    client, lists = _api(admin), _allow_lists(schema)
    empty = {path for path in lists if not client.get(path).json()["count"]}
    assert empty <= EMPTY_FOR_ADMIN, f"these list nothing, so their keys go untried: {sorted(empty)}"
    for path, keys in lists.items():
        for key in keys:
            for value in (key, f"-{key}"):
                response = client.get(path, {"ordering": value})
                assert response.status_code == 200, (path, value, response.content[:300])


def _allow_lists(schema: dict[str, Any]) -> dict[str, list[str]]:
    """GET list path without path parameters -> the ordering keys its description names."""
    found = {}
    for path, operations in schema["paths"].items():
        get = operations.get("get", {})
        for param in get.get("parameters", []):
            if param["name"] == "ordering" and "{" not in path:
                keys = param["description"].split(" of: ", 1)[1].split(";", 1)[0]
                found[path] = [key.strip() for key in keys.split(",")]
    return found


# --- the schema ----------------------------------------------------------------------------------------------

# Paged lists whose order is their point (reports ranked by a computed rate), and the exchange app's (its own
# module set). Any other paged list must take `ordering`.
UNORDERED = {"/api/visits/frequency", "/api/visits/frequency/groups", "/api/exchange/imports"}
UNORDERED |= {"/api/exchange/duplicates"}
# Lists the admin sees empty over the scope tests' bundles (no row of that kind there): their keys go untried.
EMPTY_FOR_ADMIN = {"/api/exchange/imports", "/api/exchange/duplicates"}


@pytest.fixture
def schema() -> dict[str, Any]:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_every_operation_is_tagged_and_documents_its_responses(schema: dict[str, Any]) -> None:
    assert len(schema["paths"]) > 100
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("tags"), f"{where} has no tag"
            assert operation.get("summary"), f"{where} has no summary"
            codes = set(operation["responses"])
            assert any(code.startswith("2") for code in codes), f"{where} documents no success"
            # Every endpoint is rate-limited (429); all but the token endpoint need a signed-in user (401).
            assert {"401", "429"} <= codes, f"{where} does not document 401 and 429"
            for code, response in operation["responses"].items():
                assert response.get("description"), f"{where} {code}"


def test_every_paged_list_takes_an_ordering_from_an_allow_list(schema: dict[str, Any]) -> None:
    paged = {
        path
        for path, operations in schema["paths"].items()
        if {"items", "count", "page"} <= _properties(schema, operations.get("get"))
    }
    ordering = {
        path
        for path in paged
        if any(p["name"] == "ordering" for p in schema["paths"][path]["get"].get("parameters", []))
    }
    assert len(paged) > 30
    assert paged - ordering <= UNORDERED, f"add `ordering` to {sorted(paged - ordering - UNORDERED)}"
    for path in ordering:
        param = next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "ordering")
        assert " of: " in param["description"] and param["in"] == "query", path


def _properties(schema: dict[str, Any], operation: dict[str, Any] | None) -> set[str]:
    if operation is None:
        return set()
    content = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
    ref = content.get("schema", {}).get("$ref", "")
    if not ref:
        return set()
    return set(schema["components"]["schemas"][ref.rsplit("/", 1)[1]].get("properties", {}))


def test_the_family_list_model_is_what_the_ordering_keys_name() -> None:
    """The allow-list names fields of the row, not free SQL: every target is a field path of the model."""
    from pendamping.registry.api.families import FAMILY_ORDER

    names = {field.name for field in Family._meta.concrete_fields} | {"pk"}
    targets = [t for value in FAMILY_ORDER.values() for t in ((value,) if isinstance(value, str) else value)]
    assert {t.removeprefix("-").removesuffix("_id") for t in targets} <= names


def test_no_two_api_schemas_share_a_name() -> None:
    """The OpenAPI components are keyed by class name: two schemas of one name would silently become one in the
    schema (the last written wins), and clients would be told the wrong shape. Query parameter schemas (named
    …Query by the house convention) are spread into parameters, never components."""
    import pendamping

    seen: dict[str, set[str]] = {}
    for found in pkgutil.walk_packages(pendamping.__path__, "pendamping."):
        if ".api" not in found.name or ".tests" in found.name:
            continue
        module = importlib.import_module(found.name)
        for name, value in vars(module).items():
            ours = inspect.isclass(value) and value.__module__ == module.__name__ and not name.endswith("Query")
            if ours and issubclass(value, BaseModel):
                seen.setdefault(name, set()).add(module.__name__)
    assert not {name: sorted(where) for name, where in seen.items() if len(where) > 1}
