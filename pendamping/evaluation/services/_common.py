"""Small helpers shared by the evaluation services."""

import hashlib
import hmac
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require
from pendamping.evaluation.models import Study

PSEUDONYM_PREFIX = "R-"


def pseudonym(study: Study, reference: str) -> str:
    """A keyed HMAC of the person's NIK or external reference with the study's own secret key: stable within
    the study, unlinkable across studies, and not found by hashing plausible NIKs without the key."""
    digest = hmac.new(bytes.fromhex(study.pseudonym_key), reference.strip().encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:12].upper()


def save_checked(obj: models.Model, *, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=True)
    obj.save()


def require_study(actor: Any, study: Study, action: str) -> None:
    """The role may do `action`, on a study in the actor's scope (a named evaluator, an admin)."""
    require(actor, action)
    if actor is not None and not Study.objects.visible_to(actor).filter(pk=study.pk).exists():
        raise PermissionDenied(_("You are not named on this study."))


def require_open(study: Study, *, field: str = "study") -> None:
    if study.status == Study.Status.CLOSED:
        raise ValidationError({field: _("The study is closed; reopen it to change it.")})


def code_list(codes: Any) -> str:
    return ", ".join(str(c) for c in codes)
