"""Studies, arms, waves and respondents: the design rules, and pseudonyms that are keyed HMACs (QUALITY A7)."""

import datetime as dt
import hashlib
import hmac

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pendamping.accounts.models import User
from pendamping.companions.tests.factories import AssignmentFactory, CompanionFactory
from pendamping.evaluation.models import Respondent, Study
from pendamping.evaluation.selectors import study_balance
from pendamping.evaluation.services import (
    WaveSpec,
    respondent_add_external,
    respondent_remove,
    responses_record,
    study_assign_respondents,
    study_create,
    study_design_match,
    study_design_randomise,
    study_evaluator_add,
    study_set_status,
    wave_add,
)
from pendamping.evaluation.tests.factories import make_instrument, make_study, respondents
from pendamping.registry.tests.factories import MALANG_VILLAGE, village

pytestmark = pytest.mark.django_db


def test_a_new_study_is_a_draft_with_two_arms_and_a_pre_and_post_wave(admin: User) -> None:
    study = study_create(actor=admin, title="  Studi   2025 ", instrument=make_instrument())
    assert (study.title, study.status, study.alpha, study.family) == ("Studi 2025", "draft", 0.05, "all")
    assert sorted(study.arms.values_list("code", flat=True)) == ["control", "treatment"]
    assert list(study.waves.values_list("code", "order")) == [("pre", 1), ("post", 2)]
    assert len(study.pseudonym_key) == 64


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"waves": [WaveSpec("pre", "Pre")]}, "waves"),
        ({"waves": [WaveSpec("pre", "Pre"), WaveSpec("pre", "Lagi")]}, "waves"),
        ({"waves": [WaveSpec("Pre Test", "x"), WaveSpec("post", "y")]}, "code"),
        ({"starts_on": dt.date(2025, 5, 1), "ends_on": dt.date(2025, 1, 1)}, "ends_on"),
        ({"alpha": 0.5}, "alpha"),
        ({"family": "per_item"}, "family"),
        ({"title": "   "}, "title"),
    ],
)
def test_a_bad_study_is_refused_naming_the_field(admin: User, kwargs: dict, field: str) -> None:
    data = {"title": "Studi", **kwargs}
    with pytest.raises(ValidationError) as err:
        study_create(actor=admin, instrument=make_instrument(), **data)
    assert field in err.value.message_dict
    assert not Study.objects.exists()


def test_only_admins_create_studies(evaluator: User, surabaya_officer: User) -> None:
    instrument = make_instrument()
    for user in (evaluator, surabaya_officer):
        with pytest.raises(PermissionDenied):
            study_create(actor=user, title="Studi", instrument=instrument)


def test_a_study_cannot_collect_while_an_arm_has_no_respondents(admin: User) -> None:
    study = make_study(control=0, collecting=False)
    with pytest.raises(ValidationError) as err:
        study_set_status(actor=admin, study=study, status="collecting")
    assert "Control" in str(err.value) and "no respondents" in str(err.value)


def test_a_respondent_cannot_be_in_both_arms(admin: User) -> None:
    study = make_study(collecting=False)
    treated = respondents(study, "treatment")[0].companion
    with pytest.raises(ValidationError) as err:
        study_assign_respondents(actor=admin, study=study, arm="control", companions=[treated, CompanionFactory()])
    assert "cannot be in both arms" in str(err.value) and treated.name in str(err.value)
    assert study.respondents.count() == 6  # all or nothing: the other companion was not added either


def test_assigning_the_same_companions_again_changes_nothing(admin: User) -> None:
    study = make_study(collecting=False)
    treated = [r.companion for r in respondents(study, "treatment")]
    assert study_assign_respondents(actor=admin, study=study, arm="treatment", companions=treated) == []
    assert study.respondents.count() == 6


def test_a_closed_study_takes_no_new_respondents(admin: User) -> None:
    study = make_study()
    study_set_status(actor=admin, study=study, status="closed")
    with pytest.raises(ValidationError, match="closed"):
        study_assign_respondents(actor=admin, study=study, arm="control", companions=[CompanionFactory()])


def test_external_persons_need_a_reference_and_join_one_arm_only(admin: User) -> None:
    study = make_study(collecting=False)
    with pytest.raises(ValidationError) as err:
        respondent_add_external(actor=admin, study=study, arm="treatment", name="Tamu", ref=" ")
    assert "ref" in err.value.message_dict
    person = respondent_add_external(
        actor=admin, study=study, arm="treatment", name="Ibu  Tamu", ref="PEG-001", regency_code="35.78"
    )
    assert (person.external_name, person.regency_id, person.companion_id) == ("Ibu Tamu", "35.78", None)
    with pytest.raises(ValidationError, match="both arms"):
        respondent_add_external(actor=admin, study=study, arm="control", name="Ibu Tamu", ref="PEG-001")
    with pytest.raises(ValidationError, match="already a respondent"):
        respondent_add_external(actor=admin, study=study, arm="treatment", name="Ibu Tamu", ref="PEG-001")
    with pytest.raises(ValidationError) as err:
        respondent_add_external(actor=admin, study=study, arm="treatment", name="X", ref="Y", regency_code="99.99")
    assert "regency_code" in err.value.message_dict


def test_pseudonyms_are_keyed_hmacs_that_plain_hashing_of_niks_never_finds(admin: User) -> None:
    """A7: a pseudonym is HMAC-SHA256 under the study's own key; hashing every plausible NIK without the key
    (plain SHA-256, or HMAC under a guessed key) matches none of them, and the same companion gets unrelated
    pseudonyms in two studies."""
    first, second = make_study(collecting=False), make_study(collecting=False)
    companion = respondents(first, "treatment")[0].companion
    study_assign_respondents(actor=admin, study=second, arm="control", companions=[companion])
    one = Respondent.objects.get(study=first, companion=companion).pseudonym
    two = Respondent.objects.get(study=second, companion=companion).pseudonym
    assert one != two
    expected = hmac.new(bytes.fromhex(first.pseudonym_key), companion.nik.encode(), hashlib.sha256).hexdigest()
    assert one == "R-" + expected[:12].upper()
    codes = set(Respondent.objects.values_list("pseudonym", flat=True))
    nik = companion.nik
    guesses = {nik[:12] + f"{serial:04d}" for serial in range(1, 10000)}
    assert nik in guesses
    for guess in guesses:
        for digest in (hashlib.sha256(guess.encode()).hexdigest(), hmac.new(b"", guess.encode(), "sha256").hexdigest()):
            assert "R-" + digest[:12].upper() not in codes


def test_a_respondent_with_answers_stays(admin: User) -> None:
    study = make_study()
    respondent = respondents(study, "treatment")[0]
    responses_record(actor=admin, respondent=respondent, wave=study.waves.get(code="pre"), answers={"A1.1": "ya"})
    with pytest.raises(ValidationError, match="has answers"):
        respondent_remove(actor=admin, respondent=respondent)
    other = respondents(study, "treatment")[1]
    respondent_remove(actor=admin, respondent=other)
    assert not Respondent.objects.filter(pk=other.pk).exists()


def test_a_study_with_answers_cannot_go_back_to_draft_but_can_close_and_reopen(admin: User) -> None:
    study = make_study()
    responses_record(
        actor=admin, respondent=study.respondents.first(), wave=study.waves.get(code="pre"), answers={"A1.1": "ya"}
    )
    with pytest.raises(ValidationError, match="draft"):
        study_set_status(actor=admin, study=study, status="draft")
    assert study_set_status(actor=admin, study=study, status="closed").status == "closed"
    assert study_set_status(actor=admin, study=study, status="collecting").status == "collecting"


def test_more_waves_can_follow(admin: User) -> None:
    study = make_study()
    wave = wave_add(actor=admin, study=study, code="followup", label="Tindak lanjut")
    assert wave.order == 3
    with pytest.raises(ValidationError):
        wave_add(actor=admin, study=study, code="followup", label="Lagi")


def test_only_evaluators_officers_and_auditors_can_be_named(
    admin: User, evaluator: User, auditor: User, companion_user: User
) -> None:
    study = make_study(collecting=False)
    study_evaluator_add(actor=admin, study=study, user=evaluator)
    study_evaluator_add(actor=admin, study=study, user=evaluator)
    study_evaluator_add(actor=admin, study=study, user=auditor)
    assert study.evaluators.count() == 2
    for user in (companion_user, admin):
        with pytest.raises(ValidationError):
            study_evaluator_add(actor=admin, study=study, user=user)


def test_randomisation_is_stratified_by_regency_and_reproducible(admin: User) -> None:
    surabaya = [CompanionFactory() for _ in range(6)]
    malang = [CompanionFactory(home_desa=village(MALANG_VILLAGE)) for _ in range(4)]
    arms = []
    for _ in range(2):
        study = study_create(actor=admin, title="Acak", instrument=make_instrument(f"I{len(arms)}"))
        outcome = study_design_randomise(actor=admin, study=study, companions=surabaya + malang, seed=11)
        arms.append(outcome.arms)
        for group in (surabaya, malang):
            split = [outcome.arms[str(c.pk)] for c in group]
            assert split.count("treatment") == split.count("control")
        assert study.respondents.filter(arm__code="treatment").count() == 5
    assert arms[0] == arms[1]
    with pytest.raises(ValidationError, match="respondents already"):
        study_design_randomise(actor=admin, study=study, companions=surabaya, seed=1)


def test_matching_picks_controls_of_the_same_regency_and_reports_balance(admin: User) -> None:
    study = study_create(actor=admin, title="Cocok", instrument=make_instrument(), starts_on=dt.date(2025, 1, 1))
    treated = [CompanionFactory(education="s1"), CompanionFactory(home_desa=village(MALANG_VILLAGE), education="sma")]
    for companion in treated:
        AssignmentFactory(companion=companion, started_on=dt.date(2022, 1, 1))
    study_assign_respondents(actor=admin, study=study, arm="treatment", companions=treated)
    pool = [
        CompanionFactory(education="s1"),
        CompanionFactory(education="smp"),
        CompanionFactory(home_desa=village(MALANG_VILLAGE), education="sma"),
        CompanionFactory(home_desa=village(MALANG_VILLAGE), education="s2"),
    ]
    outcome = study_design_match(actor=admin, study=study, candidates=pool, seed=3)
    found = {m.treated_id: m.control_ids for m in outcome.matches}
    assert found == {str(treated[0].pk): (str(pool[0].pk),), str(treated[1].pk): (str(pool[2].pk),)}
    assert all(m.exact == (True,) for m in outcome.matches)
    assert study.respondents.filter(arm__code="control").count() == 2
    report = study_balance(study=study)
    rows = {row.covariate: row for row in report.rows}
    assert rows["education"].smd == 0 and not rows["education"].imbalanced
    assert "baseline_score" in report.untestable  # nobody has answered the pre-test yet


def test_matching_needs_registry_companions_in_the_treatment_arm(admin: User) -> None:
    study = study_create(actor=admin, title="Cocok", instrument=make_instrument())
    with pytest.raises(ValidationError, match="treatment arm"):
        study_design_match(actor=admin, study=study, candidates=[CompanionFactory()])
