"""Analyses: the task (immediate backend in tests) stores the engine's result with its inputs hash; input
the engine cannot analyse ends as failed, never with a p-value."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pendamping.accounts.models import User
from pendamping.evaluation.engine import model as engine
from pendamping.evaluation.engine.analysis import analyse
from pendamping.evaluation.models import Analysis
from pendamping.evaluation.runner import analysis_run
from pendamping.evaluation.services import analysis_request, responses_record
from pendamping.evaluation.tests.factories import CATEGORIES, LIKERT, YES_NO, answer_all, make_study, respondents

pytestmark = pytest.mark.django_db


def _options(data: list[dict[str, Any]]) -> tuple[engine.Option, ...]:
    scores = [float(o["score"]) if "score" in o else None for o in data]  # the file format reads scores as numbers
    return tuple(engine.Option(o["code"], o["label"], o["favourable"], s) for o, s in zip(data, scores, strict=True))


def _engine_instrument() -> engine.Instrument:
    """The factories' instrument written out by hand, independent of the app's mapping."""
    return engine.Instrument("TEST", 1, "Instrumen uji", (
        engine.Aspect("A1", "Rekrutmen", (
            engine.Item("A1.1", "Rekrutmen diumumkan terbuka?", "binary", _options(YES_NO)),
            engine.Item("A1.2", "Seleksi dilakukan?", "categorical", _options(CATEGORIES)),
        )),
        engine.Aspect("A2", "Pembekalan", (
            engine.Item("A2.1", "Materi bermanfaat", "likert", _options(LIKERT), ordered=True),
        )),
    ))  # fmt: skip


def _answers(study: Any) -> list[engine.Answer]:
    good = {"A1.1": "ya", "A1.2": "selalu", "A2.1": "5"}
    bad = {"A1.1": "tidak", "A1.2": "kadang", "A2.1": "2"}
    rows = []
    for respondent in study.respondents.select_related("arm"):
        arm = respondent.arm.code
        for wave, answers in (("pre", bad), ("post", good if arm == "treatment" else bad)):
            rows += [engine.Answer(respondent.pseudonym, arm, wave, i, a) for i, a in answers.items()]
    return rows


def _study_with_answers(evaluators: tuple[User, ...] = ()) -> Any:
    study = make_study(treatment=4, control=4, evaluators=evaluators)
    answer_all(study, wave="pre", good=False)
    for respondent in respondents(study, "treatment"):
        wave = study.waves.get(code="post")
        responses_record(
            actor=None, respondent=respondent, wave=wave, answers={"A1.1": "ya", "A1.2": "selalu", "A2.1": "5"}
        )
    for respondent in respondents(study, "control"):
        wave = study.waves.get(code="post")
        responses_record(
            actor=None, respondent=respondent, wave=wave, answers={"A1.1": "tidak", "A1.2": "kadang", "A2.1": "2"}
        )
    return study


def test_the_task_stores_the_engines_result_with_the_same_inputs_hash(evaluator: User) -> None:
    study = _study_with_answers(evaluators=(evaluator,))
    analysis = analysis_request(actor=evaluator, study=study, lang="en")
    assert (analysis.status, analysis.progress, analysis.error) == ("done", 100, "")
    assert analysis.task_result_id and analysis.started_at and analysis.finished_at
    options = engine.AnalysisOptions(alpha=0.05, lang="en", adjust="holm", waves=("pre", "post"), family="all")
    expected = analyse(_engine_instrument(), _answers(study), options)
    assert analysis.inputs_hash == expected.inputs_hash == analysis.result["inputs_hash"]
    assert analysis.result == expected.to_dict()
    assert analysis.software_version.startswith("pendamping ")
    assert analysis.options == {
        "alpha": 0.05,
        "lang": "en",
        "adjust": "holm",
        "waves": ["pre", "post"],
        "family": "all",
    }


def test_asking_again_runs_again_and_records_the_same_hash(admin: User) -> None:
    study = _study_with_answers()
    first = analysis_request(actor=admin, study=study, lang="id")
    second = analysis_request(actor=admin, study=study, lang="id")
    assert first.pk != second.pk and first.inputs_hash == second.inputs_hash
    responses_record(
        actor=admin, respondent=respondents(study, "control")[0], wave=study.waves.get(code="post"),
        answers={"A1.1": "ya"},
    )  # fmt: skip
    assert analysis_request(actor=admin, study=study, lang="id").inputs_hash != first.inputs_hash


def test_the_study_declares_alpha_and_the_multiplicity_family(admin: User) -> None:
    study = _study_with_answers()
    study.alpha, study.family = 0.01, "per_aspect"
    study.save()
    analysis = analysis_request(actor=admin, study=study, lang="en")
    assert analysis.options["alpha"] == 0.01 and analysis.options["family"] == "aspect"
    assert {row["family"] for row in analysis.result["design"]} == {"aspect:A1", "aspect:A2"}


def test_a_post_without_a_pre_is_reported_and_analysed_as_a_missing_pair(admin: User) -> None:
    study = _study_with_answers()
    newcomer = respondents(study, "treatment")[0]
    newcomer.responses.filter(wave__code="pre").delete()
    analysis = analysis_request(actor=admin, study=study, lang="en")
    assert analysis.status == "done"
    unpaired = [p for p in analysis.problems if p["code"] == "unpaired"]
    assert len(unpaired) == 3 and {p["respondent"] for p in unpaired} == {newcomer.pseudonym}


def test_an_arm_with_no_respondents_is_refused_before_queueing(admin: User) -> None:
    study = make_study(control=0, collecting=False)
    with pytest.raises(ValidationError, match="no respondents"):
        analysis_request(actor=admin, study=study)
    assert not Analysis.objects.exists()


def test_an_arm_without_answers_fails_with_the_reason_and_no_p_values(admin: User) -> None:
    study = make_study(treatment=2, control=2)
    for respondent in respondents(study, "treatment"):
        for wave in ("pre", "post"):
            responses_record(
                actor=admin, respondent=respondent, wave=study.waves.get(code=wave), answers={"A1.1": "ya"}
            )
    analysis = analysis_request(actor=admin, study=study, lang="en")
    assert analysis.status == "failed" and analysis.result is None
    assert "arm 'control' has no respondents" in analysis.error
    assert any(p["blocking"] for p in analysis.problems)


def test_only_named_evaluators_and_admins_analyse(evaluator: User, auditor: User, companion_user: User) -> None:
    study = _study_with_answers(evaluators=(auditor,))
    for user in (evaluator, auditor, companion_user):  # not named; read-only; respondents do not analyse
        with pytest.raises(PermissionDenied):
            analysis_request(actor=user, study=study)


def test_the_run_can_be_called_directly_and_again(admin: User) -> None:
    study = _study_with_answers()
    analysis = analysis_request(actor=admin, study=study, run_now=True)
    assert analysis.status == "done" and analysis.task_result_id == ""
    assert analysis_run(analysis_id=analysis.pk).inputs_hash == analysis.inputs_hash
