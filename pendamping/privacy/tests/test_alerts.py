"""Mass export and mass viewing raise an alert (QUALITY E6): one per user and window, seen in the admin, logged
without any NIK or name."""

import logging
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from pendamping.accounts.models import User
from pendamping.audit.services import audit_record
from pendamping.privacy.models import Alert
from pendamping.registry.models import Family
from pendamping.registry.tests.factories import FamilyFactory

pytestmark = [pytest.mark.django_db]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def export_families(client: Client) -> None:
    cache.clear()
    response = client.get(reverse("exchange:export_list", args=["families"]), {"format": "xlsx"})
    assert response.status_code == 200


def test_exporting_more_rows_than_allowed_raises_one_alert_logged_without_personal_data(
    settings: Any, surabaya_officer: User, caplog: Any
) -> None:
    settings.PRIVACY_MASS_ROWS = 5
    families = FamilyFactory.create_batch(3)
    client = signed_in(surabaya_officer)
    export_families(client)
    assert not Alert.objects.exists()  # 3 rows: within the allowance
    with caplog.at_level(logging.WARNING, logger="pendamping.privacy"):
        export_families(client)  # 6 rows within the window
        export_families(client)  # still over: the open alert covers it
    alert = Alert.objects.get()
    assert (alert.kind, alert.user, alert.detail) == (
        "mass_export",
        surabaya_officer,
        {"rows": 6, "limit": 5, "hours": 24},
    )
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name == "pendamping.privacy")
    assert "mass_export" in logged and f"user id {surabaya_officer.pk}" in logged
    for family in families:
        assert family.nik not in logged and family.head_name not in logged


def test_viewing_many_records_unmasked_raises_an_alert(settings: Any, surabaya_officer: User) -> None:
    settings.PRIVACY_REVEALS_PER_HOUR = 3
    client = signed_in(surabaya_officer)
    for family in FamilyFactory.create_batch(4):
        assert client.post(reverse("registry:family_reveal", args=[family.pk])).status_code == 200
    alert = Alert.objects.get()
    assert (alert.kind, alert.username, alert.detail) == (
        "mass_view",
        surabaya_officer.username,
        {"reveals": 4, "limit": 3},
    )


def test_reveals_of_other_users_and_below_the_limit_raise_nothing(
    settings: Any, admin: User, surabaya_officer: User
) -> None:
    settings.PRIVACY_REVEALS_PER_HOUR = 3
    family: Family = FamilyFactory()
    for user in (admin, admin, surabaya_officer, surabaya_officer):
        audit_record(actor=user, action="reveal", obj=family)
    audit_record(actor=None, action="reveal", obj=family)
    assert not Alert.objects.exists()


def test_admins_see_and_acknowledge_alerts_in_the_admin(settings: Any, admin: User, surabaya_officer: User) -> None:
    admin.is_staff = True
    admin.save()
    settings.PRIVACY_REVEALS_PER_HOUR = 0
    audit_record(actor=surabaya_officer, action="reveal", obj=FamilyFactory())
    alert = Alert.objects.get()
    client = signed_in(admin)
    page = client.get(reverse("admin:privacy_alert_changelist"))
    assert page.status_code == 200 and surabaya_officer.username in page.content.decode()
    response = client.post(
        reverse("admin:privacy_alert_changelist"), {"action": "acknowledge", "_selected_action": [alert.pk]}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == admin and alert.acknowledged_at is not None
    assert signed_in(surabaya_officer).get(reverse("admin:privacy_alert_changelist")).status_code == 302
