#!/usr/bin/env python3
"""The scoping half of scripts/api_fuzz, against a running server (HTTP only, standard library only).

api_scope_check.py prepare               (inside the project: Django settings, PENDAMPING_DATA)
    Creates an officer of Kota Surabaya only (fuzz_officer) and API tokens for it, the demo companion and
    the demo admin; prints them as JSON with the regencies each may see.
api_scope_check.py check BASE TOKENS     (BASE: http://127.0.0.1:PORT, TOKENS: the JSON of `prepare`)
    1. Every GET list of the schema (no path parameter), every page of it, as the officer and the companion:
       no row, at any depth, carries a regency ("regency", "regency_code") outside theirs.
    2. For every GET detail /x/{id} beside a list /x: rows the admin lists in other regencies are asked for
       as the officer (and the companion): each must be 404 (or 403), never the row.
    Exits 1 on any violation or server error, and prints each one."""

import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

REGENCY = re.compile(r"^\d{2}\.\d{2}$")
REGENCY_KEYS = ("regency", "regency_code")
MAX_PAGES = 20
PROBES = 3  # out-of-scope rows asked for per detail endpoint
OTHER = "35.07"  # Kabupaten Malang: a demo regency outside the fuzz officer's and the demo companion's


# --- prepare (inside Django) -----------------------------------------------------------------------------------


def prepare() -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from pendamping.accounts.models import Role, User
    from pendamping.accounts.services import token_create
    from pendamping.companions.models import Companion
    from pendamping.regions.models import Region
    from pendamping.registry.models import Group

    officer, _created = User.objects.get_or_create(username="fuzz_officer", defaults={"role": Role.OFFICER})
    officer.regencies.set(Region.objects.filter(code="35.78"))
    companion, admin = User.objects.get(username="companion"), User.objects.get(username="admin")
    seen = set(Group.objects.visible_to(companion).values_list("regency_id", flat=True))
    seen |= set(Companion.objects.filter(user=companion).values_list("regency_id", flat=True))
    people = {"officer": (officer, ["35.78"]), "companion": (companion, sorted(seen)), "admin": (admin, [])}
    return {
        who: {"token": token_create(user=user, name="api_fuzz")[1], "regencies": regencies}
        for who, (user, regencies) in people.items()
    }


# --- HTTP ------------------------------------------------------------------------------------------------------


class Api:
    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base.rstrip("/"), token

    def get(self, path: str, params: dict[str, Any] | None = None) -> tuple[int, Any]:
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, _json(response.read())
        except urllib.error.HTTPError as error:
            return error.code, _json(error.read())


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return None


def regencies_in(value: Any) -> Iterator[str]:
    """Every regency code a response carries, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in REGENCY_KEYS and isinstance(item, str) and REGENCY.match(item):
                yield item
            else:
                yield from regencies_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from regencies_in(item)


def pages(api: Api, path: str) -> Iterator[tuple[int, Any]]:
    for page in range(1, MAX_PAGES + 1):
        status, body = api.get(path, {"page": page, "page_size": 100})
        yield status, body
        if status != 200 or not isinstance(body, dict) or page >= int(body.get("pages", 1) or 1):
            return


# --- check -----------------------------------------------------------------------------------------------------


def get_paths(schema: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """GET paths without parameters, and detail path -> its list path (/api/x/{x_id} -> /api/x)."""
    lists, details = [], {}
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        if "{" not in path:
            lists.append(path)
        elif re.fullmatch(r"(/[^{}]+)/\{\w+\}", path):
            parent = path.rsplit("/", 1)[0]
            if parent in schema["paths"] and "get" in schema["paths"][parent]:
                details[path] = parent
    return sorted(lists), details


def check_lists(api: Api, who: str, allowed: set[str], lists: list[str]) -> tuple[list[str], int]:
    problems, requests = [], 0
    for path in lists:
        for status, body in pages(api, path):
            requests += 1
            if status >= 500:
                problems.append(f"{who}: GET {path} answered {status}")
            elif status == 200 and (outside := set(regencies_in(body)) - allowed):
                problems.append(f"{who}: GET {path} shows rows of {sorted(outside)}")
    return problems, requests


def _rows(admin: Api, path: str, **params: Any) -> list[dict[str, Any]]:
    status, body = admin.get(path, {"page_size": 100, **params})
    items = body.get("items") if status == 200 and isinstance(body, dict) else None
    return [row for row in items if isinstance(row, dict)] if isinstance(items, list) else []


def out_of_scope_ids(admin: Api, path: str, allowed: set[str]) -> list[Any]:
    """Ids of rows the admin lists in other regencies: by the rows' own regency fields or, for rows without one,
    by the list's `regency` filter (rows listed for another regency and not for the allowed one)."""
    found = []
    for row in _rows(admin, path):
        seen, key = set(regencies_in(row)), row.get("id", row.get("code"))
        if seen and not seen & allowed and key is not None:
            found.append(key)
    if not found and allowed:
        mine = {row.get("id") for code in allowed for row in _rows(admin, path, regency=code)}
        others = [row.get("id") for row in _rows(admin, path, regency=OTHER)]
        found = [key for key in others if key is not None and key not in mine]
    return found[:PROBES]


def check_details(api: Api, admin: Api, who: str, allowed: set[str], details: dict[str, str]) -> tuple[list[str], int]:
    problems, requests = [], 0
    for detail, parent in sorted(details.items()):
        for key in out_of_scope_ids(admin, parent, allowed):
            path = re.sub(r"\{\w+\}", str(key), detail)
            status, body = api.get(path)
            requests += 1
            if status not in (403, 404):
                problems.append(f"{who}: GET {path} (another regency's row) answered {status}: {str(body)[:200]}")
    return problems, requests


def check(base: str, tokens: dict[str, Any]) -> int:
    admin = Api(base, tokens["admin"]["token"])
    status, schema = admin.get("/api/openapi.json")
    if status != 200:
        print(f"api_scope_check: the schema answered {status}", file=sys.stderr)
        return 1
    lists, details = get_paths(schema)
    problems, requests = [], 0
    for who in ("officer", "companion"):
        api, allowed = Api(base, tokens[who]["token"]), set(tokens[who]["regencies"])
        for found, count in (
            check_lists(api, who, allowed, lists),
            check_details(api, admin, who, allowed, details),
        ):
            problems += found
            requests += count
    print(f"api_scope_check: {len(lists)} lists, {len(details)} details, {requests} requests as officer and companion")
    for problem in problems:
        print(f"  SCOPE VIOLATION {problem}", file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["prepare"]:
        print(json.dumps(prepare(), indent=2))
        return 0
    if argv[:1] == ["check"] and len(argv) == 3:
        with open(argv[2]) as handle:
            return check(argv[1], json.load(handle))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
