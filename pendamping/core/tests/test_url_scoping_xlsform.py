"""The offline forms (exchange app, XLSForm): their part of the URL-enumerating scope tests.

Which objects fill the keys of the pages and API paths (KEYS): an instrument version (the bundle's own, seen
through its study) and, for /api/exchange/forms/{form}, a form's name ("visits"), which is no record: every user
gets the form with their own KUBE, so it is UNSCOPED_BY_DESIGN for A1, and the tests below check instead that
the KUBE listed are exactly the user's. The forms only read: nothing for BODIES or TRACKED, no paged lists (LISTS
is empty), no admin pages."""

import io
from typing import Any

import openpyxl
import pytest

from pendamping.accounts.models import User
from pendamping.companions.models import Assignment
from pendamping.core.tests.test_url_scoping import (
    BUNDLE_HOOKS,
    KEYS,
    ROLES,
    ROUTES,
    UNSCOPED_BY_DESIGN,
    Bundle,
    World,
    client_for_door,
    world,
)
from pendamping.registry.models import Group

__all__ = ["LISTS", "world"]
pytestmark = pytest.mark.django_db

FORMS_API = "/api/exchange/forms/{form}"
KEYS.update(
    {
        "exchange:form_instrument": {"version_id": "instrument"},
        "/api/exchange/forms/instrument/{version_id}": {"version_id": "instrument"},
        FORMS_API: {"form": "form_name"},
    }
)
UNSCOPED_BY_DESIGN[FORMS_API] = (ROLES, "a form's name, not a record: each user gets the form with their own KUBE")
LISTS: dict[str, tuple[Any, str]] = {}


def add_rows(bundle: Bundle) -> None:
    bundle.extra["form_name"] = "visits"


BUNDLE_HOOKS.append(add_rows)


def kube_listed(content: bytes) -> set[str]:
    rows = list(openpyxl.load_workbook(io.BytesIO(content), read_only=True)["choices"].iter_rows(values_only=True))
    return {row[1] for row in rows[1:] if row[0] == "kube"}


def test_the_keys_name_existing_routes() -> None:
    names = {route.name for route in ROUTES}
    assert {"exchange:form_list", "exchange:form_visits", "exchange:form_reports"} <= names
    assert {"exchange:form_instrument", FORMS_API, "/api/exchange/forms/instrument/{version_id}"} <= names


@pytest.mark.parametrize("door", ["page", "api"])
@pytest.mark.parametrize("form", ["visits", "reports"])
def test_each_role_gets_exactly_its_own_kube(
    form: str, door: str, world: World, request: pytest.FixtureRequest
) -> None:
    url = f"/exchange/forms/{form}.xlsx" if door == "page" else f"/api/exchange/forms/{form}"
    accompanied = Assignment.objects.filter(ended_on__isnull=True, group__regency_id="35.78")
    surabaya = Group.objects.filter(regency_id="35.78").values_list("code", flat=True)
    officers = set(accompanied.values_list("group__code", flat=True)) if form == "visits" else set(surabaya)
    expected = {"surabaya_officer": officers, "companion_user": {world.home.group.code}}
    for role in ROLES:
        client = client_for_door(request.getfixturevalue(role), door)
        for params in ({}, {"regency": "35.07"}, {"group_id": world.away.group.pk}):
            response = client.get(url, params)
            if role == "auditor":
                assert response.status_code == 403, (role, params)
            elif params.get("regency") == "35.07":
                assert response.status_code == 404, (role, params)  # nothing of theirs there: no form, no Malang
            else:
                assert response.status_code == 200, (role, params)
                assert kube_listed(response.content) == expected[role], (role, params)


def test_the_forms_page_offers_a_companion_only_their_own_studys_survey(world: World, companion_user: User) -> None:
    page = client_for_door(companion_user, "page").get("/exchange/forms/").content.decode()

    assert f"/exchange/forms/instrument/{world.home.instrument.pk}.xlsx" in page  # type: ignore[union-attr]
    assert f"/exchange/forms/instrument/{world.away.instrument.pk}.xlsx" not in page  # type: ignore[union-attr]
    assert world.away.study.title not in page  # type: ignore[union-attr]
