"""Scores follow the data: a write that changes what a KUBE's score is computed from asks for a rescore.

The work runs as a task (django-tasks) once the write's transaction commits: the worker must see the new data,
and a write that rolls back must not rescore at all. The tasks are defined here, beside the code that queues
them, and listed in enterprise.tasks: a tasks module that the services import would import the services back."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from pendamping.accounts.guards import require
from pendamping.core.context import door
from pendamping.enterprise.services.classification import active_rubric, group_rescore, group_scores_refresh


@task()
def rescore_group(group_id: int) -> bool:
    """One KUBE's score and its regency's ranking; False when the KUBE is not classified (any more)."""
    with door("system"):
        return group_rescore(group_id=group_id) is not None


@task()
def refresh_scores(regencies: list[str] | None = None) -> int:
    """Every active KUBE's score (or those of `regencies`), regency by regency; returns the number scored."""
    with door("system"):
        return group_scores_refresh(regencies=regencies)


def rescore_later(*, group_id: int) -> None:
    """After the surrounding transaction commits, recompute this KUBE's score and its regency's ranking (as a
    background task)."""
    # Robust: the write has committed by then, and a queue that fails must not turn it into an error page; the
    # score is derived data that the next recomputation (score_groups) puts right.
    transaction.on_commit(lambda: rescore_group.enqueue(group_id=group_id), robust=True)


def scores_refresh_later(*, actor: Any, regencies: list[str] | None = None) -> None:
    """Queue the full recomputation (the ranking page's "Recompute now"); admins only, and only when a rubric
    is in use to compute with."""
    require(actor, "classification.manage")
    if active_rubric() is None:
        raise ValidationError(_("No classification rubric is in use; make one active in the administration."))
    transaction.on_commit(lambda: refresh_scores.enqueue(regencies=regencies))
