"""A change of rights during a live session takes effect on the next request (QUALITY A8): nothing about who a
user is or what they may see is cached in the session. A user deactivated while signed in is sent to the login
(the API answers 401, by session or by token); a companion whose assignment ends, or who is replaced, no longer
finds the KUBE (404, as if it did not exist), while the companion who takes over does."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pendamping.accounts.models import Role, User
from pendamping.accounts.services import token_create
from pendamping.accounts.tests.factories import UserFactory
from pendamping.companions.models import Assignment, Companion
from pendamping.companions.services import assignment_create, assignment_end
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import SURABAYA_VILLAGE, kube_with_members, village

pytestmark = pytest.mark.django_db

ACCOUNT = reverse("accounts:account")
LOGIN = reverse("accounts:login")
TODAY = timezone.localdate()


@pytest.fixture
def ani(companion_user: User) -> Companion:
    return CompanionFactory(user=companion_user, name="Ani Lestari", home_desa=village(SURABAYA_VILLAGE))


@pytest.fixture
def melati(ani: Companion) -> Group:
    group = kube_with_members(3, desa=village(SURABAYA_VILLAGE), name="KUBE Melati")
    AssignmentFactory(group=group, companion=ani, started_on=dt.date(2024, 1, 1))
    return group


def kube_page(group: Group) -> str:
    return reverse("registry:group_detail", args=[group.pk])


def deactivate(user: User) -> None:
    # As the admin does it elsewhere: a fresh row, not the object the session's request holds.
    User.objects.filter(pk=user.pk).update(is_active=False)


def test_a_user_deactivated_while_signed_in_is_sent_to_the_login(
    client_for: Callable[..., Client], surabaya_officer: User
) -> None:
    client = client_for(surabaya_officer)
    assert client.get(ACCOUNT).status_code == 200
    deactivate(surabaya_officer)
    response = client.get(ACCOUNT)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get("/registry/families/")["Location"].startswith(LOGIN)


def test_a_user_deactivated_while_signed_in_gets_401_from_the_api(
    client_for: Callable[..., Client], surabaya_officer: User
) -> None:
    _token, raw = token_create(user=surabaya_officer, name="laptop")
    browser = client_for(surabaya_officer)
    script = Client(headers={"Authorization": f"Bearer {raw}"})
    assert browser.get("/api/me").status_code == 200 and script.get("/api/me").status_code == 200
    deactivate(surabaya_officer)
    for response in (browser.get("/api/me"), script.get("/api/me"), script.get("/api/families")):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"


def test_a_companion_whose_assignment_ends_loses_the_kube_at_once(
    client_for: Callable[..., Client], companion_user: User, surabaya_officer: User, melati: Group
) -> None:
    phone = client_for(companion_user)
    assert phone.get(kube_page(melati)).status_code == 200
    assert phone.get(f"/api/groups/{melati.pk}").status_code == 200
    assignment_end(actor=surabaya_officer, assignment=Assignment.objects.get(group=melati), ended_on=TODAY)
    assert phone.get(kube_page(melati)).status_code == 404
    assert phone.get(f"/api/groups/{melati.pk}").status_code == 404


def test_a_companion_replaced_on_a_kube_loses_it_and_the_new_one_gets_it(
    client_for: Callable[..., Client], companion_user: User, surabaya_officer: User, melati: Group
) -> None:
    phone = client_for(companion_user)
    assert phone.get(kube_page(melati)).status_code == 200
    budi_user = UserFactory(username="budi", role=Role.COMPANION)
    budi = CompanionFactory(user=budi_user, name="Budi Santoso", home_desa=village(SURABAYA_VILLAGE))
    assignment_create(actor=surabaya_officer, companion=budi, group=melati, started_on=TODAY, replace=True)
    assert phone.get(kube_page(melati)).status_code == 404
    assert client_for(budi_user).get(kube_page(melati)).status_code == 200
