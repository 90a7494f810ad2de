"""The companion pages: scope, masking, the forms and the assignment actions, through the test client."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pendamping.audit.models import AuditEntry
from pendamping.companions.models import Assignment, Companion
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.registry.tests.factories import MALANG_VILLAGE, SURABAYA_VILLAGE, GroupFactory, nik_for, village

pytestmark = pytest.mark.django_db

LIST = reverse("companions:companion_list")
NEW = reverse("companions:companion_create")


def detail(c: Companion) -> str:
    return reverse("companions:companion_detail", args=[c.pk])


def edit(c: Companion) -> str:
    return reverse("companions:companion_edit", args=[c.pk])


def assign(c: Companion) -> str:
    return reverse("companions:assignment_create", args=[c.pk])


def end(a: Assignment) -> str:
    return reverse("companions:assignment_end", args=[a.pk])


@pytest.fixture(autouse=True)
def _english_pages_plain_static(settings: Any) -> None:
    # The messages checked below are the English source strings (Indonesian is the default language).
    # Pages link static files; without `collectstatic` the manifest storage of production settings has no entries.
    settings.LANGUAGE_CODE = "en"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def ani() -> Companion:
    return CompanionFactory(name="Ani Lestari", home_desa=village(SURABAYA_VILLAGE))


@pytest.fixture
def joko() -> Companion:
    return CompanionFactory(name="Joko Susilo", home_desa=village(MALANG_VILLAGE))


@pytest.fixture
def officer(client_for: Callable[..., Client], surabaya_officer: Any) -> Client:
    return client_for(surabaya_officer)


def companion_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "nik": nik_for(village(SURABAYA_VILLAGE), 777, female=True),
        "name": "Dewi Kartika",
        "education": "s1",
        "phone": "0812 3456 7890",
        "home_desa": SURABAYA_VILLAGE,
        "regency": "35.78",
        "status": "active",
        "caseload_limit": "10",
    }
    return {**data, **overrides}


def test_each_role_lists_only_companions_in_scope(
    client_for: Callable[..., Client], admin: Any, surabaya_officer: Any, auditor: Any, ani: Companion, joko: Companion
) -> None:
    expected = {admin: {"Ani Lestari", "Joko Susilo"}, surabaya_officer: {"Ani Lestari"}, auditor: {"Ani Lestari"}}
    for user, names in expected.items():
        page = client_for(user).get(LIST).context["page"]
        assert {c.name for c in page.items} == names, user.username


def test_companions_evaluators_and_users_without_a_role_get_403(
    client_for: Callable[..., Client], companion_user: Any, evaluator: Any, norole: Any, ani: Companion
) -> None:
    CompanionFactory(user=companion_user)
    for user in (companion_user, evaluator, norole):
        assert client_for(user).get(LIST).status_code == 403, user.username


def test_search_and_filters(officer: Client, ani: Companion) -> None:
    CompanionFactory(name="Bagus Prakoso", home_desa=village(SURABAYA_VILLAGE), education="sma", status="trainee")
    assert [c.name for c in officer.get(LIST, {"q": "ani"}).context["page"].items] == ["Ani Lestari"]
    assert [c.name for c in officer.get(LIST, {"education": "sma"}).context["page"].items] == ["Bagus Prakoso"]
    assert [c.name for c in officer.get(LIST, {"status": "trainee"}).context["page"].items] == ["Bagus Prakoso"]
    assert officer.get(LIST, {"regency": "35.07"}).context["page"].items == []


def test_an_htmx_search_returns_only_the_results(officer: Client, ani: Companion) -> None:
    body = officer.get(LIST, {"q": "Ani"}, headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<div id="results"')
    assert "Ani Lestari" in body


def test_the_list_issues_the_same_number_of_queries_for_5_and_30_companions(officer: Client) -> None:
    def count(n: int) -> int:
        Assignment.objects.all().delete()
        Companion.objects.all().delete()
        for companion in CompanionFactory.create_batch(n, home_desa=village(SURABAYA_VILLAGE)):
            AssignmentFactory(companion=companion, group=GroupFactory())
        with CaptureQueriesContext(connection) as ctx:
            response = officer.get(LIST, {"page_size": 50})
        assert len(response.context["page"].items) == n
        return len(ctx)

    assert count(5) == count(30)


def test_the_detail_shows_assignments_and_caseload(officer: Client, ani: Companion) -> None:
    current = AssignmentFactory(companion=ani, group=GroupFactory(name="KUBE Melati"))
    AssignmentFactory(companion=ani, group=GroupFactory(name="KUBE Mawar"), ended_on=dt.date(2024, 1, 1))
    response = officer.get(detail(ani))
    body = response.content.decode()
    assert [a.pk for a in response.context["current"]] == [current.pk]
    assert "KUBE Melati" in body and "KUBE Mawar" in body
    assert "1 of 10 KUBE" in body


def test_the_officer_sees_the_nik_and_it_is_audited_the_auditor_sees_it_masked(
    client_for: Callable[..., Client], auditor: Any, officer: Client, ani: Companion
) -> None:
    assert ani.nik not in officer.get(detail(ani)).content.decode()
    assert ani.nik in officer.post(reverse("companions:companion_reveal", args=[ani.pk])).content.decode()
    assert AuditEntry.objects.filter(action="reveal", object_id=str(ani.pk)).count() == 1
    assert client_for(auditor).post(reverse("companions:companion_reveal", args=[ani.pk])).status_code == 403
    body = client_for(auditor).get(detail(ani)).content.decode()
    assert ani.nik not in body
    assert ani.nik_masked in body


@pytest.mark.parametrize("url", [detail, edit, assign])
def test_a_companion_of_another_regency_is_not_found(officer: Client, joko: Companion, url: Any) -> None:
    assert officer.get(url(joko)).status_code == 404
    assert officer.post(url(joko), companion_data(name="Changed", version=1)).status_code in (404, 405)
    joko.refresh_from_db()
    assert joko.name == "Joko Susilo"


def test_an_officer_registers_a_companion(officer: Client) -> None:
    response = officer.post(NEW, companion_data())
    companion = Companion.objects.get()
    assert response["Location"] == detail(companion)
    assert (companion.sex, companion.phone, companion.regency_id) == ("F", "081234567890", "35.78")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nik", "35780101019", "16 digits"),
        ("home_desa", "35.78.99.9999", "Unknown village"),
        ("regency", "35.07", "Select a valid choice"),  # only the officer's own regencies are offered
        ("phone", "12ab", "Phone number must be"),
    ],
)
def test_bad_companion_input_gets_a_message_and_writes_nothing(
    officer: Client, field: str, value: str, message: str
) -> None:
    response = officer.post(NEW, companion_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Companion.objects.exists()


def test_edit_saves_and_refuses_a_stale_version(officer: Client, ani: Companion) -> None:
    assert officer.post(edit(ani), companion_data(name="Ani L.", version=1)).status_code == 302
    stale = officer.post(edit(ani), companion_data(name="Other", version=1))
    assert "changed by someone else" in stale.content.decode()
    ani.refresh_from_db()
    assert ani.name == "Ani L."


def test_assigning_a_companion_to_a_free_kube(officer: Client, ani: Companion) -> None:
    group = GroupFactory(desa=village(SURABAYA_VILLAGE))
    page = officer.get(assign(ani)).content.decode()
    assert group.name in page
    response = officer.post(assign(ani), {"group": group.pk, "started_on": "2024-05-01"})
    assert response.status_code == 302
    assert ani.assignments.get().group == group


def test_a_forged_kube_of_another_regency_is_refused(officer: Client, ani: Companion) -> None:
    malang_group = GroupFactory(desa=village(MALANG_VILLAGE))
    response = officer.post(assign(ani), {"group": malang_group.pk, "started_on": "2024-05-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["group"]
    assert not Assignment.objects.exists()


def test_replacing_the_current_companion_needs_the_checkbox(officer: Client, ani: Companion) -> None:
    held = AssignmentFactory(group=GroupFactory(desa=village(SURABAYA_VILLAGE)))
    data = {"group": held.group_id, "started_on": "2024-05-01"}
    refused = officer.post(assign(ani), data)
    assert "already accompanied by" in refused.content.decode()
    assert officer.post(assign(ani), {**data, "replace": "on"}).status_code == 302
    held.refresh_from_db()
    assert held.ended_on == dt.date(2024, 5, 1)
    assert ani.assignments.get().group_id == held.group_id


def test_ending_an_assignment(officer: Client, ani: Companion) -> None:
    assignment = AssignmentFactory(companion=ani, group=GroupFactory())
    response = officer.post(end(assignment), {"ended_on": "2024-06-30", "reason": "moved"}, follow=True)
    assignment.refresh_from_db()
    assert (assignment.ended_on, assignment.end_reason) == (dt.date(2024, 6, 30), "moved")
    assert "has ended" in response.content.decode()


def test_ending_an_assignment_before_it_started_is_refused(officer: Client, ani: Companion) -> None:
    assignment = AssignmentFactory(companion=ani, group=GroupFactory())
    response = officer.post(end(assignment), {"ended_on": "2020-01-01"}, follow=True)
    assert "before the start date" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.ended_on is None


def test_an_out_of_scope_assignment_cannot_be_ended(officer: Client, joko: Companion) -> None:
    assignment = AssignmentFactory(companion=joko, group=GroupFactory(desa=village(MALANG_VILLAGE)))
    assert officer.post(end(assignment), {"ended_on": "2024-06-30"}).status_code == 404
    assignment.refresh_from_db()
    assert assignment.ended_on is None
