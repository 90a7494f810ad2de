"""Importing answers in long format (respondent, arm, wave, item, answer), all or nothing.

The rows are checked by the engine's own validation (the same checks the standalone CLI makes), plus what
only the database knows: is the respondent in this study and in that arm, is the wave the study's, does the
row contradict an answer stored before. Any error refuses the whole file, every error named with its row."""

import hashlib
from collections.abc import Sequence
from dataclasses import astuple, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pendamping.audit.services import audit_record
from pendamping.evaluation.engine.model import Answer
from pendamping.evaluation.engine.validate import Problem, validate_answers
from pendamping.evaluation.models import Respondent, Response, Study
from pendamping.evaluation.selectors import instrument_definition, study_waves
from pendamping.evaluation.services._common import pseudonym, require_study
from pendamping.evaluation.services.instruments import instrument_lock
from pendamping.evaluation.services.responses import items_of, require_collecting

# Reported but imported: a post answer without a pre answer is analysed as a missing pair.
WARNINGS = frozenset({"unpaired", "wave", "empty_wave", "empty_arm"})
MAX_MESSAGES = 50


@dataclass
class Imported:
    created: int = 0
    unchanged: int = 0
    warnings: list[Problem] = field(default_factory=list)


def _row(rows: Sequence[int] | None, i: int) -> int:
    return rows[i] if rows is not None else i + 1


def _problem(row: int, ans: Answer, name: str, value: str, message: str) -> Problem:
    return Problem(row, ans.respondent, name, value, message, code="database")


class _Resolver:
    """The study's respondents by pseudonym, found from a pseudonym, a companion's NIK or an external ref."""

    def __init__(self, study: Study) -> None:
        self.study = study
        self.by_code = {r.pseudonym: r for r in study.respondents.select_related("arm")}
        self.waves = {w.code for w in study_waves(study=study)}

    def find(self, value: str) -> Respondent | None:
        return self.by_code.get(value.strip()) or self.by_code.get(pseudonym(self.study, value))

    def check(self, ans: Answer, row: int) -> tuple[Answer | None, Problem | None]:
        respondent = self.find(ans.respondent)
        if respondent is None:
            msg = _("respondent '%(r)s' is not in this study") % {"r": ans.respondent}
            return None, _problem(row, ans, "respondent", ans.respondent, msg)
        if ans.wave not in self.waves:
            msg = _("wave '%(w)s' is not a wave of this study (%(all)s)") % {
                "w": ans.wave,
                "all": ", ".join(self.waves),
            }
            return None, _problem(row, ans, "wave", ans.wave, msg)
        if ans.arm.strip() != respondent.arm.code:
            msg = _("respondent '%(r)s' is in the %(arm)s arm, not '%(given)s'; a respondent cannot be in both arms")
            msg %= {"r": ans.respondent, "arm": respondent.arm.code, "given": ans.arm}
            return None, _problem(row, ans, "arm", ans.arm, msg)
        return Answer(respondent.pseudonym, ans.arm.strip(), ans.wave, ans.item, ans.answer), None


def _refuse(errors: list[Problem]) -> None:
    lines = [_("row %(row)s: %(msg)s") % {"row": p.row, "msg": p.message} for p in errors[:MAX_MESSAGES]]
    if len(errors) > MAX_MESSAGES:
        lines.append(_("… and %(n)d more problems") % {"n": len(errors) - MAX_MESSAGES})
    raise ValidationError({"rows": lines})


def _resolve(study: Study, answers: Sequence[Answer], rows: Sequence[int] | None) -> tuple[list, list, list[Problem]]:
    resolver = _Resolver(study)
    normal, normal_rows, errors = [], [], []
    for i, ans in enumerate(answers):
        fixed, problem = resolver.check(ans, _row(rows, i))
        if problem is not None:
            errors.append(problem)
        else:
            normal.append(fixed)
            normal_rows.append(_row(rows, i))
    return normal, normal_rows, errors


def _stored_answers(study: Study) -> dict[tuple[int, int, int], int]:
    """(respondent, wave, item) -> option of every answer the study already holds."""
    rows = Response.objects.filter(respondent__study=study).values_list(
        "respondent_id", "wave_id", "item_id", "option_id"
    )
    return {(r, w, i): o for r, w, i, o in rows}


def _new_rows(
    study: Study, answers: list[Answer], rows: list[int], skip: set[int], key: str, user: Any
) -> tuple[list, int, list]:
    """The Response rows to create; rows equal to a stored answer are counted, contradicting ones refused."""
    items = items_of(study)
    waves = {w.code: w for w in study_waves(study=study)}
    respondents = {r.pseudonym: r for r in study.respondents.all()}
    stored = _stored_answers(study)
    new, unchanged, errors = [], 0, []
    for ans, row in zip(answers, rows, strict=True):
        if row in skip:
            continue
        respondent, wave, item = respondents[ans.respondent], waves[ans.wave], items[ans.item]
        option = next(o for o in item.options.all() if o.code == ans.answer)
        before = stored.get((respondent.pk, wave.pk, item.pk))
        if before is None:
            new.append(
                Response(
                    respondent=respondent, wave=wave, item=item, option=option, submission_key=key, recorded_by=user
                )
            )
        elif before == option.pk:
            unchanged += 1
        else:
            msg = _(
                "respondent '%(r)s' already answered item '%(i)s' in wave '%(w)s' differently; the file says '%(a)s'"
            )
            errors.append(
                _problem(
                    row,
                    ans,
                    "answer",
                    ans.answer,
                    msg % {"r": ans.respondent, "i": ans.item, "w": ans.wave, "a": ans.answer},
                )
            )
    return new, unchanged, errors


@transaction.atomic
def responses_import(
    *, actor: Any, study: Study, answers: Sequence[Answer], rows: Sequence[int] | None = None
) -> Imported:
    """Store a file's answers, all or none. `rows` are the answers' line numbers in the file (for messages).
    Respondents are named by pseudonym, companion NIK or external reference; their arm must be the one they
    are in. Answers outside an item's options, unknown items, duplicate rows, a respondent in both arms, and a
    row that contradicts a stored answer refuse the file; a post answer without a pre answer is imported and
    reported (it is analysed as a missing pair). Re-importing the same file changes nothing."""
    require_study(actor, study, "evaluation.manage")
    study = Study.objects.select_for_update().get(pk=study.pk)
    require_collecting(study)
    if not answers:
        raise ValidationError({"rows": [_("The file has no answers.")]})
    from pendamping.evaluation.services.analyses import compared_waves

    normal, normal_rows, errors = _resolve(study, answers, rows)
    spec = instrument_definition(instrument=study.instrument)
    _kept, problems = validate_answers(spec, normal, rows=normal_rows, waves=compared_waves(study))
    errors += [p for p in problems if p.code not in WARNINGS]
    key = "import:" + hashlib.sha256(repr(sorted(map(astuple, normal))).encode()).hexdigest()[:24]
    user = actor if getattr(actor, "is_authenticated", False) else None
    new, unchanged, conflicts = _new_rows(study, normal, normal_rows, {p.row for p in errors if p.row}, key, user)
    errors += conflicts
    if errors:
        _refuse(sorted(errors, key=lambda p: p.row or 0))
    Response.objects.bulk_create(new, batch_size=2000)
    if new:
        instrument_lock(instrument=study.instrument)
    audit_record(actor=actor, action="update", obj=study, after={"imported_answers": len(new), "rows": len(answers)})
    return Imported(created=len(new), unchanged=unchanged, warnings=[p for p in problems if p.code in WARNINGS])
