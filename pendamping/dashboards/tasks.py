"""Dashboard tasks (django-tasks, database backend): making a report. Progress goes to the Report row."""

from django_tasks import TaskContext, task

from pendamping.core.context import door
from pendamping.dashboards.reports.runner import report_run


@task(takes_context=True)
def report_task(context: TaskContext, report_id: int) -> str:
    with door("system"):
        report = report_run(report_id=report_id, task_result_id=str(context.task_result.id))
    return str(report.status)
