"""B2 (QUALITY.md): SQL-injection payloads in the search, ordering, filter and paging parameters of every page and
API read never cause a server error, never show a row outside the caller's scope, and never change the data;
and no module passes request data into a query as keyword arguments, `.extra()`, `RawSQL()` or SQL built by
string formatting.

The reads are the resolver's (ROUTES of test_url_scoping.py, with the same `world`: Kota Surabaya's rows in scope,
Kabupaten Malang's not), asked by the Surabaya officer with every parameter set to one payload at once."""

import re
from pathlib import Path

import pytest
from django.db import connection

from pendamping.accounts.models import User
from pendamping.core.tests.test_url_deny_default import LISTS
from pendamping.core.tests.test_url_scoping import ROUTES, Route, World, client_for_door, fill, leaks, world
from pendamping.registry.models import Family

__all__ = ["world"]  # the fixture, shared with test_url_scoping.py (built once per module by the root conftest)
pytestmark = pytest.mark.django_db

PAYLOADS = {
    "or-true": "' OR 1=1--",
    "drop-table": '"; DROP TABLE registry_family;--',
    "nul": "\x00",
    "union": "1 UNION SELECT username, password FROM accounts_user--",
}
PARAMETERS = ("q", "search", "ordering", "sort", "regency", "status", "page", "page_size")
READS = [route for route in ROUTES if route.door == "page" or route.door == "api" and "GET" in route.methods]
WATCHED = (Family, User)  # the tables the payloads name: registry_family and accounts_user


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for model in WATCHED:
            table = model._meta.db_table
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608  # a model's table
            counts[table] = cursor.fetchone()[0]
    return counts


def test_the_payloads_name_the_real_tables() -> None:
    assert {model._meta.db_table for model in WATCHED} == {"registry_family", "accounts_user"}


@pytest.mark.parametrize("route", READS, ids=str)
def test_injection_payloads_in_every_parameter_of_a_read_do_no_harm(
    route: Route, world: World, surabaya_officer: User
) -> None:
    client = client_for_door(surabaya_officer, route.door)
    url, secrets, before = fill(route, world.home), world.away.secrets(), _row_counts()
    mine: set[int] | None = None
    if route.name in LISTS:  # an API list: the in-scope fixture, counted independently of visible_to
        model, regency = LISTS[route.name]
        mine = set(model.objects.filter(**{regency: "35.78"}).values_list("pk", flat=True))
    for name, payload in PAYLOADS.items():
        response = client.get(url, dict.fromkeys(PARAMETERS, payload))
        where = f"GET {url} with {name} in {', '.join(PARAMETERS)}"
        assert response.status_code < 500, f"{where}: {response.status_code}"
        assert not leaks(response, secrets), f"{where} shows {leaks(response, secrets)}"
        if mine is not None and response.status_code == 200:
            assert {row["id"] for row in response.json()["items"]} <= mine, f"{where}: rows outside the scope"
    assert _row_counts() == before, f"GET {url} with the payloads changed the row counts"


# One parameter at a time, for the API lists: all at once, the strict ones (ordering, page, page_size) answer 400
# before the search or filter is run; alone, the search and filter parameters reach the query.
FILTERS = ("q", "search", "sort", "regency", "status")


@pytest.mark.parametrize("path", LISTS)
def test_each_search_and_filter_parameter_of_an_api_list_takes_the_payloads_as_text(
    path: str, world: World, surabaya_officer: User
) -> None:
    model, regency = LISTS[path]
    mine = set(model.objects.filter(**{regency: "35.78"}).values_list("pk", flat=True))
    client, secrets, before = client_for_door(surabaya_officer, "api"), world.away.secrets(), _row_counts()
    answered = 0
    for parameter in FILTERS:
        for name, payload in PAYLOADS.items():
            response = client.get(path, {parameter: payload})
            where = f"GET {path}?{parameter}=<{name}>"
            assert response.status_code in (200, 400), f"{where}: {response.status_code}"
            assert not leaks(response, secrets), f"{where} shows {leaks(response, secrets)}"
            if response.status_code == 200:
                answered += 1
                assert {row["id"] for row in response.json()["items"]} <= mine, f"{where}: rows outside the scope"
    assert answered, f"{path} refused every payload: nothing reached a query"
    assert _row_counts() == before


@pytest.mark.parametrize("name", PAYLOADS)
def test_a_payload_in_a_list_search_returns_nothing_rather_than_everything(
    name: str, world: World, surabaya_officer: User
) -> None:
    """The control: the payload reaches the search as text. `' OR 1=1--` finds no family (it would find all if it
    were SQL), and the family list still answers a plain search with the in-scope row."""
    client = client_for_door(surabaya_officer, "api")
    found = client.get("/api/families", {"q": PAYLOADS[name]})
    assert found.status_code in (200, 400), found.content
    assert found.status_code == 400 or found.json()["count"] == 0
    plain = client.get("/api/families", {"q": world.home.family.head_name})
    assert world.home.family.pk in [row["id"] for row in plain.json()["items"]]


def test_a_nul_character_in_a_query_is_a_bad_request_on_pages_and_the_api(world: World, surabaya_officer: User) -> None:
    """PostgreSQL text cannot hold NUL: unrefused, `?q=%00` failed as a 500 on 18 list pages there (the pages now
    refuse it in core.middleware.NulRefusalMiddleware; the API in its query schemas)."""
    page = client_for_door(surabaya_officer, "page").get("/registry/families/", {"q": "Xsurabaya\x00"})
    assert page.status_code == 400 and "NUL" in page.content.decode()
    assert client_for_door(surabaya_officer, "page").get("/registry/families/", {"q\x00": "x"}).status_code == 400
    assert client_for_door(surabaya_officer, "api").get("/api/families", {"q": "\x00"}).status_code == 400


# --- the static check ------------------------------------------------------------------------------------------

PACKAGE = Path(__file__).resolve().parents[2]  # pendamping/
FORBIDDEN = {
    # A query's keyword arguments straight from the request: the caller picks fields and lookups (`regency__in`,
    # `user__password__startswith`), past every scope and allow-list.
    "request data as lookups": re.compile(r"\*\*\s*(self\.)?request\.(GET|POST|data|query_params)\b"),
    # Ordering only through core.api_ordering's allow-lists (the API); no page sorts by a request parameter.
    "request data in order_by": re.compile(r"order_by\([^)]*request\b"),
    "extra()": re.compile(r"\.extra\("),
    "RawSQL()": re.compile(r"\bRawSQL\("),
    "raw()": re.compile(r"\.raw\("),
    # SQL assembled by string formatting, in a call or a constant: the only way a value could reach SQL unbound.
    "formatted SQL": re.compile(
        r"""(execute(many)?|copy|raw)\(\s*f["']|\bf["']{1,3}\s*(SELECT|INSERT|UPDATE|DELETE|COPY|CREATE|DROP|ALTER)\b"""
        r"""|["']\s*%\s*\(?\s*request|["']\.format\([^)]*request"""
    ),
}
# The deliberate raw SQL, read and kept: path under pendamping/ -> (number of matching lines, why it is safe). None
# of them takes a value from a request; each interpolates only an identifier fixed in the code.
ALLOWED: dict[str, tuple[int, str]] = {
    "audit/management/commands/flush.py": (
        2,
        "FLUSH_MARK is a module constant (the audit migration's marker table); the statements carry no values.",
    ),
    "exchange/kinds/_families_write.py": (
        6,
        "The bulk family import on PostgreSQL COPY / SQLite executemany: the table and column names come from "
        "Family._meta (quoted by connection.ops.quote_name), the %s placeholders from len(rows); every value "
        "is bound as a parameter or written through COPY's escaped stream.",
    ),
    "registry/migrations/0002_trigram_search.py": (
        2,
        "A migration: the index, table and column names come from its own INDEXES constant.",
    ),
    "core/cache.py": (
        4,
        "The database cache's one-statement set and rate limit: the table name is the CACHES setting's, quoted by "
        "connection.ops.quote_name, the column names are Django's cache table's; key, value, times and limits are "
        "bound as %s parameters.",
    ),
    "registry/migrations/0005_family_tally.py": (
        1,
        "A migration: the SQLite trigger's body comes from its own _add(), whose only inputs are the literals "
        "NEW/OLD and 1/-1 written next to it.",
    ),
    "core/compiled.py": (
        1,
        "Runs SQL that Django's own compiler wrote from an ORM query (CompiledQuery), with the one looked-up value "
        "bound as a %s parameter in the place the compiler gave it.",
    ),
    "core/backup_verify.py": (
        2,
        "The backup's checksums read every table by a name from the database catalogue, quoted by quote() with "
        "embedded quotes doubled; run by the backup/restore commands, never by a request.",
    ),
}


def _hits() -> dict[str, list[str]]:
    hits: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/tests/" in f"/{relative}" or relative.startswith("tests/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for what, pattern in FORBIDDEN.items():
                if pattern.search(line):
                    hits.setdefault(relative, []).append(f"{relative}:{number}: {what}: {line.strip()}")
    return hits


def test_no_module_passes_request_data_into_sql_or_query_lookups() -> None:
    hits = _hits()
    unexpected = [line for path, lines in hits.items() if path not in ALLOWED for line in lines]
    assert not unexpected, "request data or formatted SQL outside the allow-list:\n" + "\n".join(unexpected)
    changed = {path: len(lines) for path, lines in hits.items() if path in ALLOWED and len(lines) != ALLOWED[path][0]}
    assert not changed, f"the raw SQL of an allow-listed module changed (read it again, then update ALLOWED): {changed}"
    stale = set(ALLOWED) - set(hits)
    assert not stale, f"stale ALLOWED entries: {stale}"
    for path in ALLOWED:
        assert "request" not in (PACKAGE / path).read_text(encoding="utf-8"), f"{path} now touches a request"


def test_the_static_check_sees_what_it_forbids() -> None:
    """The control of the check above: each pattern matches the code it is meant to refuse."""
    samples = {
        "request data as lookups": "Family.objects.filter(**request.GET.dict())",
        "request data in order_by": 'qs.order_by(request.GET.get("sort", "name"))',
        "extra()": 'qs.extra(where=["nik = %s" % q])',
        "RawSQL()": "qs.annotate(x=RawSQL(sql, []))",
        "raw()": 'Family.objects.raw(f"SELECT * FROM registry_family WHERE nik = {q}")',
        "formatted SQL": "cursor.execute(f\"SELECT * FROM t WHERE name = '{q}'\")",
    }
    for what, code in samples.items():
        assert FORBIDDEN[what].search(code), what
    assert FORBIDDEN["request data as lookups"].search("qs.filter(**request.GET)")
    assert FORBIDDEN["request data as lookups"].search("qs.filter(**request.POST)")
