"""The welfare follow-up through the API: a family's records and change since joining, adding (one per day, a decile
from 1 to 10, joining first and once), deleting, and scope."""

import datetime as dt
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.enterprise.models import WelfareRecord
from pendamping.enterprise.tests.factories import WelfareRecordFactory
from pendamping.registry.models import Group, Membership
from pendamping.registry.tests.factories import MALANG_VILLAGE, FamilyFactory, GroupFactory, MembershipFactory, village

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_throttle_left_over() -> None:
    cache.clear()  # the rate-limit counters


class Api:
    def __init__(self, user: User) -> None:
        self.client = Client(headers={"Authorization": f"Bearer {token_create(user=user, name='test')[1]}"})

    def get(self, path: str) -> Any:
        return self.client.get(f"/api{path}")

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(f"/api{path}", json.dumps(body), content_type="application/json")

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api{path}")


@pytest.fixture
def membership() -> Membership:
    return MembershipFactory(group=GroupFactory(status=Group.Status.ACTIVE), joined_on=dt.date(2024, 1, 10))


@pytest.fixture
def officer(surabaya_officer: User) -> Api:
    return Api(surabaya_officer)


def body(**extra: Any) -> dict[str, Any]:
    return {"recorded_on": "2024-01-15", "monthly_income": "800.000", "welfare_decile": 2, "kind": "joining", **extra}


def test_a_familys_welfare_shows_its_records_and_the_change_since_joining(officer: Api, membership: Membership) -> None:
    family = membership.family
    joining = WelfareRecordFactory(family=family, recorded_on=dt.date(2024, 1, 15), monthly_income=800_000)
    latest = WelfareRecordFactory(
        family=family, kind="update", recorded_on=dt.date(2025, 1, 15), monthly_income=1_000_000, welfare_decile=3
    )

    data = officer.get(f"/families/{family.pk}/welfare").json()

    assert [r["id"] for r in data["records"]] == [joining.pk, latest.pk]
    assert data["change"] == {
        "baseline_id": joining.pk,
        "latest_id": latest.pk,
        "income_change": 200_000,
        "income_change_pct": 25.0,
        "decile_shift": 1,
    }


def test_without_records_there_is_no_baseline(officer: Api, membership: Membership) -> None:
    change = officer.get(f"/families/{membership.family_id}/welfare").json()["change"]

    assert change == {
        "baseline_id": None,
        "latest_id": None,
        "income_change": None,
        "income_change_pct": None,
        "decile_shift": None,
    }


def test_a_record_is_added(officer: Api, membership: Membership) -> None:
    response = officer.post(f"/families/{membership.family_id}/welfare", body())

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["kind"], data["monthly_income"], data["welfare_decile"], data["group_id"]) == (
        "joining",
        800_000,
        2,
        membership.group_id,
    )


def test_an_unknown_decile_may_be_sent_as_null(officer: Api, membership: Membership) -> None:
    response = officer.post(f"/families/{membership.family_id}/welfare", body(welfare_decile=None))

    assert response.status_code == 201 and response.json()["welfare_decile"] is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("welfare_decile", 0), ("welfare_decile", 11), ("monthly_income", -1), ("monthly_income", "800.000,50")],
)
def test_bad_values_are_refused(officer: Api, membership: Membership, field: str, value: Any) -> None:
    response = officer.post(f"/families/{membership.family_id}/welfare", body(**{field: value}))

    assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert not WelfareRecord.objects.exists()


def test_the_same_day_twice_and_a_second_joining_are_refused(officer: Api, membership: Membership) -> None:
    path = f"/families/{membership.family_id}/welfare"
    officer.post(path, body())

    same_day = officer.post(path, body(kind="update", monthly_income=900_000))
    second_joining = officer.post(path, body(recorded_on="2024-03-01"))

    assert same_day.status_code == 400 and "recorded_on" in same_day.json()["error"]["fields"]
    assert second_joining.status_code == 400 and "kind" in second_joining.json()["error"]["fields"]
    assert WelfareRecord.objects.get().monthly_income == 800_000


def test_a_family_never_in_a_kube_is_refused_on_its_id(admin: User) -> None:
    family = FamilyFactory()

    response = Api(admin).post(f"/families/{family.pk}/welfare", body())

    assert response.status_code == 400 and "family_id" in response.json()["error"]["fields"]


def test_a_record_is_deleted(officer: Api, membership: Membership) -> None:
    record = WelfareRecordFactory(family=membership.family)

    assert officer.delete(f"/welfare/{record.pk}").status_code == 204
    assert not WelfareRecord.objects.exists()


def test_another_regencys_family_is_not_found(officer: Api) -> None:
    family = MembershipFactory(group=GroupFactory(desa=village(MALANG_VILLAGE))).family
    record = WelfareRecordFactory(family=family)

    assert officer.get(f"/families/{family.pk}/welfare").status_code == 404
    assert officer.post(f"/families/{family.pk}/welfare", body(recorded_on="2024-02-01")).status_code == 404
    assert officer.delete(f"/welfare/{record.pk}").status_code == 404
    assert WelfareRecord.objects.count() == 1


def test_a_companion_writes_only_for_the_families_of_their_kube(companion_user: User, membership: Membership) -> None:
    AssignmentFactory(group=membership.group, companion=CompanionFactory(user=companion_user))
    other = MembershipFactory(group=GroupFactory(status=Group.Status.ACTIVE)).family
    api = Api(companion_user)

    assert api.post(f"/families/{membership.family_id}/welfare", body()).status_code == 201
    assert api.post(f"/families/{other.pk}/welfare", body()).status_code == 404


def test_the_auditor_reads_but_may_not_write(auditor: User, membership: Membership) -> None:
    api = Api(auditor)

    assert api.get(f"/families/{membership.family_id}/welfare").status_code == 200
    assert api.post(f"/families/{membership.family_id}/welfare", body()).status_code == 403
