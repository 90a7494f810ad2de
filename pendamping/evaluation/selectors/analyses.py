"""Analysis reads."""

from typing import Any

from django.db.models import QuerySet

from pendamping.evaluation.models import Analysis, Study


def analysis_list(*, user: Any, study: Study) -> QuerySet[Analysis]:
    return Analysis.objects.visible_to(user).filter(study=study).defer("result").order_by("-created_at", "-id")


def analysis_get(*, user: Any, pk: Any) -> Analysis:
    return Analysis.objects.visible_to(user).select_related("study").get(pk=pk)


def analysis_latest(*, user: Any, study: Study) -> Analysis | None:
    """The newest finished analysis of a study, if any."""
    return (
        Analysis.objects.visible_to(user)
        .filter(study=study, status=Analysis.Status.DONE)
        .order_by("-finished_at", "-id")
        .first()
    )


def analysis_for_task(*, task_result_id: str) -> Analysis | None:
    """The analysis a task run writes its progress to (the worker has no user: no scope applies)."""
    if not task_result_id:
        return None
    return Analysis.objects.filter(task_result_id=task_result_id).first()
