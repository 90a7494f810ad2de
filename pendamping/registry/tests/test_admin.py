"""Django admin as a door: only provincial admins get in, personal numbers stay masked in the lists, and
every write leaves an audit entry marked with the door "admin"."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pendamping.audit.models import AuditEntry
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.core.concurrency import StaleRecord
from pendamping.registry.models import Group, Scheme
from pendamping.registry.services import group_update
from pendamping.registry.tests.factories import FamilyFactory, GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def staff_admin(admin: Any, client_for: Callable[..., Client]) -> Client:
    admin.is_staff = True
    admin.save()
    return client_for(admin)


def test_lists_mask_personal_numbers(staff_admin: Client) -> None:
    family = FamilyFactory()
    companion = CompanionFactory()

    families = staff_admin.get(reverse("admin:registry_family_changelist")).content.decode()
    companions = staff_admin.get(reverse("admin:companions_companion_changelist")).content.decode()

    assert family.nik_masked in families and family.nik not in families
    assert companion.nik_masked in companions and companion.nik not in companions


def test_every_model_page_opens(staff_admin: Client) -> None:
    group = GroupFactory()
    MembershipFactory(group=group)
    for name in ("registry_family", "registry_group", "registry_grant", "registry_scheme", "companions_assignment"):
        assert staff_admin.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert staff_admin.get(reverse("admin:registry_group_change", args=[group.pk])).status_code == 200


def test_an_admin_change_is_audited_with_its_door(staff_admin: Client) -> None:
    group = GroupFactory(name="Lama")
    data = {"name": "Baru", "sector": "trade", "founded_on": "2023-01-15", "status": "forming"}
    data |= {f"memberships-{k}": v for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MAX_NUM_FORMS": 1000}.items()}

    response = staff_admin.post(reverse("admin:registry_group_change", args=[group.pk]), data)

    assert response.status_code == 302
    entry = AuditEntry.objects.get(object_id=str(group.pk), action="update")
    assert entry.door == "admin" and entry.changes["name"] == ["Lama", "Baru"]
    assert Group.objects.get(pk=group.pk).name == "Baru"


def test_an_admin_change_moves_the_version_so_an_older_edit_is_refused(staff_admin: Client, admin: Any) -> None:
    """A page or API edit opened before an admin's correction must not write its older values over it."""
    group = GroupFactory(name="Lama")
    opened = Group.objects.get(pk=group.pk).version  # an officer's edit form, opened now
    data = {"name": "Baru", "sector": "trade", "founded_on": "2023-01-15", "status": "forming"}
    data |= {f"memberships-{k}": v for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MAX_NUM_FORMS": 1000}.items()}
    staff_admin.post(reverse("admin:registry_group_change", args=[group.pk]), data)
    assert Group.objects.get(pk=group.pk).version == opened + 1
    with pytest.raises(StaleRecord):
        group_update(actor=admin, group=Group.objects.get(pk=group.pk), version=opened, name="Lama lagi")
    assert Group.objects.get(pk=group.pk).name == "Baru"


def test_admin_create_and_delete_are_audited(staff_admin: Client) -> None:
    staff_admin.post(reverse("admin:registry_scheme_add"), {"name": "Sempit", "min_members": 5, "max_members": 10})
    scheme = Scheme.objects.get(name="Sempit")
    staff_admin.post(reverse("admin:registry_scheme_delete", args=[scheme.pk]), {"post": "yes"})

    actions = list(AuditEntry.objects.filter(object_id=str(scheme.pk), door="admin").values_list("action", flat=True))
    assert sorted(actions) == ["create", "delete"]
    assert not Scheme.objects.filter(pk=scheme.pk).exists()


def test_families_and_kube_are_not_created_in_the_admin(staff_admin: Client) -> None:
    assert staff_admin.get(reverse("admin:registry_family_add")).status_code == 403
    assert staff_admin.get(reverse("admin:registry_group_add")).status_code == 403


@pytest.mark.parametrize("role", ["surabaya_officer", "auditor"])
def test_other_roles_cannot_use_the_admin_even_as_staff(
    role: str, request: Any, client_for: Callable[..., Client]
) -> None:
    user = request.getfixturevalue(role)
    user.is_staff = True
    user.save()
    family = FamilyFactory()
    client = client_for(user)

    assert client.get(reverse("admin:registry_family_changelist")).status_code == 403
    assert client.get(reverse("admin:registry_family_change", args=[family.pk])).status_code == 403
