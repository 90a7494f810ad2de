"""The Kemendagri region table over the API: public reference data for every signed-in user, filtered,
ordered by an allow-list and paged."""

from typing import Any

import pytest
from django.test import Client

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.regions.models import Region

pytestmark = pytest.mark.django_db


def _api(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='t')[1]}"})


def _codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["items"]]


def test_the_regencies_of_the_province_by_code(surabaya_officer: User) -> None:
    response = _api(surabaya_officer).get("/api/regions", {"level": "kabupaten_kota", "page_size": 100})
    expected = list(Region.objects.filter(level="kabupaten_kota").order_by("code").values_list("code", flat=True))
    assert _codes(response) == expected and response.json()["count"] == 38


def test_a_regencys_kecamatan_by_name_and_paged(surabaya_officer: User) -> None:
    client = _api(surabaya_officer)
    names = list(Region.objects.filter(parent_id="35.78").order_by("name", "code").values_list("code", flat=True))
    page = client.get("/api/regions", {"parent": "35.78", "ordering": "name", "page_size": 10, "page": 2}).json()
    assert [row["code"] for row in page["items"]] == names[10:20]
    assert page["count"] == len(names) == 31 and page["pages"] == 4


def test_search_by_name_or_code_start(evaluator: User) -> None:
    client = _api(evaluator)  # reference data: even the evaluator, who sees no registry row, reads it
    assert _codes(client.get("/api/regions", {"q": "35.78.01."})) == list(
        Region.objects.filter(parent_id="35.78.01").order_by("code").values_list("code", flat=True)
    )
    assert "35.78" in _codes(client.get("/api/regions", {"q": "surabaya"}))


def test_one_region_and_an_unknown_or_malformed_code(surabaya_officer: User) -> None:
    client = _api(surabaya_officer)
    assert client.get("/api/regions/35.78").json() == {
        "code": "35.78",
        "name": Region.objects.get(code="35.78").name,
        "level": "kabupaten_kota",
        "parent_code": "35",
    }
    assert client.get("/api/regions/35.99").status_code == 404
    assert client.get("/api/regions/35.7x").status_code == 400


def test_anonymous_visitors_need_a_token() -> None:
    assert Client().get("/api/regions").status_code == 401
