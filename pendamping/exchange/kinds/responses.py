"""Survey answers of an evaluation study in the long layout: one answer per row (study, respondent, arm, wave, item,
answer), as the study's own CSV import and the ODK/Kobo exports of a survey form have them.

Each answer is stored through `responses_record`, the service of the phone form: the study must be collecting, a
companion answers only as themselves, the first answer freezes the instrument version. Respondents are named by
pseudonym, or by the NIK or reference the study knows them by (turned into the pseudonym, never kept)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from pendamping.accounts.guards import require
from pendamping.accounts.models import Role
from pendamping.evaluation.models import Respondent, Response, Wave
from pendamping.evaluation.services import responses_record
from pendamping.evaluation.services.responses import require_collecting
from pendamping.exchange import cells
from pendamping.exchange.kinds._common import convert, remove_created, service_errors
from pendamping.exchange.kinds._study import study_book
from pendamping.exchange.kinds.base import Column, Context, ImportKind, RowInvalid, Written, existing_policy

CREATED = ("c", "created")

COLUMNS = (
    Column("study", "STUDI", _l("Number of the study (shown on the study's page)."), required=True,
           aliases=("KODE STUDI", "NO STUDI", "ID STUDI", "study", "study id"), example="1", width=8),
    Column("respondent", "RESPONDEN", _l("The respondent's pseudonym (R-…), or the NIK or reference the study knows "
           "them by (typed as text)."), required=True, aliases=("ID RESPONDEN", "respondent", "respondent id"),
           example="R-1A2B3C4D5E6F", width=18),
    Column("arm", "KELOMPOK", _l("perlakuan (treatment) or kontrol (control): the arm the respondent is in."),
           required=True, aliases=("LENGAN", "arm"), choices=("perlakuan", "kontrol"), example="perlakuan", width=12),
    Column("wave", "GELOMBANG", _l("The wave: pre (sebelum) or post (sesudah), or another wave code of the study."),
           required=True, aliases=("TAHAP", "wave"), choices=("pre", "post"), example="pre", width=10),
    Column("item", "BUTIR", _l("Code of the question (item) in the study's questionnaire, e.g. A1.1."),
           required=True, aliases=("KODE BUTIR", "PERTANYAAN", "item", "question"), example="A1.1", width=10),
    Column("answer", "JAWABAN", _l("The answer: an option code of the item (or its label)."), required=True,
           aliases=("answer", "response"), example="ya", width=12),
)  # fmt: skip


class ResponsesKind(ImportKind):
    name = "responses"
    title = _l("Survey responses")
    permission = "evaluation.respond"
    columns = COLUMNS
    key_fields = ("study", "respondent", "wave", "item")
    model_label = "evaluation.response"

    def clean(self, raw: Mapping[str, Any], *, ctx: Context) -> dict[str, Any]:
        row, errors = convert(
            raw,
            {
                "study": lambda v: cells.integer(v, minimum=1),
                "respondent": lambda v: cells.text(v, max_length=60),
                "arm": lambda v: cells.text(v, max_length=40),
                "wave": lambda v: cells.text(v, max_length=40),
                "item": lambda v: cells.text(v, max_length=40),
                "answer": lambda v: cells.text(v, max_length=40),  # a Likert 4 that Excel holds as 4.0 reads "4"
            },
            required=("study", "respondent", "arm", "wave", "item", "answer"),
        )
        book = study_book(ctx, row["study"]) if "study" in row else None
        if book is None and "study" in row:
            errors.append(("study", _("No study number %(n)s that you take part in.") % {"n": row["study"]}))
        elif book is not None:
            row, found = book.resolve(row)
            errors += found
        if errors:
            raise RowInvalid(errors)
        return row

    def write(self, row: dict[str, Any], *, ctx: Context) -> Written:
        respondent = Respondent.objects.select_related("study", "companion").get(
            study_id=row["study"], pseudonym=row["respondent"]
        )
        wave = Wave.objects.get(study_id=row["study"], code=row["wave"])
        existing = (
            Response.objects.select_related("option")
            .filter(respondent=respondent, wave=wave, item__code=row["item"])
            .first()
        )
        before: dict[str, Any] = {}
        if existing is not None:
            label = _("The answer of %(r)s to item %(i)s in wave %(w)s") % {
                "r": respondent.pseudonym,
                "i": row["item"],
                "w": wave.code,
            }
            if existing_policy(ctx, label=label) == "skip" or existing.option.code == row["answer"]:
                return Written("skipped")
            before["answer"] = existing.option.code
        key = f"import-{uuid.uuid4().hex}"
        fields = {"answers": "answer", f"answers.{row['item']}": "answer", "wave": "wave", "study": "study"}
        with service_errors(fields, denied="respondent"):
            responses_record(
                actor=ctx.actor, respondent=respondent, wave=wave, answers={row["item"]: row["answer"]},
                submission_key=key,
            )  # fmt: skip
        response = Response.objects.get(respondent=respondent, wave=wave, item__code=row["item"])
        return Written("updated" if existing else "created", response, before={**before, "submission_key": key})

    def undo(self, obj_id: int, action: str, before: dict[str, Any] | None, *, actor: Any) -> None:
        response = Response.objects.select_related("respondent__study", "respondent__companion", "wave", "item").filter(
            pk=obj_id
        )
        found = response.first()
        if found is None:
            return
        before = before or {}
        if before.get("submission_key") and found.submission_key != before["submission_key"]:
            raise ValidationError(
                _("The answer of %(r)s to item %(i)s was given again since the import; it stays.")
                % {"r": found.respondent.pseudonym, "i": found.item.code}
            )
        if action in CREATED:
            _remove_response(actor, found)
        else:
            responses_record(
                actor=actor, respondent=found.respondent, wave=found.wave, answers={found.item.code: before["answer"]}
            )


@transaction.atomic
def _remove_response(actor: Any, response: Response) -> None:
    """An answer imported by mistake, under the phone form's rules: the study still collecting, a companion only
    their own answers. The submission log keeps the import's entry (a replay of it still changes nothing)."""
    require(actor, "evaluation.respond")
    respondent = response.respondent
    as_companion = actor is not None and not actor.is_superuser and actor.role == Role.COMPANION
    if as_companion and (respondent.companion is None or respondent.companion.user_id != actor.pk):
        raise PermissionDenied(_("You may only answer as yourself."))
    require_collecting(respondent.study)
    what = _("The answer of %(r)s to item %(i)s") % {"r": respondent.pseudonym, "i": response.item.code}
    remove_created(actor=actor, obj=response, what=what)


KIND = ResponsesKind()
