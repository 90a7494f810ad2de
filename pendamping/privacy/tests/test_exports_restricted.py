"""A restricted person's record never leaves in a list export, and comes back once the restriction is lifted."""

import csv
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from pendamping.accounts.models import User
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.privacy.services.records import person_restrict, person_restriction_lift
from pendamping.registry.tests.factories import FamilyFactory

pytestmark = [pytest.mark.django_db]


def exported(user: User, name: str) -> str:
    cache.clear()  # the export allowance
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("exchange:export_list", args=[name]), {"format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return "\n".join(",".join(row) for row in csv.reader(io.StringIO(body)))


@pytest.mark.parametrize("kind", ["families", "companions"])
def test_restricted_records_are_left_out_of_exports_until_lifted(kind: str, admin: User) -> None:
    if kind == "families":
        person: Any = FamilyFactory(head_name="Rahasia Keluarga")
        other: Any = FamilyFactory(head_name="Terbuka Keluarga")
    else:
        person, other = CompanionFactory(name="Rahasia Pendamping"), CompanionFactory(name="Terbuka Pendamping")
    person_restrict(actor=admin, nik=person.nik, reason="keberatan")
    text = exported(admin, kind)
    assert person.nik not in text and other.nik in text
    person_restriction_lift(actor=admin, nik=person.nik)
    assert person.nik in exported(admin, kind)
