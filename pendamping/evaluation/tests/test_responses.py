"""Answers: one respondent's form per wave (idempotent on its submission key), and the all-or-nothing CSV
import, with the bad input of issue 3 each refused or reported with a clear message."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pendamping.accounts.models import User
from pendamping.audit.models import AuditEntry
from pendamping.evaluation.engine.io import parse_responses
from pendamping.evaluation.models import Response, Submission
from pendamping.evaluation.selectors import respondent_answers, study_completeness
from pendamping.evaluation.services import responses_import, responses_record, study_set_status
from pendamping.evaluation.tests.factories import answer_all, make_study, respondents

pytestmark = pytest.mark.django_db

FULL = {"A1.1": "ya", "A1.2": "selalu", "A2.1": "4"}


def _record(actor: User | None, study, respondent, wave: str = "pre", key: str = "", **answers: str):  # type: ignore[no-untyped-def]
    return responses_record(
        actor=actor, respondent=respondent, wave=study.waves.get(code=wave), answers=answers or FULL,
        submission_key=key,
    )  # fmt: skip


def test_a_form_stores_its_answers_and_locks_the_instrument(admin: User) -> None:
    study = make_study()
    respondent = respondents(study, "treatment")[0]
    done = _record(admin, study, respondent, key="k1")
    assert (done.created, done.changed, done.unchanged, done.replay) == (3, 0, 0, False)
    assert respondent_answers(respondent=respondent, wave=study.waves.get(code="pre")) == FULL
    study.instrument.refresh_from_db()
    assert study.instrument.is_locked
    entry = AuditEntry.objects.get(object_id=str(Submission.objects.get().pk), content_type__model="submission")
    assert entry.changes["answers"] == [{}, FULL] and entry.changes["respondent"][1] == respondent.pseudonym


def test_an_answer_outside_the_items_options_is_refused_naming_item_and_value(admin: User) -> None:
    study = make_study()
    respondent = respondents(study, "treatment")[0]
    with pytest.raises(ValidationError) as err:
        responses_record(
            actor=admin, respondent=respondent, wave=study.waves.get(code="pre"),
            answers={"A1.1": "mungkin", "A2.1": "9", "A1.2": "selalu", "Z9": "ya"},
        )  # fmt: skip
    errors = err.value.message_dict
    assert "'mungkin' is not an answer option of item 'A1.1' (allowed: ya, tidak)" in errors["answers.A1.1"][0]
    assert "'9'" in errors["answers.A2.1"][0] and "allowed: 1, 2, 3, 4, 5" in errors["answers.A2.1"][0]
    assert "no item 'Z9'" in errors["answers.Z9"][0]
    assert not Response.objects.exists()


def test_resubmitting_the_same_form_changes_nothing(admin: User) -> None:
    study = make_study()
    respondent = respondents(study, "treatment")[0]
    _record(admin, study, respondent, key="form-1")
    again = _record(admin, study, respondent, key="form-1")
    assert again.replay and (again.created, again.changed) == (0, 0)
    assert Response.objects.count() == 3 and Submission.objects.count() == 1


def test_a_replayed_old_submission_never_undoes_a_newer_one(admin: User) -> None:
    study = make_study()
    respondent = respondents(study, "treatment")[0]
    _record(admin, study, respondent, key="old")
    newer = _record(admin, study, respondent, key="new", **{"A1.1": "tidak", "A1.2": "kadang", "A2.1": "2"})
    assert (newer.changed, newer.created) == (3, 0)
    assert _record(admin, study, respondent, key="old").replay
    assert respondent_answers(respondent=respondent, wave=study.waves.get(code="pre"))["A1.1"] == "tidak"


def test_the_same_key_with_other_answers_is_refused(admin: User) -> None:
    study = make_study()
    respondent = respondents(study, "treatment")[0]
    _record(admin, study, respondent, key="k")
    with pytest.raises(ValidationError) as err:
        _record(admin, study, respondent, key="k", **{"A1.1": "tidak"})
    assert "submission_key" in err.value.message_dict


def test_a_companion_answers_only_as_themselves(companion_user: User) -> None:
    study = make_study()
    mine, other = respondents(study, "treatment")[:2]
    mine.companion.user = companion_user
    mine.companion.save()
    assert _record(companion_user, study, mine).created == 3
    with pytest.raises(PermissionDenied):
        _record(companion_user, study, other)


def test_evaluators_and_auditors_do_not_answer(evaluator: User, auditor: User) -> None:
    study = make_study(evaluators=(evaluator,))
    for user in (evaluator, auditor):
        with pytest.raises(PermissionDenied):
            _record(user, study, respondents(study, "control")[0])


def test_answers_are_taken_only_while_the_study_collects(admin: User) -> None:
    study = make_study(collecting=False)
    with pytest.raises(ValidationError, match="not collecting"):
        _record(admin, study, respondents(study, "treatment")[0])
    study_set_status(actor=admin, study=study, status="collecting")
    _record(admin, study, respondents(study, "treatment")[0], key="x")
    study_set_status(actor=admin, study=study, status="closed")
    with pytest.raises(ValidationError, match="not collecting"):
        _record(admin, study, respondents(study, "treatment")[0], key="y")
    assert _record(admin, study, respondents(study, "treatment")[0], key="x").replay  # a late retry is still fine


def test_completeness_lists_the_unanswered_items_per_respondent_and_wave(admin: User) -> None:
    study = make_study(treatment=2, control=2)
    first = respondents(study, "treatment")[0]
    _record(admin, study, first, **{"A1.1": "ya"})
    report = study_completeness(user=admin, study=study)
    assert report.items == 3 and len(report.rows) == 8
    row = next(r for r in report.rows if r.respondent_id == first.pk and r.wave == "pre")
    assert (row.answered, row.missing) == (1, ["A1.2", "A2.1"])
    assert report.summary[("treatment", "pre")] == {"complete": 0, "partial": 1, "none": 1}
    assert report.summary[("control", "post")] == {"complete": 0, "partial": 0, "none": 2}


# --- import ------------------------------------------------------------------------------------------------


def _csv(study, lines: list[str], header: str = "respondent,arm,wave,item,answer") -> bytes:  # type: ignore[no-untyped-def]
    codes = {f"T{i}": r.pseudonym for i, r in enumerate(respondents(study, "treatment"))}
    codes |= {f"K{i}": r.pseudonym for i, r in enumerate(respondents(study, "control"))}
    text = "\n".join([header, *lines])
    for short, code in sorted(codes.items(), reverse=True):
        text = text.replace(f"{short},", f"{code},")
    return text.encode()


def _import(admin: User, study, data: bytes):  # type: ignore[no-untyped-def]
    parsed = parse_responses(data)
    return responses_import(actor=admin, study=study, answers=parsed.answers, rows=parsed.rows)


def test_a_long_csv_is_imported_and_importing_it_again_changes_nothing(admin: User) -> None:
    study = make_study(treatment=1, control=1)
    lines = [
        f"{who},{arm},{wave},A1.1,ya"
        for who, arm in (("T0", "treatment"), ("K0", "control"))
        for wave in ("pre", "post")
    ]
    done = _import(admin, study, _csv(study, lines))
    assert (done.created, done.unchanged, done.warnings) == (4, 0, [])
    again = _import(admin, study, _csv(study, lines))
    assert (again.created, again.unchanged) == (0, 4)
    study.instrument.refresh_from_db()
    assert study.instrument.is_locked


def test_a_respondent_may_be_named_by_nik(admin: User) -> None:
    study = make_study(treatment=1, control=1)
    nik = respondents(study, "treatment")[0].companion.nik
    done = _import(admin, study, f"respondent,arm,wave,item,answer\n{nik},perlakuan,pre,A1.1,ya\n".encode())
    assert done.created == 1


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["T0,treatment,pre,A1.1,mungkin"], "row 2: answer 'mungkin' is not an option of item 'A1.1'"),
        (["T0,treatment,pre,A1.1,ya", "T0,treatment,pre,A1.1,ya"], "row 2:"),
        (["T0,control,pre,A1.1,ya"], "cannot be in both arms"),
        (["T0,treatment,pre,B7,ya"], "item 'B7'"),
        (["X9,treatment,pre,A1.1,ya"], "respondent 'X9' is not in this study"),
        (["T0,treatment,followup,A1.1,ya"], "wave 'followup' is not a wave of this study"),
    ],
    ids=["answer outside the options", "duplicate rows", "both arms", "unknown item", "unknown respondent", "wave"],
)
def test_a_bad_file_is_refused_whole_with_row_numbers(admin: User, lines: list[str], expected: str) -> None:
    study = make_study(treatment=1, control=1)
    good = ["K0,control,pre,A1.1,tidak"]
    with pytest.raises(ValidationError) as err:
        _import(admin, study, _csv(study, [*lines, *good]))
    messages = " | ".join(err.value.message_dict["rows"])
    assert expected in messages
    assert not Response.objects.exists()  # all or nothing


def test_duplicate_rows_name_every_copy(admin: User) -> None:
    study = make_study(treatment=1, control=1)
    with pytest.raises(ValidationError) as err:
        _import(
            admin,
            study,
            _csv(study, ["T0,treatment,pre,A1.1,ya", "K0,control,pre,A1.1,ya", "T0,treatment,pre,A1.1,tidak"]),
        )
    rows = err.value.message_dict["rows"]
    assert [m[:6] for m in rows] == ["row 2:", "row 4:"] and "more than once" in rows[0]


def test_a_row_contradicting_a_stored_answer_is_refused(admin: User) -> None:
    study = make_study(treatment=1, control=1)
    _record(admin, study, respondents(study, "treatment")[0], **{"A1.1": "ya"})
    with pytest.raises(ValidationError, match="already answered item 'A1.1'"):
        _import(admin, study, _csv(study, ["T0,treatment,pre,A1.1,tidak"]))


def test_a_post_answer_without_a_pre_answer_is_imported_and_reported(admin: User) -> None:
    study = make_study(treatment=1, control=1)
    done = _import(
        admin, study, _csv(study, ["T0,treatment,post,A1.1,ya", "K0,control,pre,A1.1,ya", "K0,control,post,A1.1,ya"])
    )
    assert done.created == 3
    assert [(p.code, p.row) for p in done.warnings] == [("unpaired", 2)]
    assert "missing pair" in done.warnings[0].message


def test_a_wide_csv_is_read_too(admin: User) -> None:
    study = make_study(treatment=1, control=1)
    done = _import(
        admin,
        study,
        _csv(
            study,
            ["T0,treatment,pre,ya,selalu,5", "K0,control,pre,tidak,,2"],
            header="respondent,arm,wave,A1.1,A1.2,A2.1",
        ),
    )
    assert done.created == 5


def test_only_admins_import(evaluator: User) -> None:
    study = make_study(treatment=1, control=1, evaluators=(evaluator,))
    with pytest.raises(PermissionDenied):
        _import(evaluator, study, _csv(study, ["T0,treatment,pre,A1.1,ya"]))


def test_the_factory_answers_everything(admin: User) -> None:
    study = make_study(treatment=1, control=1)
    answer_all(study, wave="pre", good=True)
    assert Response.objects.count() == 6
