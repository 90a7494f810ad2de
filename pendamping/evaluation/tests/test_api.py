"""The evaluation API: the same error shape as the rest (400 with field names, 404 out of scope, never 500),
instruments from JSON or YAML, studies, respondents, answers, CSV import, analyses and the gap analysis."""

import json
from typing import Any

import pytest
import yaml
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.companions.tests.factories import CompanionFactory
from pendamping.evaluation.models import Instrument, Response, Study
from pendamping.evaluation.tests.factories import answer_all, instrument_data, make_instrument, make_study, respondents
from pendamping.registry.tests.factories import MALANG_VILLAGE, village

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    cache.clear()  # the rate-limit counters


def api(user: User) -> Client:
    _token, raw = token_create(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body["error"]) == {"code", "message", "fields"} and body["error"]["code"] == code
    return body["error"]


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type=JSON)


# --- instruments ----------------------------------------------------------------------------------------


def test_an_instrument_is_created_from_json_or_yaml(admin: User) -> None:
    client = api(admin)
    made = post(client, "/api/evaluation/instruments", instrument_data("JSON1"))
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["code"] == "JSON1" and [a["code"] for a in body["aspects"]] == ["A1", "A2"]
    assert body["aspects"][0]["items"][0]["options"][0] == {
        "code": "ya",
        "label": "Ya",
        "favourable": True,
        "score": None,
    }
    assert "code: JSON1" in body["yaml"]
    wrapped = post(client, "/api/evaluation/instruments", {"definition": instrument_data("JSON2"), "language": "en"})
    assert wrapped.status_code == 201 and wrapped.json()["language"] == "en"
    text = yaml.safe_dump(instrument_data("YAML1"), allow_unicode=True)
    sent = client.post("/api/evaluation/instruments?language=id", text, content_type="application/yaml")
    assert sent.status_code == 201 and sent.json()["code"] == "YAML1"
    assert client.get("/api/evaluation/instruments").json()["count"] == 3


@pytest.mark.parametrize(
    ("body", "content_type", "field"),
    [
        ("{not json", JSON, "body"),
        ("[1, 2]", JSON, "body"),
        ("", JSON, "body"),
        ("code: X\nversion: one\n", "application/yaml", "definition"),
        (json.dumps({"definition": instrument_data(), "extra": 1}), JSON, "extra"),
    ],
)
def test_a_bad_instrument_body_is_a_400_naming_the_field(admin: User, body: str, content_type: str, field: str) -> None:
    response = api(admin).post("/api/evaluation/instruments", body, content_type=content_type)
    assert field in error(response, 400, "validation_error")["fields"]


def test_a_locked_instrument_is_changed_by_a_new_version(admin: User) -> None:
    study = make_study()
    answer_all(study, wave="pre", good=True)
    client = api(admin)
    url = f"/api/evaluation/instruments/{study.instrument_id}"
    refused = client.put(url, json.dumps(instrument_data(title="Baru")), content_type=JSON)
    assert "new version" in error(refused, 400, "validation_error")["message"]
    made = post(client, url + "/versions", instrument_data(title="Baru"))
    assert made.status_code == 201 and (made.json()["version"], made.json()["locked"]) == (2, False)
    copied = client.post(url + "/versions")
    assert copied.status_code == 201 and copied.json()["version"] == 3


def test_evaluators_may_not_create_instruments(evaluator: User) -> None:
    error(post(api(evaluator), "/api/evaluation/instruments", instrument_data()), 403, "forbidden")


# --- studies and respondents ----------------------------------------------------------------------------


def test_a_study_is_created_assigned_opened_and_read(admin: User, evaluator: User) -> None:
    client = api(admin)
    instrument = make_instrument()
    made = post(
        client,
        "/api/evaluation/studies",
        {"title": "Studi API", "instrument_id": instrument.pk, "evaluator_ids": [evaluator.pk], "alpha": 0.01},
    )
    assert made.status_code == 201, made.content
    study = made.json()
    assert [a["code"] for a in study["arms"]] == ["treatment", "control"]
    assert [w["code"] for w in study["waves"]] == ["pre", "post"] and study["evaluators"][0]["username"] == "evaluator"
    base = f"/api/evaluation/studies/{study['id']}"
    opened = post(client, base + "/status", {"status": "collecting"})
    assert "no respondents" in error(opened, 400, "validation_error")["message"]
    treated, control = CompanionFactory(), CompanionFactory(home_desa=village(MALANG_VILLAGE))
    added = post(client, base + "/respondents", {"arm": "treatment", "companion_ids": [treated.pk]})
    assert added.status_code == 201 and added.json()[0]["name"] == treated.name
    both = post(client, base + "/respondents", {"arm": "control", "companion_ids": [treated.pk, control.pk]})
    assert "both arms" in error(both, 400, "validation_error")["message"]
    assert post(client, base + "/respondents", {"arm": "control", "companion_ids": [control.pk]}).status_code == 201
    external = post(client, base + "/respondents/external", {"arm": "control", "name": "Tamu", "ref": "X-1"})
    assert external.status_code == 201 and external.json()["kind"] == "external"
    assert post(client, base + "/status", {"status": "collecting"}).json()["status"] == "collecting"
    listed = client.get(base + "/respondents?arm=control").json()
    assert listed["count"] == 2 and {r["kind"] for r in listed["items"]} == {"companion", "external"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "S", "instrument_id": 10**6}, "instrument_id"),
        ({"title": "S", "instrument_id": 0}, "instrument_id"),
        ({"title": "S", "alpha": 0.9}, "alpha"),
        ({"title": "S", "family": "per_item"}, "family"),
        ({"title": "S", "waves": [{"code": "Pre Test"}]}, "waves.0.code"),
        ({"title": "S", "evaluator_ids": [10**6]}, "evaluator_ids"),
        ({"title": "S", "role": "admin"}, "role"),
    ],
)
def test_bad_study_input_is_a_400_naming_the_field(admin: User, body: dict[str, Any], field: str) -> None:
    body = {"instrument_id": make_instrument().pk, **body}
    assert field in error(post(api(admin), "/api/evaluation/studies", body), 400, "validation_error")["fields"]
    assert not Study.objects.exists()


def test_randomise_and_balance_over_the_api(admin: User) -> None:
    study = make_study(treatment=0, control=0, collecting=False)
    people = [CompanionFactory() for _ in range(4)] + [
        CompanionFactory(home_desa=village(MALANG_VILLAGE)) for _ in range(2)
    ]
    client = api(admin)
    made = post(
        client,
        f"/api/evaluation/studies/{study.pk}/design/randomise",
        {"companion_ids": [c.pk for c in people], "seed": 5},
    )
    assert made.status_code == 201 and sorted(made.json()["arms"].values()).count("treatment") == 3
    balance = client.get(f"/api/evaluation/studies/{study.pk}/balance").json()
    assert {"education", "experience_years", "regency: 35.78"} <= {r["covariate"] for r in balance["rows"]}
    missing = post(
        client, f"/api/evaluation/studies/{study.pk}/design/randomise", {"companion_ids": [10**6, 10**6 + 1], "seed": 5}
    )
    assert "companion_ids" in error(missing, 400, "validation_error")["fields"]


# --- answers --------------------------------------------------------------------------------------------


def test_answers_are_submitted_per_respondent_and_wave_and_a_retry_is_harmless(admin: User) -> None:
    study = make_study()
    respondent = respondents(study, "treatment")[0]
    client = api(admin)
    url = f"/api/evaluation/studies/{study.pk}/respondents/{respondent.pk}/waves/pre/responses"
    body = {"answers": {"A1.1": "ya", "A2.1": "4"}, "submission_key": "hp-123"}
    first = post(client, url, body)
    assert first.status_code == 200 and first.json()["created"] == 2 and not first.json()["replay"]
    retry = post(client, url, body)
    assert retry.json()["replay"] and Response.objects.count() == 2
    assert client.get(url).json()["answers"] == {"A1.1": "ya", "A2.1": "4"}
    by_id = url.replace("/pre/", f"/{study.waves.get(code='pre').pk}/")
    assert client.get(by_id).json()["answers"] == {"A1.1": "ya", "A2.1": "4"}
    bad = post(client, url, {"answers": {"A1.1": "mungkin"}})
    fields = error(bad, 400, "validation_error")["fields"]
    assert "mungkin" in fields["answers.A1.1"][0]
    error(client.get(url.replace("/pre/", "/during/")), 404, "not_found")
    assert "answers" in error(post(client, url, {"answers": {}}), 400, "validation_error")["fields"]


def test_a_csv_is_imported_all_or_nothing(admin: User) -> None:
    study = make_study(treatment=1, control=1)
    t, k = respondents(study, "treatment")[0].pseudonym, respondents(study, "control")[0].pseudonym
    client = api(admin)
    url = f"/api/evaluation/studies/{study.pk}/responses/import"
    bad = f"respondent,arm,wave,item,answer\n{t},treatment,pre,A1.1,ya\n{k},control,pre,A1.1,mungkin\n"
    refused = client.post(url, {"file": SimpleUploadedFile("r.csv", bad.encode(), "text/csv")})
    assert "row 3:" in error(refused, 400, "validation_error")["fields"]["rows"][0]
    assert not Response.objects.exists()
    good = f"respondent,arm,wave,item,answer\n{t},treatment,post,A1.1,ya\n{k},control,pre,A1.1,tidak\n"
    done = client.post(url, {"file": SimpleUploadedFile("r.csv", good.encode(), "text/csv")})
    assert done.status_code == 200, done.content
    assert done.json()["created"] == 2 and done.json()["warnings"][0]["code"] == "unpaired"
    garbage = client.post(url, {"file": SimpleUploadedFile("r.csv", b"a;b\n1;2\n", "text/csv")})
    assert "missing column" in error(garbage, 400, "validation_error")["fields"]["file"][0]
    assert "file.file" in error(client.post(url, {}), 400, "validation_error")["fields"]


def test_completeness_over_the_api(admin: User) -> None:
    study = make_study(treatment=1, control=1)
    body = api(admin).get(f"/api/evaluation/studies/{study.pk}/completeness").json()
    assert body["items"] == 3 and len(body["rows"]) == 4 and body["rows"][0]["missing"] == ["A1.1", "A1.2", "A2.1"]


# --- analyses -------------------------------------------------------------------------------------------


def test_an_analysis_is_requested_and_read(evaluator: User) -> None:
    study = make_study(evaluators=(evaluator,))
    answer_all(study, wave="pre", good=False)
    answer_all(study, wave="post", good=True)
    client = api(evaluator)
    made = post(client, f"/api/evaluation/studies/{study.pk}/analyses", {"lang": "en"})
    assert made.status_code == 202, made.content
    assert set(made.json()) >= {"id", "status", "progress"}
    detail = client.get(f"/api/evaluation/analyses/{made.json()['id']}").json()
    assert detail["status"] == "done" and detail["progress"] == 100
    assert detail["result"]["inputs_hash"] == detail["inputs_hash"] and detail["result"]["design"]
    assert client.get(f"/api/evaluation/studies/{study.pk}/analyses").json()["count"] == 1
    assert post(client, f"/api/evaluation/studies/{study.pk}/analyses", {"lang": "fr"}).status_code == 400


# --- gap analysis ---------------------------------------------------------------------------------------


def test_a_gap_assessment_is_rated_and_ranked(admin: User, evaluator: User) -> None:
    client = api(admin)
    made = post(client, "/api/evaluation/gap-assessments", {"title": "Kesenjangan 2025", "assessed_on": "2025-02-01"})
    assert made.status_code == 201
    url = f"/api/evaluation/gap-assessments/{made.json()['id']}"
    for component, ratings in (("internship", (1, 4, 5)), ("recruitment", (3, 4, 4)), ("briefing_time", (4, 4, 4))):
        body = dict(zip(("applied", "expected", "standard"), ratings, strict=True))
        assert client.put(f"{url}/ratings/{component}", json.dumps(body), content_type=JSON).status_code == 200
    detail = api(evaluator).get(url).json()
    assert [p["component"] for p in detail["priorities"]] == ["internship", "recruitment", "briefing_time"]
    assert [p["priority"] for p in detail["priorities"]] == ["high", "medium", "low"]
    assert detail["priorities"][0]["gap"] == 4 and len(detail["unrated"]) == 8
    bad = client.put(
        f"{url}/ratings/internship", json.dumps({"applied": 6, "expected": 1, "standard": 1}), content_type=JSON
    )
    assert "applied" in error(bad, 400, "validation_error")["fields"]
    error(
        client.put(
            f"{url}/ratings/magang", json.dumps({"applied": 1, "expected": 1, "standard": 1}), content_type=JSON
        ),
        400,
        "validation_error",
    )
    error(
        post(api(evaluator), "/api/evaluation/gap-assessments", {"title": "x", "assessed_on": "2025-02-01"}),
        403,
        "forbidden",
    )


def test_the_openapi_schema_lists_the_evaluation_endpoints(admin: User) -> None:
    paths = api(admin).get("/api/openapi.json").json()["paths"]
    assert "/api/evaluation/studies/{study_id}/analyses" in paths
    assert "application/yaml" in paths["/api/evaluation/instruments"]["post"]["requestBody"]["content"]
    assert Instrument.objects.count() == 0


JUNK = ["{", "null", "[]", '"x"', "1e999", json.dumps({"a": "\u0000"}), json.dumps({"answers": {"A1.1": None}})]


def test_no_write_answers_junk_with_a_500(admin: User) -> None:
    study = make_study()
    respondent = respondents(study, "treatment")[0]
    base = f"/api/evaluation/studies/{study.pk}"
    urls = [
        ("post", "/api/evaluation/instruments"), ("put", f"/api/evaluation/instruments/{study.instrument_id}"),
        ("post", f"/api/evaluation/instruments/{study.instrument_id}/versions"), ("post", "/api/evaluation/studies"),
        ("patch", base), ("post", f"{base}/status"), ("post", f"{base}/waves"), ("post", f"{base}/evaluators"),
        ("post", f"{base}/respondents"), ("post", f"{base}/respondents/external"), ("post", f"{base}/design/randomise"),
        ("post", f"{base}/design/match"), ("post", f"{base}/respondents/{respondent.pk}/waves/pre/responses"),
        ("post", f"{base}/analyses"), ("post", "/api/evaluation/gap-assessments"),
    ]  # fmt: skip
    client = api(admin)
    for method, url in urls:
        for body in JUNK:
            response = getattr(client, method)(url, body, content_type=JSON)
            assert response.status_code in (400, 404, 409), (method, url, body)
        yaml_junk = getattr(client, method)(url, b"\xff\xfe: [", content_type="application/yaml")
        assert yaml_junk.status_code < 500, (method, url)


def test_list_endpoints_cost_the_same_queries_however_many_rows(admin: User) -> None:
    client = api(admin)
    client.get("/api/me")  # a new token's first request also stamps its last use; the counts compare later ones
    small = make_study(treatment=1, control=1)
    big = make_study(treatment=8, control=8)
    counts = []
    for study in (small, big):
        with CaptureQueriesContext(connection) as queries:
            for url in (f"/api/evaluation/studies/{study.pk}/respondents", "/api/evaluation/studies"):
                assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_analysis_can_be_requested_without_a_body_but_not_with_unknown_fields(admin: Any) -> None:
    study = make_study()
    answer_all(study, wave="pre", good=False)
    answer_all(study, wave="post", good=True)
    client = api(admin)
    assert client.post(f"/api/evaluation/studies/{study.pk}/analyses").status_code == 202
    response = client.post(
        f"/api/evaluation/studies/{study.pk}/analyses", json.dumps({"role": "admin"}), content_type="application/json"
    )
    assert response.status_code == 400 and "role" in response.json()["error"]["fields"]
