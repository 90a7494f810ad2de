"""Exports over the API: the same files as the pages, by token or session, with the page's filters as query
parameters; errors in the API's JSON shape; one export allowance per user shared with the pages."""

import csv
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from config.api import api as project_api
from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.audit.models import AuditEntry
from pendamping.core.tests.test_url_scoping import World, world
from pendamping.evaluation.tests.factories import answer_all, make_study

__all__ = ["world"]
pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _generous_export_limit(settings: Any) -> None:
    settings.PENDAMPING = {**settings.PENDAMPING, "API_RATE_EXPORT": "100000/min"}
    cache.clear()


def api_client(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_create(user=user, name='exports')[1]}"})


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"), newline="")))


def test_a_list_by_token_with_the_page_filters(world: World, surabaya_officer: User) -> None:
    response = api_client(surabaya_officer).get("/api/exchange/export/families", {"format": "csv", "q": "Anggota 2"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert [row[2] for row in rows[1:]] == ["Xsurabaya Anggota 2"]
    assert rows[1][0] == world.home.membership.group.memberships.get(family__head_name="Xsurabaya Anggota 2").family.nik
    assert AuditEntry.objects.filter(action="reveal", door="api", actor=surabaya_officer).count() == 1


def test_xlsx_is_the_default_format_and_the_scope_holds(world: World, auditor: User) -> None:
    response = api_client(auditor).get("/api/exchange/export/groups", {"regency": "35.07"})
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(body(response))).get_sheet_by_index(0).to_python()
    assert sheet[0][:2] == ["KUBE code", "Name"]
    assert not [row for row in sheet[1:] if "Xmalang" in str(row[1])]


def test_a_signed_in_browser_may_use_the_api_too(world: World, admin: User) -> None:
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/api/exchange/export/partners", {"format": "csv"}).status_code == 200


def test_errors_come_in_the_api_shape(world: World, evaluator: User, admin: User) -> None:
    unknown = api_client(admin).get("/api/exchange/export/passwords")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    denied = api_client(evaluator).get("/api/exchange/export/families")
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
    bad = api_client(admin).get("/api/exchange/export/families", {"format": "pdf"})
    assert bad.status_code == 400 and "format" in bad.json()["error"]["fields"]
    assert Client().get("/api/exchange/export/families").status_code == 401


def test_the_research_export_over_the_api(evaluator: User, companion_user: User) -> None:
    study = make_study(evaluators=(evaluator,))
    answer_all(study, wave="pre", good=True)
    response = api_client(evaluator).get(f"/api/exchange/research/{study.pk}", {"format": "csv"})
    assert response.status_code == 200
    assert len(csv_rows(response)) == 1 + 6 * 3
    assert api_client(companion_user).get(f"/api/exchange/research/{study.pk}").status_code == 404  # not theirs
    assert api_client(evaluator).get(f"/api/exchange/research/{study.pk + 99}").status_code == 404


def test_pages_and_api_share_one_export_allowance(world: World, settings: Any, admin: User) -> None:
    settings.PENDAMPING = {**settings.PENDAMPING, "API_RATE_EXPORT": "3/min"}
    page = Client()
    page.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    api = api_client(admin)
    url = reverse("exchange:export_list", args=["groups"])
    assert page.get(url, {"format": "csv"}).status_code == 200
    assert api.get("/api/exchange/export/groups", {"format": "csv"}).status_code == 200
    assert page.get(url, {"format": "csv"}).status_code == 200
    refused = api.get("/api/exchange/export/groups", {"format": "csv"})
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled" and int(refused["Retry-After"]) >= 1
    assert page.get(url, {"format": "csv"}).status_code == 429


def test_the_schema_documents_both_files() -> None:
    schema = Client().get("/api/openapi.json").json()
    if "/api/exchange/export/{name}" not in schema["paths"]:  # not mounted in the project's API yet: the test API's
        schema = project_api.get_openapi_schema(path_prefix="/api/")
    operation = schema["paths"]["/api/exchange/export/{name}"]["get"]
    assert set(operation["responses"]["200"]["content"]) == {
        "text/csv; charset=utf-8",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    assert "/api/exchange/research/{study_id}" in schema["paths"]
