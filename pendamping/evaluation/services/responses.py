"""Writes of answers: one respondent's form for one wave (idempotent on its submission key)."""

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require
from pendamping.accounts.models import Role
from pendamping.audit.services import audit_record
from pendamping.evaluation.models import Item, Respondent, Response, Study, Submission, Wave
from pendamping.evaluation.services._common import code_list
from pendamping.evaluation.services.instruments import instrument_lock

MAX_KEY = 64


@dataclass(frozen=True)
class Recorded:
    """What a submission did: answers created, changed and left as they were; `replay` when the same
    submission had been applied before (nothing changed then)."""

    submission_key: str
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    replay: bool = False


def _check_responder(actor: Any, respondent: Respondent) -> None:
    """A companion answers only as themselves; an admin may enter anyone's paper form."""
    require(actor, "evaluation.respond")
    if actor is not None and not actor.is_superuser and actor.role == Role.COMPANION:
        companion = respondent.companion
        if companion is None or companion.user_id != actor.pk:
            raise PermissionDenied(_("You may only answer as yourself."))


def require_collecting(study: Study) -> None:
    if study.status != Study.Status.COLLECTING:
        raise ValidationError(
            _("The study is not collecting answers (it is %(status)s).") % {"status": study.get_status_display()}
        )


def items_of(study: Study) -> dict[str, Item]:
    """The study instrument's items by code, with their options."""
    items = Item.objects.filter(instrument_id=study.instrument_id).prefetch_related("options")
    return {item.code: item for item in items}


def _options(answers: Mapping[str, Any], items: dict[str, Item]) -> dict[Item, Any]:
    """Each answer's option; every unknown item and every value outside its item's options is named."""
    if not answers:
        raise ValidationError({"answers": _("Give at least one answer.")})
    errors: dict[str, list[str]] = {}
    chosen = {}
    for code, value in answers.items():
        item = items.get(str(code))
        if item is None:
            errors[f"answers.{code}"] = [_("There is no item '%(item)s' in this questionnaire.") % {"item": code}]
            continue
        options = {o.code: o for o in item.options.all()}
        option = options.get(str(value).strip()) if isinstance(value, str | int) else None
        if option is None:
            errors[f"answers.{code}"] = [
                _("'%(value)s' is not an answer option of item '%(item)s' (allowed: %(allowed)s).")
                % {"value": value, "item": code, "allowed": code_list(options)}
            ]
            continue
        chosen[item] = option
    if errors:
        raise ValidationError(errors)
    return chosen


def _digest(wave: Wave, answers: Mapping[str, Any]) -> str:
    plain = {"wave": wave.code, "answers": {str(k): str(v).strip() for k, v in sorted(answers.items())}}
    return hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()


def _replayed(respondent: Respondent, key: str, digest: str) -> bool:
    previous = Submission.objects.filter(respondent=respondent, key=key).first()
    if previous is None:
        return False
    if previous.digest != digest:
        raise ValidationError(
            {"submission_key": _("This submission key was already used for different answers; send a new key.")}
        )
    return True


def _key(submission_key: str) -> str:
    key = submission_key.strip() or uuid.uuid4().hex
    if len(key) > MAX_KEY:
        raise ValidationError({"submission_key": _("A submission key has at most %(n)d characters.") % {"n": MAX_KEY}})
    return key


def _upsert(actor: Any, respondent: Respondent, wave: Wave, chosen: dict[Item, Any], key: str) -> tuple[Recorded, dict]:
    user = actor if getattr(actor, "is_authenticated", False) else None
    existing = {r.item_id: r for r in Response.objects.filter(respondent=respondent, wave=wave, item__in=list(chosen))}
    new, changed, before, after = [], [], {}, {}
    for item, option in chosen.items():
        row = existing.get(item.pk)
        if row is None:
            new.append(
                Response(
                    respondent=respondent, wave=wave, item=item, option=option, submission_key=key, recorded_by=user
                )
            )
        elif row.option_id != option.pk:
            before[item.code] = next(o.code for o in item.options.all() if o.pk == row.option_id)
            row.option, row.submission_key, row.recorded_by = option, key, user
            changed.append(row)
        else:
            continue
        after[item.code] = option.code
    Response.objects.bulk_create(new)
    for row in changed:
        row.save(update_fields=["option", "submission_key", "recorded_by", "recorded_at"])
    unchanged = len(chosen) - len(new) - len(changed)
    return Recorded(key, created=len(new), changed=len(changed), unchanged=unchanged), {
        "before": before,
        "after": after,
    }


@transaction.atomic
def responses_record(
    *, actor: Any, respondent: Respondent, wave: Wave, answers: Mapping[str, Any], submission_key: str = ""
) -> Recorded:
    """Store one respondent's answers for one wave ({item code: option code}; a partial form is fine, a later
    one changes the answers it repeats). Sending the same submission again (same key, same answers) changes
    nothing, even after later submissions; the same key with other answers is refused."""
    _check_responder(actor, respondent)
    respondent = Respondent.objects.select_for_update().select_related("study").get(pk=respondent.pk)
    study = respondent.study
    if wave.study_id != study.pk:
        raise ValidationError({"wave": _("This wave belongs to another study.")})
    key = _key(submission_key)
    digest = _digest(wave, answers)
    if _replayed(respondent, key, digest):
        return Recorded(key, unchanged=len(answers), replay=True)
    require_collecting(study)
    recorded, changes = _upsert(actor, respondent, wave, _options(answers, items_of(study)), key)
    user = actor if getattr(actor, "is_authenticated", False) else None
    submission = Submission.objects.create(respondent=respondent, wave=wave, key=key, digest=digest, created_by=user)
    instrument_lock(instrument=study.instrument)
    audit_record(
        actor=actor, action="create", obj=submission,
        before={"answers": changes["before"]},
        after={"respondent": respondent.pseudonym, "wave": wave.code, "answers": changes["after"]},
    )  # fmt: skip
    return recorded
