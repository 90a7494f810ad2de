"""Welfare pages through the test client: the family page's section (timeline, change since joining, a small form),
the add page and deleting a record, the KUBE page's summary of its members, and scope."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pendamping.accounts.models import User
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.enterprise.models import WelfareRecord
from pendamping.enterprise.tests.factories import WelfareRecordFactory
from pendamping.registry.models import Group, Membership
from pendamping.registry.services import group_set_status
from pendamping.registry.tests.factories import (
    MALANG_VILLAGE,
    FamilyFactory,
    GroupFactory,
    MembershipFactory,
    kube_with_members,
    village,
)

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(f"enterprise:{name}", args=args)


def family_page(family_id: int) -> str:
    return reverse("registry:family_detail", args=[family_id])


@pytest.fixture
def membership() -> Membership:
    return MembershipFactory(group=GroupFactory(status=Group.Status.ACTIVE), joined_on=dt.date(2024, 1, 10))


@pytest.fixture
def surabaya(surabaya_officer: User, client_for: Callable[..., Client]) -> Client:
    return client_for(surabaya_officer)


def post(client: Client, family_id: int, **data: str) -> Any:
    form = {"recorded_on": "2024-01-15", "kind": "joining", "monthly_income": "800.000", "welfare_decile": "2"}
    return client.post(url("welfare_add", family_id), {**form, **data})


def test_the_family_page_shows_the_change_since_joining(surabaya: Client, membership: Membership) -> None:
    family = membership.family
    WelfareRecordFactory(family=family, recorded_on=dt.date(2024, 1, 15), monthly_income=800_000, welfare_decile=2)
    WelfareRecordFactory(
        family=family, kind="update", recorded_on=dt.date(2025, 1, 15), monthly_income=1_100_000, welfare_decile=4
    )

    content = surabaya.get(family_page(family.pk)).content.decode()

    assert "Welfare follow-up" in content and "+Rp 300,000" in content and "+37.5%" in content
    assert "up 2 deciles" in content and url("welfare_add", family.pk) in content


def test_a_member_without_records_has_no_baseline(surabaya: Client, membership: Membership) -> None:
    content = surabaya.get(family_page(membership.family_id)).content.decode()

    assert "No baseline" in content
    assert '<option value="joining" selected>' in content  # the first record is most likely the one at joining


def test_a_family_never_in_a_kube_has_no_welfare_section(surabaya: Client) -> None:
    content = surabaya.get(family_page(FamilyFactory().pk)).content.decode()

    assert "Welfare follow-up" not in content


def test_a_record_is_added_from_the_form(surabaya: Client, membership: Membership) -> None:
    response = post(surabaya, membership.family_id)

    assert response.status_code == 302 and response["Location"] == family_page(membership.family_id)
    record = WelfareRecord.objects.get()
    assert (record.kind, record.monthly_income, record.welfare_decile, record.group_id) == (
        "joining",
        800_000,
        2,
        membership.group_id,
    )


def test_the_add_page_shows_the_form(surabaya: Client, membership: Membership) -> None:
    response = surabaya.get(url("welfare_add", membership.family_id))

    assert response.status_code == 200 and "Add a welfare record" in response.content.decode()


def test_a_second_record_on_the_same_day_is_refused_on_the_form(surabaya: Client, membership: Membership) -> None:
    post(surabaya, membership.family_id)

    response = post(surabaya, membership.family_id, kind="update", monthly_income="900.000")

    assert response.status_code == 200
    assert "already has a welfare record" in " ".join(response.context["form"].errors["recorded_on"])
    assert WelfareRecord.objects.get().monthly_income == 800_000


@pytest.mark.parametrize(
    ("field", "value"), [("monthly_income", "-800.000"), ("monthly_income", "800.000,5"), ("welfare_decile", "11")]
)
def test_bad_values_are_refused_on_the_form(surabaya: Client, membership: Membership, field: str, value: str) -> None:
    response = post(surabaya, membership.family_id, **{field: value})

    assert response.status_code == 200 and field in response.context["form"].errors
    assert not WelfareRecord.objects.exists()


def test_a_record_is_deleted(surabaya: Client, membership: Membership) -> None:
    record = WelfareRecordFactory(family=membership.family)

    response = surabaya.post(url("welfare_delete", record.pk))

    assert response.status_code == 302 and response["Location"] == family_page(membership.family_id)
    assert not WelfareRecord.objects.exists()


def test_the_companion_of_the_kube_adds_a_record(
    companion_user: User, client_for: Callable[..., Client], membership: Membership
) -> None:
    AssignmentFactory(group=membership.group, companion=CompanionFactory(user=companion_user))

    assert post(client_for(companion_user), membership.family_id).status_code == 302


def test_a_family_outside_the_scope_is_not_found(surabaya: Client) -> None:
    malang = MembershipFactory(group=GroupFactory(desa=village(MALANG_VILLAGE))).family
    record = WelfareRecordFactory(family=malang)

    assert surabaya.get(url("welfare_add", malang.pk)).status_code == 404
    assert post(surabaya, malang.pk).status_code == 404
    assert surabaya.post(url("welfare_delete", record.pk)).status_code == 404
    assert WelfareRecord.objects.count() == 1


def test_the_auditor_sees_the_section_but_cannot_write(
    auditor: User, client_for: Callable[..., Client], membership: Membership
) -> None:
    client = client_for(auditor)
    record = WelfareRecordFactory(family=membership.family)

    content = client.get(family_page(membership.family_id)).content.decode()

    assert "Welfare follow-up" in content and "Add a welfare record" not in content
    assert url("welfare_delete", record.pk) not in content
    assert post(client, membership.family_id, recorded_on="2025-01-01", kind="update").status_code == 403


def test_the_kube_page_summarises_its_members_welfare(surabaya: Client) -> None:
    group = kube_with_members(3)
    for n, member in enumerate(group.memberships.all()):
        WelfareRecordFactory(family=member.family, recorded_on=dt.date(2024, 1, 15), monthly_income=1_000_000)
        WelfareRecordFactory(
            family=member.family, kind="update", recorded_on=dt.date(2025, 1, 15), monthly_income=1_100_000 + n
        )

    content = surabaya.get(reverse("registry:group_detail", args=[group.pk])).content.decode()

    assert "Members' welfare since joining" in content and "+Rp 100,001" in content
    assert "3 of 3; 3 with a higher income" in content


def test_a_graduated_kube_shows_its_date_and_reason_on_its_page(admin: User, client_for: Callable[..., Client]) -> None:
    group = kube_with_members(5)
    group_set_status(actor=admin, group=group, status="graduated", on=dt.date(2025, 6, 30), reason="Usaha mandiri")

    content = client_for(admin).get(reverse("registry:group_detail", args=[group.pk])).content.decode()

    assert "graduated (mandiri)" in content and "Usaha mandiri" in content and "June 30, 2025" in content
