"""What fuzzing the API against its schema (scripts/api_fuzz) found, kept fixed: a form upload without its
multipart boundary is a 400 in the API's error shape (Django answered with its own page), and a briefing
session's clock times are described as what they are (JSON Schema's "time" demands an offset from UTC)."""

import pytest
from django.test import Client

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create

pytestmark = pytest.mark.django_db


def test_a_multipart_body_without_its_boundary_is_a_json_400(admin: User) -> None:
    client = Client(headers={"Authorization": f"Bearer {token_create(user=admin, name='t')[1]}"})
    response = client.generic("POST", "/api/evaluation/instruments", b"--x--", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == {
        "code": "bad_request",
        "message": "The uploaded form could not be read; send it as multipart/form-data.",
        "fields": {},
    }


def test_session_times_are_documented_as_local_clock_times() -> None:
    schema = Client().get("/api/openapi.json").json()["components"]["schemas"]["SessionOut"]["properties"]
    assert schema["starts_at"]["format"] == schema["ends_at"]["format"] == "partial-time"
