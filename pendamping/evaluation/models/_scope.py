"""Who sees which evaluation rows: the one rule behind every evaluation model's `visible_to(user)`.

Deny by default. Admins see every study; evaluators, officers and auditors only the studies they are
named on (StudyEvaluator); a companion only the studies they answer in, and of those only their own
respondent record and answers. Nobody else sees anything."""

from typing import Any, TypeVar

from django.db.models import Exists, OuterRef, Q, QuerySet

from pendamping.accounts.models import Role

QS = TypeVar("QS", bound=QuerySet[Any])
NAMED_ROLES = (Role.EVALUATOR, Role.OFFICER, Role.AUDITOR)


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and (
        user.is_superuser or user.role == Role.ADMIN
    ))  # fmt: skip


def study_scoped(qs: QS, user: Any, *, study_id: str, companion: Q | None) -> QS:
    """`study_id` is the lookup from the row to its study's id; `companion` selects the rows a companion
    may see (None: companions see none of this model)."""
    from pendamping.evaluation.models.studies import StudyEvaluator  # the models import this module

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if is_admin(user):
        return qs
    if user.role in NAMED_ROLES:
        named = StudyEvaluator.objects.filter(study_id=OuterRef(study_id), user=user)
        return qs.filter(Exists(named))
    if user.role == Role.COMPANION and companion is not None:
        return qs.filter(companion)
    return qs.none()
