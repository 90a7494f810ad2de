"""The family list is written straight to JSON from plain values (core.api_support.json_page): every row must be
what ninja's validated path gives for the same family (family_out, FamilyOut), field for field, as encoded."""

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from ninja.responses import NinjaJSONEncoder

from pendamping.accounts.services import token_create
from pendamping.core.api_support import Paged
from pendamping.registry.api.families import FamilyOut, family_out
from pendamping.registry.models import Family
from pendamping.registry.selectors import family_get
from pendamping.registry.tests.factories import SURABAYA_VILLAGE, FamilyFactory, village

pytestmark = pytest.mark.django_db


def validated(family: Family) -> dict[str, Any]:
    """ninja's way: the schema validated, dumped, and encoded by its JSON renderer."""
    dumped = FamilyOut.model_validate(family_out(family)).model_dump()
    return dict(json.loads(json.dumps(dumped, cls=NinjaJSONEncoder)))


def test_every_row_equals_the_validated_output(surabaya_officer: Any) -> None:
    desa = village(SURABAYA_VILLAGE)
    families = [
        FamilyFactory(desa=desa),
        FamilyFactory(desa=desa, welfare_decile=3, decile_as_of=dt.date(2025, 2, 1), dtks_id="DTKS-1"),
        FamilyFactory(desa=desa, status=Family.Status.GRADUATED, address="", monthly_income=0, female=True),
    ]
    client = Client(headers={"Authorization": f"Bearer {token_create(user=surabaya_officer, name='t')[1]}"})
    response = client.get("/api/families?page_size=100&ordering=-id")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    Paged[FamilyOut].model_validate(body)  # the declared schema holds
    rows = {row["id"]: row for row in body["items"]}
    for family in families:
        expected = validated(family_get(user=surabaya_officer, pk=family.pk))
        assert rows[family.pk] == expected
        assert "*" in rows[family.pk]["nik"] and rows[family.pk]["nik"] != family.nik  # masked in the list
