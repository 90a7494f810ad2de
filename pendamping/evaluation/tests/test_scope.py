"""Who sees what (DESIGN.md 2): admins every study; evaluators, officers and auditors only the studies they
are named on, and respondents only by pseudonym; a companion only the studies they answer in, their own
record and their own answers; nobody else anything. Out of scope is a 404, as for a row that does not exist."""

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from pendamping.accounts.models import User
from pendamping.accounts.services import token_create
from pendamping.evaluation.models import (
    Analysis,
    Arm,
    Aspect,
    GapAssessment,
    GapRating,
    Instrument,
    Item,
    Option,
    Respondent,
    Response,
    Study,
    StudyEvaluator,
    Submission,
    Wave,
)
from pendamping.evaluation.services import analysis_request, gap_assessment_create, gap_rating_set
from pendamping.evaluation.tests.factories import answer_all, make_instrument, make_study, respondents

pytestmark = pytest.mark.django_db
MODELS = (
    Instrument,
    Aspect,
    Item,
    Option,
    Study,
    StudyEvaluator,
    Arm,
    Wave,
    Respondent,
    Response,
    Submission,
    Analysis,
)


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    cache.clear()


def api(user: User) -> Client:
    _token, raw = token_create(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def world(evaluator: User) -> dict[str, Any]:
    """One study the evaluator is named on, with answers and an analysis; another one they are not on."""
    named = make_study(evaluators=(evaluator,))
    answer_all(named, wave="pre", good=False)
    answer_all(named, wave="post", good=True)
    analysis = analysis_request(actor=None, study=named, lang="en")
    other = make_study(instrument=make_instrument("OTHER"))
    answer_all(other, wave="pre", good=True)
    other_analysis = analysis_request(actor=None, study=other, run_now=True)
    return {"named": named, "other": other, "analysis": analysis, "other_analysis": other_analysis}


def _secrets(study: Study) -> list[str]:
    """What must never reach an evaluator: companions' names, NIKs (whole or masked) and registry ids."""
    out = []
    for r in study.respondents.select_related("companion"):
        out += [r.companion.name, r.companion.nik, r.companion.nik_masked, f'"companion_id": {r.companion.pk}']
    return out


def test_admins_see_every_row(admin: User, world: dict[str, Any]) -> None:
    for model in MODELS:
        assert model.objects.visible_to(admin).count() == model.objects.count(), model


def test_an_evaluator_sees_only_the_studies_they_are_named_on(evaluator: User, world: dict[str, Any]) -> None:
    named, other = world["named"], world["other"]
    assert list(Study.objects.visible_to(evaluator)) == [named]
    assert set(Respondent.objects.visible_to(evaluator)) == set(named.respondents.all())
    assert not Response.objects.visible_to(evaluator).filter(respondent__study=other).exists()
    assert list(Analysis.objects.visible_to(evaluator)) == [world["analysis"]]
    assert list(Instrument.objects.visible_to(evaluator)) == [named.instrument]
    assert not Item.objects.visible_to(evaluator).filter(instrument=other.instrument).exists()


def test_officers_and_auditors_see_no_study_unless_named(
    surabaya_officer: User, auditor: User, norole: User, officer_without_region: User, world: dict[str, Any]
) -> None:
    for user in (surabaya_officer, auditor, norole, officer_without_region):
        for model in MODELS:
            assert not model.objects.visible_to(user).exists(), (user, model)
    StudyEvaluator.objects.create(study=world["named"], user=auditor)
    assert list(Study.objects.visible_to(auditor)) == [world["named"]]


def test_a_companion_sees_their_own_study_record_and_answers_only(companion_user: User, world: dict[str, Any]) -> None:
    named = world["named"]
    me = respondents(named, "treatment")[0]
    me.companion.user = companion_user
    me.companion.save()
    assert list(Study.objects.visible_to(companion_user)) == [named]
    assert list(Respondent.objects.visible_to(companion_user)) == [me]
    assert set(Response.objects.visible_to(companion_user)) == set(me.responses.all())
    assert not Analysis.objects.visible_to(companion_user).exists()
    assert Wave.objects.visible_to(companion_user).count() == 2


def _urls(study: Study, analysis: Analysis) -> list[str]:
    respondent = study.respondents.first()
    base = f"/api/evaluation/studies/{study.pk}"
    return [
        base, f"{base}/respondents", f"{base}/completeness", f"{base}/analyses", f"{base}/balance",
        f"{base}/respondents/{respondent.pk}/waves/pre/responses", f"/api/evaluation/analyses/{analysis.pk}",
        f"/api/evaluation/instruments/{study.instrument_id}",
    ]  # fmt: skip


def test_an_evaluator_not_named_on_a_study_gets_404_everywhere_in_it(evaluator: User, world: dict[str, Any]) -> None:
    client = api(evaluator)
    for url in _urls(world["other"], world["other_analysis"]):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    other = world["other"]
    posts = {
        f"/api/evaluation/studies/{other.pk}/analyses": {},
        f"/api/evaluation/studies/{other.pk}/status": {"status": "closed"},
    }
    for url, body in posts.items():
        assert client.post(url, json.dumps(body), content_type="application/json").status_code == 404
    assert client.get("/api/evaluation/studies").json()["count"] == 1


def test_evaluator_output_never_holds_a_companions_name_or_nik(evaluator: User, world: dict[str, Any]) -> None:
    named = world["named"]
    client = api(evaluator)
    secrets = _secrets(named)
    pseudonyms = list(named.respondents.values_list("pseudonym", flat=True))
    seen = ""
    for url in _urls(named, world["analysis"]):
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        seen += response.content.decode()
    listed = client.get(f"/api/evaluation/studies/{named.pk}/respondents").json()["items"]
    assert {r["pseudonym"] for r in listed} == set(pseudonyms)
    assert all(r["name"] is None and r["companion_id"] is None for r in listed)
    leaked = [s for s in secrets if s in seen]
    assert not leaked, leaked
    assert not re.search(r"\b35\d{14}\b", seen)  # no NIK-shaped number anywhere
    assert any(p in seen for p in pseudonyms)


def test_the_admin_sees_who_the_respondents_are(admin: User, world: dict[str, Any]) -> None:
    named = world["named"]
    listed = api(admin).get(f"/api/evaluation/studies/{named.pk}/respondents").json()["items"]
    names = {r.companion.name for r in named.respondents.select_related("companion")}
    assert {r["name"] for r in listed} == names


def test_a_companion_answers_only_as_themselves_over_the_api(companion_user: User, world: dict[str, Any]) -> None:
    named = world["named"]
    me, someone = respondents(named, "treatment")[:2]
    me.companion.user = companion_user
    me.companion.save()
    client = api(companion_user)
    base = f"/api/evaluation/studies/{named.pk}/respondents"
    body = json.dumps({"answers": {"A1.1": "tidak"}})
    mine = client.post(f"{base}/{me.pk}/waves/post/responses", body, content_type="application/json")
    assert mine.status_code == 200 and mine.json()["changed"] == 1
    theirs = client.post(f"{base}/{someone.pk}/waves/post/responses", body, content_type="application/json")
    assert theirs.status_code == 404
    assert client.get(f"{base}/{someone.pk}/waves/pre/responses").status_code == 404
    assert [r["id"] for r in client.get(base).json()["items"]] == [me.pk]
    assert client.get(f"/api/evaluation/studies/{named.pk}").json()["my_respondent_id"] == me.pk
    assert client.get(f"/api/evaluation/studies/{world['other'].pk}").status_code == 404
    assert client.get(f"/api/evaluation/analyses/{world['analysis'].pk}").status_code == 404
    assert (
        client.post(f"/api/evaluation/studies/{named.pk}/analyses", "", content_type="application/json").status_code
        == 403
    )


def test_an_auditor_named_on_a_study_reads_but_changes_nothing(auditor: User, world: dict[str, Any]) -> None:
    named = world["named"]
    StudyEvaluator.objects.create(study=named, user=auditor)
    client = api(auditor)
    assert client.get(f"/api/evaluation/analyses/{world['analysis'].pk}").status_code == 200
    assert (
        client.post(f"/api/evaluation/studies/{named.pk}/analyses", "", content_type="application/json").status_code
        == 403
    )
    status = client.post(
        f"/api/evaluation/studies/{named.pk}/status", json.dumps({"status": "closed"}), content_type="application/json"
    )
    assert status.status_code == 403
    respondent = named.respondents.first()
    answer = client.post(
        f"/api/evaluation/studies/{named.pk}/respondents/{respondent.pk}/waves/pre/responses",
        json.dumps({"answers": {"A1.1": "ya"}}),
        content_type="application/json",
    )
    assert answer.status_code == 403


def test_gap_assessments_are_read_by_the_evaluation_roles_only(
    admin: User, evaluator: User, auditor: User, surabaya_officer: User, companion_user: User
) -> None:
    assessment = gap_assessment_create(actor=admin, title="Kesenjangan", assessed_on=dt.date(2025, 1, 1))
    gap_rating_set(actor=admin, assessment=assessment, component="internship", applied=1, expected=4, standard=5)
    for user in (admin, evaluator, auditor):
        assert GapAssessment.objects.visible_to(user).count() == 1 and GapRating.objects.visible_to(user).count() == 1
    for user in (surabaya_officer, companion_user):
        assert not GapAssessment.objects.visible_to(user).exists()
        assert api(user).get(f"/api/evaluation/gap-assessments/{assessment.pk}").status_code == 404


def test_the_admin_site_shows_evaluation_rows_to_province_admins_only(
    admin: User, evaluator: User, client_for: Any, world: dict[str, Any]
) -> None:
    admin.is_staff = evaluator.is_staff = True
    admin.save()
    evaluator.save()
    study = world["named"]
    for url in (
        "/admin/evaluation/study/",
        f"/admin/evaluation/study/{study.pk}/change/",
        "/admin/evaluation/analysis/",
    ):
        assert client_for(admin).get(url).status_code == 200, url
        assert client_for(evaluator).get(url).status_code in (302, 403), url
