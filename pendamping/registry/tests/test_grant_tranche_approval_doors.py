"""Tranche approval through the doors: the KUBE page shows each tranche's status, who entered and who approved
it, and offers Approve (a POST) to those who may approve it, never to whoever entered it; the API approves and
withdraws with the same rules and lists the status. Only approved tranches count as disbursed there too.
The service rules and the race of two officers are tested in test_tranche_approval.py."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pendamping.accounts.models import Role, User
from pendamping.accounts.services import token_create
from pendamping.accounts.tests.factories import UserFactory
from pendamping.registry.models import Grant, Tranche
from pendamping.registry.services import tranche_add
from pendamping.registry.tests.factories import MALANG_VILLAGE, GrantFactory, GroupFactory, TrancheFactory, village

PAID = dt.date(2024, 3, 1)
JSON = "application/json"


def second_officer(username: str = "officer_surabaya_2") -> User:
    return UserFactory(username=username, role=Role.OFFICER, regencies=["35.78"])


def _grant_with_both(**grant_fields: Any) -> Grant:
    grant = GrantFactory(amount=10_000_000, **grant_fields)
    TrancheFactory(grant=grant, amount=4_000_000, status="approved", approved_at=timezone.now())
    TrancheFactory(grant=grant, amount=3_000_000)
    return grant


# --- pages ------------------------------------------------------------------------------------------------


@pytest.fixture
def entered(surabaya_officer: User) -> Tranche:
    return tranche_add(actor=surabaya_officer, grant=GrantFactory(), amount="2.000.000", disbursed_on=PAID)


def _kube_page(client: Client, tranche: Tranche) -> str:
    return client.get(reverse("registry:group_detail", args=[tranche.grant.group_id])).content.decode()


@pytest.mark.django_db
def test_the_kube_page_offers_approval_to_another_officer_only(
    entered: Tranche, surabaya_officer: User, client_for: Callable[..., Client]
) -> None:
    approve = reverse("registry:tranche_approve", args=[entered.pk])

    mine = _kube_page(client_for(surabaya_officer), entered)
    theirs = _kube_page(client_for(second_officer()), entered)

    assert approve not in mine and "awaiting approval" in mine
    assert approve in theirs and f"entered by {surabaya_officer.get_full_name()}" in theirs


@pytest.mark.django_db
def test_the_kube_page_offers_no_approval_to_an_auditor(
    entered: Tranche, auditor: User, client_for: Callable[..., Client]
) -> None:
    page = _kube_page(client_for(auditor), entered)

    assert "awaiting approval" in page and reverse("registry:tranche_approve", args=[entered.pk]) not in page


@pytest.mark.django_db
def test_approving_on_the_page_records_the_approver(entered: Tranche, client_for: Callable[..., Client]) -> None:
    other = second_officer()
    client = client_for(other)

    response = client.post(reverse("registry:tranche_approve", args=[entered.pk]), follow=True)

    entered.refresh_from_db()
    assert (entered.status, entered.approved_by) == ("approved", other)
    assert "Tranche 1 was approved" in response.content.decode()
    page = _kube_page(client, entered)
    assert f"approved by {other.get_full_name()}" in page
    assert reverse("registry:tranche_approve", args=[entered.pk]) not in page


@pytest.mark.django_db
def test_approving_ones_own_tranche_on_the_page_is_refused_with_a_message(
    entered: Tranche, surabaya_officer: User, client_for: Callable[..., Client]
) -> None:
    response = client_for(surabaya_officer).post(reverse("registry:tranche_approve", args=[entered.pk]), follow=True)

    assert "someone else must approve it" in response.content.decode()
    assert Tranche.objects.get(pk=entered.pk).status == "pending"


@pytest.mark.django_db
def test_approving_is_a_post(entered: Tranche, client_for: Callable[..., Client]) -> None:
    assert client_for(second_officer()).get(reverse("registry:tranche_approve", args=[entered.pk])).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["auditor", "companion_user"])
def test_read_only_roles_cannot_approve_on_the_page(
    entered: Tranche, role: str, request: pytest.FixtureRequest, client_for: Callable[..., Client]
) -> None:
    client = client_for(request.getfixturevalue(role))

    assert client.post(reverse("registry:tranche_approve", args=[entered.pk])).status_code in (403, 404)
    assert Tranche.objects.get(pk=entered.pk).status == "pending"


@pytest.mark.django_db
def test_another_regencys_tranche_is_not_found(malang_officer: User, client_for: Callable[..., Client]) -> None:
    grant = GrantFactory(group=GroupFactory(desa=village(MALANG_VILLAGE)))
    tranche = tranche_add(actor=malang_officer, grant=grant, amount=1_000, disbursed_on=PAID)
    client = client_for(second_officer())

    for name in ("tranche_approve", "tranche_delete"):
        assert client.post(reverse(f"registry:{name}", args=[tranche.pk])).status_code == 404
    assert Tranche.objects.get(pk=tranche.pk).status == "pending"


@pytest.mark.django_db
def test_the_enterer_withdraws_a_pending_tranche_on_the_page(
    entered: Tranche, surabaya_officer: User, client_for: Callable[..., Client]
) -> None:
    client = client_for(surabaya_officer)
    assert reverse("registry:tranche_delete", args=[entered.pk]) in _kube_page(client, entered)

    response = client.post(reverse("registry:tranche_delete", args=[entered.pk]))

    assert response.status_code == 302 and not Tranche.objects.filter(pk=entered.pk).exists()


@pytest.mark.django_db
def test_another_officer_is_not_offered_the_withdrawal(entered: Tranche, client_for: Callable[..., Client]) -> None:
    page = _kube_page(client_for(second_officer()), entered)

    assert reverse("registry:tranche_delete", args=[entered.pk]) not in page


@pytest.mark.django_db
def test_recording_a_tranche_on_the_page_says_it_awaits_approval(
    surabaya_officer: User, client_for: Callable[..., Client]
) -> None:
    grant = GrantFactory()
    data = {"amount": "1.000.000", "disbursed_on": "2024-04-01"}

    response = client_for(surabaya_officer).post(reverse("registry:tranche_add", args=[grant.pk]), data, follow=True)

    assert "once someone else approves it" in response.content.decode()
    assert grant.tranches.get().status == "pending"


# --- API --------------------------------------------------------------------------------------------------


def api(user: User) -> Client:
    cache.clear()
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='test')[1]}"})


def approve_call(client: Client, tranche: Tranche, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"/api/tranches/{tranche.pk}/approve", body or {}, content_type=JSON)


@pytest.mark.django_db
def test_the_api_approves_a_tranche_and_shows_who(entered: Tranche, surabaya_officer: User) -> None:
    other = second_officer()

    body = approve_call(api(other), entered).json()

    assert (body["status"], body["entered_by"], body["approved_by"]) == (
        "approved",
        surabaya_officer.username,
        other.username,
    )
    assert body["approved_at"] is not None


@pytest.mark.django_db
def test_the_api_refuses_approving_ones_own_tranche(entered: Tranche, surabaya_officer: User) -> None:
    response = approve_call(api(surabaya_officer), entered)

    assert response.status_code == 400
    assert "someone else must approve it" in " ".join(response.json()["error"]["fields"]["tranche"])


@pytest.mark.django_db
def test_the_api_refuses_a_second_approval_naming_the_first_approver(entered: Tranche, admin: User) -> None:
    first = second_officer()
    approve_call(api(first), entered)

    response = approve_call(api(admin), entered)

    assert (
        response.status_code == 400
        and f"already approved by {first.get_full_name()}" in response.json()["error"]["message"]
    )


@pytest.mark.django_db
def test_the_api_refuses_fields_in_an_approval(entered: Tranche) -> None:
    response = approve_call(api(second_officer()), entered, {"approved_by": 1})

    assert response.status_code == 400 and "approved_by" in response.json()["error"]["fields"]
    assert Tranche.objects.get(pk=entered.pk).status == "pending"


@pytest.mark.django_db
def test_the_api_grant_detail_counts_approved_tranches_and_lists_their_status(surabaya_officer: User) -> None:
    grant = _grant_with_both()

    body = api(surabaya_officer).get(f"/api/grants/{grant.pk}").json()

    assert body["disbursed"] == 4_000_000
    assert [(t["amount"], t["status"]) for t in body["tranches"]] == [(4_000_000, "approved"), (3_000_000, "pending")]
    assert set(body["tranches"][0]) >= {"entered_by", "approved_by", "approved_at"}


@pytest.mark.django_db
def test_the_api_grant_list_counts_approved_tranches(surabaya_officer: User) -> None:
    _grant_with_both()

    assert api(surabaya_officer).get("/api/grants").json()["items"][0]["disbursed"] == 4_000_000


@pytest.mark.django_db
def test_the_api_withdraws_a_pending_tranche_of_its_enterer_only(entered: Tranche, surabaya_officer: User) -> None:
    refused = api(second_officer()).delete(f"/api/tranches/{entered.pk}")
    withdrawn = api(surabaya_officer).delete(f"/api/tranches/{entered.pk}")

    assert (refused.status_code, withdrawn.status_code) == (400, 204)
    assert not Tranche.objects.filter(pk=entered.pk).exists()


@pytest.mark.django_db
def test_the_api_does_not_find_another_regencys_tranche(malang_officer: User) -> None:
    grant = GrantFactory(group=GroupFactory(desa=village(MALANG_VILLAGE)))
    tranche = tranche_add(actor=malang_officer, grant=grant, amount=1_000, disbursed_on=PAID)
    client = api(second_officer())

    assert approve_call(client, tranche).status_code == 404
    assert client.delete(f"/api/tranches/{tranche.pk}").status_code == 404
    assert Tranche.objects.get(pk=tranche.pk).status == "pending"
