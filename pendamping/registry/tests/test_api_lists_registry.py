"""The registry's flat API lists: memberships (with the head's NIK masked, unmasked and audited on the detail for
the roles that see numbers), tranches and schemes; scoped, filtered, ordered by an allow-list and paged."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.audit.models import AuditEntry
from pendamping.core.nik import mask_number
from pendamping.registry.models import Group
from pendamping.registry.tests.factories import (
    MALANG_VILLAGE,
    GrantFactory,
    GroupFactory,
    MembershipFactory,
    SchemeFactory,
    TrancheFactory,
    regency_of,
    village,
)

pytestmark = pytest.mark.django_db


def _api(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='t')[1]}"})


def _group(code: str, name: str) -> Group:
    desa = village(code)
    return GroupFactory(desa=desa, regency=regency_of(desa), name=name, status=Group.Status.ACTIVE)


@pytest.fixture
def kube() -> dict[str, Any]:
    """A Surabaya KUBE with three members (one who left) and a Malang KUBE with one."""
    home, away = _group("35.78.01.1001", "KUBE Mawar"), _group(MALANG_VILLAGE, "KUBE Melati")
    names = ["Budi", "Ani", "Citra"]
    members = [
        MembershipFactory(group=home, family__head_name=name, joined_on=dt.date(2023, 1 + i, 1))
        for i, name in enumerate(names)
    ]
    members[2].left_on, members[2].left_reason = dt.date(2024, 1, 1), "pindah"
    members[2].save()
    return {"home": home, "away": away, "members": members, "malang": MembershipFactory(group=away)}


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


def test_memberships_list_the_officers_regency_only_with_the_nik_masked(
    kube: dict[str, Any], surabaya_officer: User
) -> None:
    body = _api(surabaya_officer).get("/api/memberships").json()
    assert {row["id"] for row in body["items"]} == {m.pk for m in kube["members"]}
    row = next(r for r in body["items"] if r["id"] == kube["members"][0].pk)
    family = kube["members"][0].family
    assert row["family_nik"] == mask_number(family.nik) != family.nik
    assert (row["group_code"], row["regency_code"], row["family_name"]) == (kube["home"].code, "35.78", "Budi")


def test_a_membership_detail_shows_the_nik_to_an_officer_and_records_the_view(
    kube: dict[str, Any], surabaya_officer: User, auditor: User
) -> None:
    membership = kube["members"][0]
    officer = _api(surabaya_officer).get(f"/api/memberships/{membership.pk}").json()
    assert officer["family_nik"] == membership.family.nik
    reveal = AuditEntry.objects.get(action="reveal")
    assert (reveal.object_id, reveal.actor) == (str(membership.family_id), surabaya_officer)
    assert _api(auditor).get(f"/api/memberships/{membership.pk}").json()["family_nik"] == membership.family.nik_masked
    assert AuditEntry.objects.filter(action="reveal").count() == 1


def test_another_regencys_membership_is_not_found(kube: dict[str, Any], surabaya_officer: User) -> None:
    response = _api(surabaya_officer).get(f"/api/memberships/{kube['malang'].pk}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_memberships_filter_by_current_role_and_name(kube: dict[str, Any], surabaya_officer: User) -> None:
    client, (budi, ani, citra) = _api(surabaya_officer), kube["members"]
    assert set(_ids(client.get("/api/memberships", {"current": "false"}))) == {citra.pk}
    assert set(_ids(client.get("/api/memberships", {"current": "true"}))) == {budi.pk, ani.pk}
    assert _ids(client.get("/api/memberships", {"q": "ani"})) == [ani.pk]
    assert _ids(client.get("/api/memberships", {"group_id": kube["away"].pk})) == []


def test_memberships_order_by_allowed_keys_and_page(kube: dict[str, Any], surabaya_officer: User) -> None:
    client, (budi, ani, citra) = _api(surabaya_officer), kube["members"]
    assert _ids(client.get("/api/memberships", {"ordering": "family"})) == [ani.pk, budi.pk, citra.pk]
    assert _ids(client.get("/api/memberships", {"ordering": "-joined_on"})) == [citra.pk, ani.pk, budi.pk]
    page = client.get("/api/memberships", {"ordering": "joined_on", "page_size": 2, "page": 2}).json()
    assert (page["count"], page["pages"], [r["id"] for r in page["items"]]) == (3, 2, [citra.pk])
    refused = client.get("/api/memberships", {"ordering": "family__nik"})
    assert refused.status_code == 400 and "family, group, id, joined_on" in refused.json()["error"]["message"]


def test_tranches_list_and_show_the_officers_regency_only(kube: dict[str, Any], surabaya_officer: User) -> None:
    grant, other = GrantFactory(group=kube["home"], year=2024), GrantFactory(group=kube["away"])
    first = TrancheFactory(grant=grant, number=1, amount=3_000_000, disbursed_on=dt.date(2024, 2, 1))
    second = TrancheFactory(grant=grant, number=2, amount=1_000_000, disbursed_on=dt.date(2024, 5, 1))
    malang = TrancheFactory(grant=other, number=1)
    client = _api(surabaya_officer)
    assert _ids(client.get("/api/tranches")) == [second.pk, first.pk]  # the latest disbursement first
    assert _ids(client.get("/api/tranches", {"ordering": "-amount"})) == [first.pk, second.pk]
    assert _ids(client.get("/api/tranches", {"year": 2023})) == []
    detail = client.get(f"/api/tranches/{first.pk}").json()
    assert (detail["grant_id"], detail["group_id"], detail["regency_code"]) == (grant.pk, kube["home"].pk, "35.78")
    assert client.get(f"/api/tranches/{malang.pk}").status_code == 404


def test_schemes_are_the_same_for_every_role_that_reads_the_registry(
    surabaya_officer: User, malang_officer: User, evaluator: User
) -> None:
    wide, narrow = SchemeFactory(name="PKH", min_members=5, max_members=20), SchemeFactory(name="Kota", max_members=10)
    for user in (surabaya_officer, malang_officer):
        assert _ids(_api(user).get("/api/schemes", {"ordering": "max_members"})) == [narrow.pk, wide.pk]
    assert _api(surabaya_officer).get(f"/api/schemes/{wide.pk}").json()["max_members"] == 20
    assert _api(evaluator).get("/api/schemes").status_code == 403
