"""`visible_to(user)` of every model that holds people or business data, for every member of the named cast.

One small province is built per test:

    Kota Surabaya (35.78)
      KUBE "sby"    in Karang Pilang: current member sby_ketua, former member sby_left, grant + tranche,
                    accompanied now by "mine" (the companion_user's Companion record)
      KUBE "sby2"   in Kebraon: member sby2_m, grant + tranche, accompanied by "colleague"
      KUBE "old"    member old_m, grant + tranche; "mine" accompanied it until 2024-01-31, "colleague" since
      family sby_loose, in no KUBE
    Kabupaten Malang (35.07)
      KUBE "mlg"    member mlg_m, grant + tranche, accompanied by companion "mlg"
      family mlg_loose, in no KUBE
"""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import models

from pendamping.accounts.models import Role, User
from pendamping.accounts.tests.factories import UserFactory
from pendamping.companions.models import Assignment, Companion
from pendamping.companions.services import assignment_end
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.registry.models import BoardRole, Family, Grant, Group, Membership, Tranche
from pendamping.registry.tests.factories import (
    MALANG_VILLAGE,
    SURABAYA_VILLAGE,
    FamilyFactory,
    GrantFactory,
    GroupFactory,
    MembershipFactory,
    TrancheFactory,
    village,
)

KEBRAON = "35.78.01.1002"

MODELS: dict[str, type[models.Model]] = {
    "family": Family,
    "group": Group,
    "membership": Membership,
    "grant": Grant,
    "tranche": Tranche,
    "companion": Companion,
    "assignment": Assignment,
}

World = dict[str, dict[str, int]]  # model key -> row name -> pk
Seen = dict[str, set[str]]  # model key -> names of the rows visible

SURABAYA_ROWS: Seen = {
    "family": {"sby_ketua", "sby_left", "sby2_m", "old_m", "sby_loose"},
    "group": {"sby", "sby2", "old"},
    "membership": {"sby_ketua", "sby_left", "sby2_m", "old_m"},
    "grant": {"sby", "sby2", "old"},
    "tranche": {"sby", "sby2", "old"},
    "companion": {"mine", "colleague"},
    "assignment": {"mine_sby", "colleague_sby2", "mine_old", "colleague_old"},
}
MALANG_ROWS: Seen = {
    "family": {"mlg_m", "mlg_loose"},
    "group": {"mlg"},
    "membership": {"mlg_m"},
    "grant": {"mlg"},
    "tranche": {"mlg"},
    "companion": {"mlg"},
    "assignment": {"mlg_mlg"},
}
EVERYTHING: Seen = {key: SURABAYA_ROWS[key] | MALANG_ROWS[key] for key in MODELS}
NOTHING: Seen = {key: set() for key in MODELS}
COMPANION_ROWS: Seen = {
    "family": {"sby_ketua"},  # current members of the KUBE they accompany now; not the one who left
    "group": {"sby"},
    "membership": {"sby_ketua", "sby_left"},  # the KUBE's member history, which they keep the minutes of
    "grant": {"sby"},
    "tranche": {"sby"},
    "companion": {"mine"},
    "assignment": {"mine_sby", "mine_old"},  # their own record of work, ended ones included
}

pytestmark = pytest.mark.django_db


def _kube(world: World, name: str, desa: str, member: str, companion: Companion | None) -> Group:
    group = GroupFactory(desa=village(desa), status=Group.Status.ACTIVE)
    membership = MembershipFactory(group=group, role=BoardRole.KETUA)
    grant = GrantFactory(group=group)
    world["group"][name] = group.pk
    world["membership"][member] = membership.pk
    world["family"][member] = membership.family_id
    world["grant"][name] = grant.pk
    world["tranche"][name] = TrancheFactory(grant=grant).pk
    if companion is not None:
        world["assignment"][f"{companion.name}_{name}"] = AssignmentFactory(companion=companion, group=group).pk
    return group


@pytest.fixture
def world(companion_user: User) -> World:
    world: World = {key: {} for key in MODELS}
    mine = CompanionFactory(user=companion_user, name="mine")
    colleague = CompanionFactory(name="colleague")
    malang = CompanionFactory(home_desa=village(MALANG_VILLAGE), name="mlg")
    world["companion"] = {"mine": mine.pk, "colleague": colleague.pk, "mlg": malang.pk}

    sby = _kube(world, "sby", SURABAYA_VILLAGE, "sby_ketua", mine)
    left = MembershipFactory(group=sby, joined_on=dt.date(2023, 2, 1), left_on=dt.date(2023, 12, 31))
    world["membership"]["sby_left"], world["family"]["sby_left"] = left.pk, left.family_id
    _kube(world, "sby2", KEBRAON, "sby2_m", colleague)
    old = _kube(world, "old", SURABAYA_VILLAGE, "old_m", None)
    ended = AssignmentFactory(companion=mine, group=old, started_on=dt.date(2023, 1, 1), ended_on=dt.date(2024, 1, 31))
    world["assignment"]["mine_old"] = ended.pk
    world["assignment"]["colleague_old"] = AssignmentFactory(companion=colleague, group=old).pk
    _kube(world, "mlg", MALANG_VILLAGE, "mlg_m", malang)
    world["family"]["sby_loose"] = FamilyFactory().pk
    world["family"]["mlg_loose"] = FamilyFactory(desa=village(MALANG_VILLAGE)).pk
    return world


def seen(user: Any, world: World) -> Seen:
    """What `user` sees of every model, by row name; a row outside the world shows as '?<pk>'."""
    result: Seen = {}
    for key, model in MODELS.items():
        pks = list(model.objects.visible_to(user).values_list("pk", flat=True))  # type: ignore[attr-defined]
        assert len(pks) == len(set(pks)), f"{key}: visible_to returns a row twice"
        names = {pk: name for name, pk in world[key].items()}
        result[key] = {names.get(pk, f"?{pk}") for pk in pks}
    return result


def test_the_world_holds_what_the_docstring_says(world: World) -> None:
    assert {key: set(rows) for key, rows in world.items()} == EVERYTHING


def test_the_provincial_admin_sees_every_row_of_every_model(admin: User, world: World) -> None:
    assert seen(admin, world) == EVERYTHING


def test_a_superuser_without_a_role_sees_everything(world: World) -> None:
    assert seen(UserFactory(role="", is_superuser=True), world) == EVERYTHING


def test_the_surabaya_officer_sees_only_surabaya_rows(surabaya_officer: User, world: World) -> None:
    assert seen(surabaya_officer, world) == SURABAYA_ROWS


def test_the_malang_officer_sees_only_malang_rows(malang_officer: User, world: World) -> None:
    assert seen(malang_officer, world) == MALANG_ROWS


def test_an_officer_of_two_regencies_sees_both(world: World) -> None:
    officer = UserFactory(role=Role.OFFICER, regencies=["35.78", "35.07"])

    assert seen(officer, world) == EVERYTHING


def test_an_officer_of_another_regency_sees_nothing_here(world: World) -> None:
    assert seen(UserFactory(role=Role.OFFICER, regencies=["35.73"]), world) == NOTHING  # Kota Malang


def test_an_officer_without_a_region_sees_nothing_not_everything(officer_without_region: User, world: World) -> None:
    assert seen(officer_without_region, world) == NOTHING


def test_the_surabaya_auditor_sees_surabaya_rows(auditor: User, world: World) -> None:
    assert seen(auditor, world) == SURABAYA_ROWS


def test_an_auditor_without_a_region_sees_nothing(world: World) -> None:
    assert seen(UserFactory(role=Role.AUDITOR), world) == NOTHING


def test_the_evaluator_sees_no_personal_or_business_rows(evaluator: User, world: World) -> None:
    assert seen(evaluator, world) == NOTHING


def test_a_user_without_a_role_sees_nothing(norole: User, world: World) -> None:
    assert seen(norole, world) == NOTHING


@pytest.mark.parametrize(
    "key",
    [
        "family",
        "group",
        "membership",
        "grant",
        "tranche",
        "companion",
        "assignment",
    ],
)
def test_an_anonymous_visitor_sees_nothing(key: str, world: World) -> None:
    assert not MODELS[key].objects.visible_to(AnonymousUser()).exists()  # type: ignore[attr-defined]


def test_the_companion_sees_only_the_kube_they_accompany_now(companion_user: User, world: World) -> None:
    assert seen(companion_user, world) == COMPANION_ROWS


def test_a_companion_login_without_a_companion_record_sees_nothing(world: World) -> None:
    assert seen(UserFactory(role=Role.COMPANION), world) == NOTHING


def test_a_companion_whose_assignment_ended_sees_nothing_of_that_kube(
    companion_user: User, admin: User, world: World
) -> None:
    assignment = Assignment.objects.get(pk=world["assignment"]["mine_sby"])

    assignment_end(actor=admin, assignment=assignment, ended_on=dt.date(2024, 6, 30))

    visible = seen(companion_user, world)
    assert visible["group"] == visible["family"] == visible["membership"] == set()
    assert visible["grant"] == visible["tranche"] == set()
    assert visible["companion"] == {"mine"}
    assert visible["assignment"] == {"mine_sby", "mine_old"}


def test_a_companion_sees_a_family_again_only_while_it_is_a_current_member(companion_user: User, world: World) -> None:
    newcomer = MembershipFactory(group_id=world["group"]["sby"])
    world["family"]["newcomer"] = newcomer.family_id

    assert "newcomer" in seen(companion_user, world)["family"]
    newcomer.left_on = dt.date(2024, 6, 30)
    newcomer.save()
    assert "newcomer" not in seen(companion_user, world)["family"]


def test_an_officer_with_a_companion_record_still_sees_by_regency(surabaya_officer: User, world: World) -> None:
    CompanionFactory(user=surabaya_officer)

    visible = seen(surabaya_officer, world)

    assert visible["family"] == SURABAYA_ROWS["family"]
    assert visible["group"] == SURABAYA_ROWS["group"]


@pytest.mark.parametrize(
    "who", ["admin", "surabaya_officer", "malang_officer", "auditor", "companion_user", "evaluator", "norole"]
)
def test_a_deactivated_user_sees_nothing(who: str, world: World, request: pytest.FixtureRequest) -> None:
    user: User = request.getfixturevalue(who)
    user.is_active = False
    user.save()

    assert seen(User.objects.get(pk=user.pk), world) == NOTHING


def test_a_deactivated_superuser_sees_nothing(world: World) -> None:
    assert seen(UserFactory(is_superuser=True, is_active=False), world) == NOTHING


def test_visible_to_composes_with_further_filters(surabaya_officer: User, world: World) -> None:
    names = Family.objects.visible_to(surabaya_officer).filter(desa_id=KEBRAON).values_list("pk", flat=True)

    assert list(names) == [world["family"]["sby2_m"]]
