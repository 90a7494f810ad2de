"""Writes of the model gap analysis: an assessment and its ratings per component of the companion model."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require
from pendamping.audit.services import audit_record, snapshot
from pendamping.evaluation.models import GapAssessment, GapComponent, GapRating
from pendamping.evaluation.services._common import save_checked

RATING_FIELDS = ("applied", "expected", "standard")


@transaction.atomic
def gap_assessment_create(*, actor: Any, title: str, assessed_on: dt.date, note: str = "") -> GapAssessment:
    require(actor, "evaluation.manage")
    assessment = GapAssessment(
        title=" ".join(title.split()), assessed_on=assessed_on, note=note.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    save_checked(assessment)
    audit_record(actor=actor, action="create", obj=assessment, after=snapshot(assessment))
    return assessment


def _rating(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise ValidationError({field: _("Give a whole number from 1 to 5.")})
    number = int(str(value).strip())
    if not 1 <= number <= 5:
        raise ValidationError({field: _("Give a whole number from 1 to 5.")})
    return number


@transaction.atomic
def gap_rating_set(
    *,
    actor: Any,
    assessment: GapAssessment,
    component: str,
    applied: Any,
    expected: Any,
    standard: Any,
    note: str = "",
) -> GapRating:
    """Rate one component 1-5 as applied, as expected by respondents, and as the guidelines set it (the
    theoretical standard); rating it again replaces the ratings."""
    require(actor, "evaluation.manage")
    if component not in GapComponent.values:
        raise ValidationError({"component": _("Unknown component: %(c)s") % {"c": component}})
    values = {
        name: _rating(value, name) for name, value in zip(RATING_FIELDS, (applied, expected, standard), strict=True)
    }
    rating = GapRating.objects.select_for_update().filter(assessment=assessment, component=component).first()
    before = snapshot(rating) if rating else None
    rating = rating or GapRating(assessment=assessment, component=component)
    for name, value in values.items():
        setattr(rating, name, value)
    rating.note = note.strip()
    save_checked(rating, exclude=["assessment"])
    audit_record(
        actor=actor, action="update" if before else "create", obj=rating, before=before, after=snapshot(rating)
    )
    return rating
