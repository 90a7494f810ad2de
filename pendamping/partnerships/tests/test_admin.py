"""Django admin as a door for partnerships: only provincial admins get in, every page opens, a correction is a
new version and is audited, the KUBE covered included."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.partnerships.tests.factories import SURABAYA, ActivityFactory, AgreementFactory, PartnerFactory
from pendamping.registry.tests.factories import GroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(admin: User, client_for: Callable[..., Client]) -> Client:
    admin.is_staff = True
    admin.save()
    return client_for(admin)


def test_every_page_opens(staff_admin: Client) -> None:
    activity = ActivityFactory(agreement=AgreementFactory(groups=[GroupFactory()]))
    for name in ("partner", "agreement", "activity"):
        assert staff_admin.get(reverse(f"admin:partnerships_{name}_changelist")).status_code == 200
    assert (
        staff_admin.get(reverse("admin:partnerships_agreement_change", args=[activity.agreement_id])).status_code == 200
    )
    assert staff_admin.get(reverse("admin:partnerships_activity_change", args=[activity.pk])).status_code == 200


def test_an_officer_is_turned_away(surabaya_officer: User, client_for: Callable[..., Client]) -> None:
    surabaya_officer.is_staff = True  # even made staff by mistake
    surabaya_officer.save()
    response = client_for(surabaya_officer).get(reverse("admin:partnerships_partner_changelist"))

    assert response.status_code in (302, 403)


def test_a_partner_correction_is_a_new_version_and_audited(staff_admin: Client) -> None:
    partner = PartnerFactory(name="CV Lama")
    data: dict[str, Any] = {"name": "CV Baru", "type": "private", "regency": SURABAYA}
    data |= {k: "" for k in ("sector", "contact_name", "phone", "email", "address")}

    response = staff_admin.post(reverse("admin:partnerships_partner_change", args=[partner.pk]), data)

    assert response.status_code == 302, response.content
    partner.refresh_from_db()
    assert (partner.name, partner.version) == ("CV Baru", 2)
    entry = AuditEntry.objects.get(object_id=str(partner.pk), action="update")
    assert entry.door == "admin" and entry.changes["name"] == ["CV Lama", "CV Baru"]


def test_a_change_of_the_kube_covered_is_audited(staff_admin: Client) -> None:
    first, second = GroupFactory(), GroupFactory()
    agreement = AgreementFactory(groups=[first])
    data = {
        "partner": agreement.partner_id,
        "regency": SURABAYA,
        "title": agreement.title,
        "groups": f"{first.pk},{second.pk}",
        "scope_marketing": "on",
        "start_on": "2024-01-01",
        "end_on": "2027-12-31",
        "value": "",
        "document_ref": "",
        **{f"activities-{k}": v for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MAX_NUM_FORMS": 1000}.items()},
    }

    response = staff_admin.post(reverse("admin:partnerships_agreement_change", args=[agreement.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(agreement.groups.all()) == {first, second}
    changes = [e.changes for e in AuditEntry.objects.filter(object_id=str(agreement.pk), action="update")]
    assert {"groups": [[first.pk], sorted([first.pk, second.pk])]} in changes
