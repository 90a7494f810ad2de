"""Assigning companions: the nearest unassigned KUBE suggested first (home desa, then kecamatan, then regency, by
Kemendagri code prefixes), and the assignment rules through the page (caseload, active only, reassignment)."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.companions.models import Assignment, Companion
from pendamping.companions.selectors.people import groups_assignable, groups_suggested
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.regions.models import Region
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, GroupFactory, village

pytestmark = pytest.mark.django_db


def other_village(*, same_kecamatan: bool) -> Region:
    """Another desa of Kota Surabaya, inside or outside the kecamatan of SURABAYA_VILLAGE (35.78.01)."""
    villages = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="35.78.").exclude(
        code=SURABAYA_VILLAGE
    )
    inside = villages.filter(code__startswith="35.78.01.")
    found = (inside if same_kecamatan else villages.exclude(code__startswith="35.78.01.")).order_by("code").first()
    assert found is not None
    return found


@pytest.fixture
def ani() -> Companion:
    return CompanionFactory(name="Ani Lestari", home_desa=village(SURABAYA_VILLAGE))


@pytest.fixture
def kubes() -> dict[str, Group]:
    """Names chosen so that name order alone would give the wrong answer."""
    home, kecamatan, regency = (
        village(SURABAYA_VILLAGE),
        other_village(same_kecamatan=True),
        other_village(same_kecamatan=False),
    )
    made = {
        "Zeta": GroupFactory(name="Zeta", desa=home, status=Group.Status.ACTIVE),
        "Gamma": GroupFactory(name="Gamma", desa=home),  # forming: it needs a companion most
        "Beta": GroupFactory(name="Beta", desa=kecamatan, status=Group.Status.ACTIVE),
        "Alpha": GroupFactory(name="Alpha", desa=kecamatan, status=Group.Status.ACTIVE),
        "Aardvark": GroupFactory(name="Aardvark", desa=regency, status=Group.Status.ACTIVE),
    }
    # Never suggested: a KUBE with a companion, an inactive and a graduated one, and one in Malang.
    AssignmentFactory(group=GroupFactory(name="Taken", desa=home, status=Group.Status.ACTIVE))
    GroupFactory(name="Asleep", desa=home, status=Group.Status.INACTIVE)
    GroupFactory(name="Mandiri", desa=home, status=Group.Status.GRADUATED)
    GroupFactory(name="Malang", desa=village(MALANG_VILLAGE), status=Group.Status.ACTIVE)
    return made


def test_suggestions_come_home_desa_first_then_kecamatan_then_regency(ani: Companion, kubes: dict[str, Group]) -> None:
    suggested = groups_suggested(companion=ani)

    assert [g.name for g in suggested] == ["Gamma", "Zeta", "Alpha", "Beta", "Aardvark"]
    assert [g.near for g in suggested] == [0, 0, 1, 1, 2]


def test_suggestions_are_limited(ani: Companion, kubes: dict[str, Group]) -> None:
    assert [g.name for g in groups_suggested(companion=ani, limit=3)] == ["Gamma", "Zeta", "Alpha"]


def test_a_companion_serving_another_regency_gets_that_regencys_kube_by_name(kubes: dict[str, Group]) -> None:
    commuter = CompanionFactory(home_desa=village(MALANG_VILLAGE), regency_id="35.78")

    suggested = groups_suggested(companion=commuter)

    assert [g.name for g in suggested] == ["Aardvark", "Alpha", "Beta", "Gamma", "Zeta"]
    assert {g.near for g in suggested} == {2}


def test_a_kube_freed_by_an_ended_assignment_is_suggested_again(ani: Companion, kubes: dict[str, Group]) -> None:
    Assignment.objects.filter(group__name="Taken").update(ended_on=dt.date(2024, 1, 1))

    assert "Taken" in [g.name for g in groups_suggested(companion=ani)]


def test_with_a_user_only_the_kube_they_see_are_suggested(
    ani: Companion, kubes: dict[str, Group], malang_officer: User, surabaya_officer: User
) -> None:
    assert groups_suggested(companion=ani, user=malang_officer) == []
    assert len(groups_suggested(companion=ani, user=surabaya_officer)) == 5


def test_the_form_lists_free_kube_in_the_same_order(
    ani: Companion, kubes: dict[str, Group], surabaya_officer: User
) -> None:
    names = [g.name for g in groups_assignable(user=surabaya_officer, companion=ani)]

    assert names == ["Gamma", "Zeta", "Alpha", "Beta", "Aardvark"]


# --- the page ----------------------------------------------------------------------------------------------------


@pytest.fixture
def officer(client_for: Callable[..., Client], surabaya_officer: User) -> Client:
    return client_for(surabaya_officer)


def assign_url(companion: Companion) -> str:
    return reverse("companions:assignment_create", args=[companion.pk])


def test_the_assignment_page_suggests_the_nearest_kube(
    officer: Client, ani: Companion, kubes: dict[str, Group]
) -> None:
    response = officer.get(assign_url(ani))
    page = response.content.decode()
    section = page[page.index("Suggested KUBE") : page.index("</section>", page.index("Suggested KUBE"))]

    assert [g.name for g in response.context["suggested"]] == ["Gamma", "Zeta", "Alpha", "Beta", "Aardvark"]
    assert section.index("Gamma") < section.index("Alpha") < section.index("Aardvark")
    assert "same village" in section and "same kecamatan" in section and "same regency" in section
    assert "Taken" not in section and "Malang" not in section
    assert f'href="?group={kubes["Alpha"].pk}"' in section


def test_a_suggestion_link_preselects_its_kube(officer: Client, ani: Companion, kubes: dict[str, Group]) -> None:
    page = officer.get(assign_url(ani), {"group": kubes["Alpha"].pk}).content.decode()

    assert f'<option value="{kubes["Alpha"].pk}" selected>' in page


def test_assigning_the_suggested_kube(officer: Client, ani: Companion, kubes: dict[str, Group]) -> None:
    response = officer.post(assign_url(ani), {"group": kubes["Gamma"].pk, "started_on": "2024-05-01"})

    assert response.status_code == 302
    assert ani.assignments.get().group == kubes["Gamma"]


def test_the_eleventh_kube_is_refused_on_the_page_with_a_clear_message(officer: Client, ani: Companion) -> None:
    for _ in range(10):
        AssignmentFactory(companion=ani, group=GroupFactory(desa=village(SURABAYA_VILLAGE)))
    eleventh = GroupFactory(desa=village(SURABAYA_VILLAGE))

    response = officer.post(assign_url(ani), {"group": eleventh.pk, "started_on": "2024-05-01"})

    assert response.status_code == 200
    assert "already accompanies 10 KUBE, the caseload limit" in response.content.decode()
    assert ani.assignments.count() == 10


@pytest.mark.parametrize("status", ["applicant", "candidate", "trainee", "intern", "inactive"])
def test_only_an_active_companion_is_assigned_on_the_page(officer: Client, status: str) -> None:
    companion = CompanionFactory(home_desa=village(SURABAYA_VILLAGE), status=status)
    group = GroupFactory(desa=village(SURABAYA_VILLAGE))

    response = officer.post(assign_url(companion), {"group": group.pk, "started_on": "2024-05-01"})

    assert "Only active companions can be assigned to a KUBE." in response.content.decode()
    assert not Assignment.objects.exists()


def test_reassignment_ends_the_previous_assignment_and_keeps_it(officer: Client, ani: Companion) -> None:
    previous = AssignmentFactory(group=GroupFactory(desa=village(SURABAYA_VILLAGE)), started_on=dt.date(2023, 3, 1))

    response = officer.post(assign_url(ani), {"group": previous.group_id, "started_on": "2024-05-01", "replace": "on"})

    assert response.status_code == 302
    previous.refresh_from_db()
    assert (previous.ended_on, previous.end_reason) == (dt.date(2024, 5, 1), "reassigned")
    history = Assignment.objects.filter(group=previous.group).order_by("started_on")
    assert [(a.companion_id, a.ended_on) for a in history] == [
        (previous.companion_id, dt.date(2024, 5, 1)),
        (ani.pk, None),
    ]


# --- the API ----------------------------------------------------------------------------------------------------


def api(user: User) -> Client:
    cache.clear()
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='test')[1]}"})


def suggestions_url(companion: Companion) -> str:
    return f"/api/companions/{companion.pk}/suggested-groups"


def test_the_api_suggests_the_nearest_kube(surabaya_officer: User, ani: Companion, kubes: dict[str, Group]) -> None:
    response = api(surabaya_officer).get(suggestions_url(ani), {"limit": 4})

    assert response.status_code == 200
    rows = response.json()
    assert [(r["name"], r["near"]) for r in rows] == [
        ("Gamma", "desa"),
        ("Zeta", "desa"),
        ("Alpha", "kecamatan"),
        ("Beta", "kecamatan"),
    ]
    assert rows[0]["desa_code"] == SURABAYA_VILLAGE and rows[0]["kecamatan_name"]


def test_the_api_suggestions_are_for_those_who_assign(
    auditor: User, malang_officer: User, companion_user: User, kubes: dict[str, Group]
) -> None:
    own = CompanionFactory(user=companion_user, home_desa=village(SURABAYA_VILLAGE))

    assert api(auditor).get(suggestions_url(own)).status_code == 403
    assert api(companion_user).get(suggestions_url(own)).status_code == 403
    assert api(malang_officer).get(suggestions_url(own)).status_code == 404


def test_the_api_refuses_a_bad_limit(surabaya_officer: User, ani: Companion) -> None:
    assert api(surabaya_officer).get(suggestions_url(ani), {"limit": 1000}).status_code == 400
