"""A5 (QUALITY.md): the role × action matrix lives in one file (pendamping/accounts/permissions.py, MATRIX), and
what each role is *observed* to be allowed at the doors equals it. For every role and action `can()` answers as
MATRIX says; then, for a representative action of each area, one real door that requires exactly that action
(a page or an API call, found by its `require(…, action)`) is tried as each role: 2xx/3xx where MATRIX allows,
403 (404 where the role's scope hides the object first) where it does not. Separation of duties: only the
provincial admin manages users, and the approvers of tranches are officers or admins."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from pendamping.accounts.models import Role, User
from pendamping.accounts.permissions import MATRIX, can
from pendamping.accounts.services import token_create
from pendamping.registry.models import Tranche
from pendamping.registry.tests.factories import GrantFactory, TrancheFactory

pytestmark = pytest.mark.django_db

# Fixture (root conftest) -> the role it holds; "" is a signed-in user with no role at all.
CAST = {
    "admin": Role.ADMIN,
    "surabaya_officer": Role.OFFICER,
    "companion_user": Role.COMPANION,
    "evaluator": Role.EVALUATOR,
    "auditor": Role.AUDITOR,
    "norole": "",
}
ALL_ROLES = {Role.ADMIN, Role.OFFICER, Role.COMPANION, Role.EVALUATOR, Role.AUDITOR}


@pytest.fixture
def cast(request: pytest.FixtureRequest) -> dict[str, User]:
    users = {name: request.getfixturevalue(name) for name in CAST}
    assert {name: user.role for name, user in users.items()} == CAST  # the fixtures hold the roles named above
    return users


@pytest.mark.parametrize("action", sorted(MATRIX))
def test_can_answers_each_role_as_the_matrix_says(action: str, cast: dict[str, User]) -> None:
    for name, user in cast.items():
        assert can(user, action) == (CAST[name] in MATRIX[action]), f"{action} for {name}"


def test_the_matrix_names_only_real_roles_and_a_user_without_a_role_may_do_nothing(cast: dict[str, User]) -> None:
    assert all(roles <= ALL_ROLES and roles for roles in MATRIX.values())
    assert not any(can(cast["norole"], action) for action in MATRIX)


def test_an_inactive_or_anonymous_user_may_do_nothing(admin: User) -> None:
    from django.contrib.auth.models import AnonymousUser

    admin.is_active = False
    assert not any(can(admin, action) or can(AnonymousUser(), action) for action in MATRIX)


# --- the observed matrix: one real door per action -----------------------------------------------------------


@dataclass(frozen=True)
class Door:
    action: str  # the one action the door requires (its view or endpoint calls require(user, action))
    door: str  # "page" (a session) or "api" (a bearer token)
    method: str
    url: str  # "{tranche}" is filled with a fresh pending tranche of Kota Surabaya, one per role

    def __str__(self) -> str:
        return self.action


DOORS = [
    Door("family.change", "page", "GET", "/registry/families/new/"),  # registry.views.families.family_create
    Door("group.change", "page", "GET", "/registry/groups/new/"),  # registry.views.groups.group_create
    Door("companion.change", "page", "GET", "/companions/new/"),  # companions.views.people.companion_create
    Door("tranche.approve", "api", "POST", "/api/tranches/{tranche}/approve"),  # registry.api.grants
    Door("import.run", "page", "GET", "/exchange/imports/"),  # exchange.views.imports.import_list
    Door("evaluation.manage", "page", "GET", "/evaluation/studies/new/"),  # evaluation.views.design.study_create
    Door("users.manage", "api", "GET", "/api/users"),  # accounts.api_lists.user_index
    Door("report.make", "page", "GET", "/dashboards/reports/"),  # dashboards.views_reports.report_new
    Door("dashboard.view", "page", "GET", "/dashboards/map/"),  # dashboards.views.regency_map
]


def _client(user: User, door: str) -> Client:
    if door == "api":
        return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='matrix')[1]}"})
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize("door", DOORS, ids=str)
def test_each_role_is_allowed_at_a_door_exactly_what_the_matrix_allows(
    door: Door, cast: dict[str, User], regions: Any
) -> None:
    cache.clear()  # the API's rate limits
    observed, expected = {}, {}
    for name, user in cast.items():
        tranche = TrancheFactory(grant=GrantFactory())  # entered by nobody of the cast: only the matrix can refuse
        url = door.url.format(tranche=tranche.pk)
        client = _client(user, door.door)
        if door.method == "GET":
            response = client.get(url)
        else:
            response = client.generic(door.method, url, "{}", content_type="application/json")
        status = response.status_code
        assert status < 500, f"{door.method} {url} as {name}: {status}"
        # Refused: 403 from require(); 404 where the role's scope hides the tranche before the check is reached.
        refused = {403, 404} if "{tranche}" in door.url else {403}
        assert status < 400 or status in refused, f"{door.method} {url} as {name}: {status}"
        observed[name] = status < 400
        expected[name] = CAST[name] in MATRIX[door.action]
        if "{tranche}" in door.url:  # a refusal changes nothing; an allowed approval really approves
            tranche.refresh_from_db()
            assert (tranche.status == Tranche.Status.APPROVED) == observed[name], name
    assert observed == expected


def test_doors_cover_the_representative_actions() -> None:
    wanted = {"family.change", "group.change", "tranche.approve", "import.run", "users.manage", "report.make"}
    wanted |= {"dashboard.view", "companion.change", "evaluation.manage"}
    assert {door.action for door in DOORS} >= wanted
    assert {door.action for door in DOORS} <= set(MATRIX)


# --- separation of duties ------------------------------------------------------------------------------------


def test_only_the_provincial_admin_manages_users() -> None:
    assert MATRIX["users.manage"] == {Role.ADMIN}


def test_tranches_are_approved_by_officers_or_admins_only() -> None:
    """Who enters a tranche never approves it (checked per person in test_tranche_approval.py); here: the
    approving roles are the accountable ones, never a companion, evaluator or auditor."""
    assert MATRIX["tranche.approve"] <= {Role.ADMIN, Role.OFFICER}


def test_no_companion_evaluator_or_auditor_both_enters_and_approves_a_tranche() -> None:
    """Entering a tranche is grant.change; approving it is tranche.approve. A role with both must be one whose
    four-eyes rule is enforced per person (officers and admins, test_tranche_approval.py)."""
    both = MATRIX["grant.change"] & MATRIX["tranche.approve"]
    assert both <= {Role.ADMIN, Role.OFFICER}
