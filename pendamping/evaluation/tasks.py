"""Evaluation tasks (django-tasks, database backend). django-tasks has no progress API: the task writes its
progress to the Analysis row, which it finds by the task result's id as well as by its own id."""

from django_tasks import TaskContext, task

from pendamping.core.context import door
from pendamping.evaluation.runner import analysis_run


@task(takes_context=True)
def analysis_task(context: TaskContext, analysis_id: int) -> str:
    """Run one analysis; returns its final status ("done" or "failed")."""
    with door("system"):
        analysis = analysis_run(analysis_id=analysis_id, task_result_id=str(context.task_result.id))
    return str(analysis.status)
