"""The responses kind (survey answers, long layout), driven directly: clean, then write in a savepoint; undo."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pendamping.evaluation.models import Respondent, Response, Study
from pendamping.evaluation.services import responses_record, study_set_status
from pendamping.evaluation.tests.factories import make_study, respondents
from pendamping.exchange.kinds.base import Context, RowInvalid, Written
from pendamping.exchange.kinds.responses import KIND

pytestmark = pytest.mark.django_db


def ctx_for(actor: Any, on_existing: str = "skip") -> Context:
    return Context(actor=actor, on_existing=on_existing, today=timezone.localdate())


def import_row(raw: dict[str, Any], ctx: Context) -> Written:
    row = KIND.clean(raw, ctx=ctx)
    with transaction.atomic():
        return KIND.write(row, ctx=ctx)


def errors_of(exc: pytest.ExceptionInfo[RowInvalid]) -> dict[str, str]:
    return dict(exc.value.errors)


def answer_row(of: Study, who: Respondent, **fields: Any) -> dict[str, Any]:
    return {"study": str(of.pk), "respondent": who.pseudonym, "arm": "perlakuan", "wave": "Pre-Test",
            "item": "a1.1", "answer": "Ya", **fields}  # fmt: skip


def stored(respondent: Respondent) -> dict[tuple[str, str], str]:
    rows = Response.objects.filter(respondent=respondent).values_list("wave__code", "item__code", "option__code")
    return {(wave, item): option for wave, item, option in rows}


def test_an_answer_is_stored_through_the_phone_forms_service(admin: Any) -> None:
    study = make_study(treatment=2, control=1)
    alice = respondents(study, "treatment")[0]

    written = import_row(answer_row(study, alice), ctx_for(admin))

    response = Response.objects.get()
    assert written.action == "created" and written.obj == response
    assert written.before is not None and written.before["submission_key"] == response.submission_key
    assert stored(alice) == {("pre", "A1.1"): "ya"}
    study.instrument.refresh_from_db()
    assert study.instrument.is_locked


def test_a_respondent_may_be_named_by_nik_and_a_likert_answer_by_an_excel_number(admin: Any) -> None:
    study = make_study(treatment=1, control=1)
    bob = respondents(study, "control")[0]
    assert bob.companion is not None

    row = KIND.clean(answer_row(study, bob, respondent=bob.companion.nik, arm="kontrol", item="A2.1", answer=4.0),
                     ctx=ctx_for(admin))  # fmt: skip

    assert row == {"study": study.pk, "respondent": bob.pseudonym, "wave": "pre", "item": "A2.1", "answer": "4"}


def test_every_missing_required_column_is_named(admin: Any) -> None:
    raw = {"study": "", "respondent": "", "arm": "", "wave": "", "item": "", "answer": ""}
    with pytest.raises(RowInvalid) as exc:
        KIND.clean(raw, ctx=ctx_for(admin))
    assert set(errors_of(exc)) == set(raw)


def test_values_the_study_does_not_know_are_refused_with_the_field_named(admin: Any) -> None:
    study = make_study(treatment=1, control=1)
    alice = respondents(study, "treatment")[0]
    ctx = ctx_for(admin)

    with pytest.raises(RowInvalid) as wrong:
        KIND.clean(answer_row(study, alice, arm="kontrol", wave="tengah", item="A1.1"), ctx=ctx)
    with pytest.raises(RowInvalid) as unknown:
        KIND.clean(answer_row(study, alice, respondent="3578010101900001", item="Z9"), ctx=ctx)
    with pytest.raises(RowInvalid) as answer:
        KIND.clean(answer_row(study, alice, answer="mungkin"), ctx=ctx)
    with pytest.raises(RowInvalid) as no_study:
        KIND.clean(answer_row(study, alice, study="9999"), ctx=ctx)

    assert set(errors_of(wrong)) == {"arm", "wave"}
    assert "cannot be in both arms" in errors_of(wrong)["arm"]
    assert errors_of(unknown) == {
        "respondent": "Respondent 3578********0001 is not in this study.",
        "item": "There is no item Z9 in this study's questionnaire.",
    }
    assert errors_of(answer)["answer"] == "mungkin is not an answer option of item A1.1 (allowed: tidak, ya)."
    assert errors_of(no_study)["study"] == "No study number 9999 that you take part in."


def test_a_study_that_is_not_collecting_takes_no_answers(admin: Any) -> None:
    study = make_study(treatment=1, control=1, collecting=False)
    with pytest.raises(RowInvalid) as exc:
        KIND.clean(answer_row(study, respondents(study, "treatment")[0]), ctx=ctx_for(admin))
    assert errors_of(exc)["study"] == "The study is not collecting answers (it is draft)."


def test_a_companion_answers_only_as_themselves(companion_user: Any) -> None:
    study = make_study(treatment=2, control=1)
    me, colleague = respondents(study, "treatment")
    assert me.companion is not None
    me.companion.user = companion_user
    me.companion.save()

    with pytest.raises(RowInvalid) as exc:
        import_row(answer_row(study, colleague), ctx_for(companion_user))
    written = import_row(answer_row(study, me), ctx_for(companion_user))

    assert errors_of(exc) == {"respondent": "You may only answer as yourself."}
    assert written.action == "created" and stored(colleague) == {}


def test_existing_answers_are_skipped_rejected_or_updated(admin: Any) -> None:
    study = make_study(treatment=1, control=1)
    alice = respondents(study, "treatment")[0]
    responses_record(actor=None, respondent=alice, wave=study.waves.get(code="pre"), answers={"A1.1": "ya"})
    changed = answer_row(study, alice, answer="tidak")

    assert import_row(changed, ctx_for(admin, "skip")) == Written("skipped")
    with pytest.raises(RowInvalid, match="already exists"):
        import_row(changed, ctx_for(admin, "reject"))
    assert import_row(answer_row(study, alice), ctx_for(admin, "update")) == Written("skipped")
    written = import_row(changed, ctx_for(admin, "update"))

    assert written.action == "updated" and written.before is not None and written.before["answer"] == "ya"
    assert stored(alice) == {("pre", "A1.1"): "tidak"}
    assert written.obj is not None
    KIND.undo(written.obj.pk, "u", written.before, actor=admin)
    assert stored(alice) == {("pre", "A1.1"): "ya"}


def test_undo_removes_an_imported_answer_unless_given_again_or_the_study_closed(admin: Any) -> None:
    study = make_study(treatment=2, control=1)
    alice, bob = respondents(study, "treatment")
    ctx = ctx_for(admin)
    taken_back = import_row(answer_row(study, alice), ctx)
    answered_again = import_row(answer_row(study, bob), ctx)
    assert taken_back.obj is not None and answered_again.obj is not None
    responses_record(actor=None, respondent=bob, wave=study.waves.get(code="pre"), answers={"A1.1": "tidak"})

    KIND.undo(taken_back.obj.pk, "c", taken_back.before, actor=admin)
    with pytest.raises(ValidationError, match="was given again since the import"):
        KIND.undo(answered_again.obj.pk, "c", answered_again.before, actor=admin)

    assert stored(alice) == {} and stored(bob) == {("pre", "A1.1"): "tidak"}


def test_undo_refuses_once_the_study_is_closed(admin: Any) -> None:
    study = make_study(treatment=1, control=1)
    written = import_row(answer_row(study, respondents(study, "treatment")[0]), ctx_for(admin))
    study_set_status(actor=None, study=study, status="closed")
    assert written.obj is not None

    with pytest.raises(ValidationError, match="not collecting"):
        KIND.undo(written.obj.pk, "c", written.before, actor=admin)
    assert Response.objects.filter(pk=written.obj.pk).exists()
