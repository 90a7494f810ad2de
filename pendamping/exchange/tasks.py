"""Import tasks (django-tasks, database backend): a check or a run of one batch. Progress goes to the batch row
(django-tasks has no progress API); a worker killed mid-run leaves a rolled-back transaction and a batch that
`batch_reap_stale` ends as failed."""

from django_tasks import TaskContext, task

from pendamping.core.context import door
from pendamping.exchange.models import ImportBatch
from pendamping.exchange.services.batches import batch_check, batch_run, flag_duplicates


@task()
def duplicates_task(batch_id: int) -> int:
    """Possible duplicates among what a finished import wrote: a review list, so it need not delay the import."""
    return flag_duplicates(ImportBatch.objects.get(pk=batch_id))


@task(takes_context=True)
def import_task(context: TaskContext, batch_id: int, check_only: bool) -> str:
    batch = ImportBatch.objects.get(pk=batch_id)
    ImportBatch.objects.filter(pk=batch_id).update(task_id=str(context.task_result.id))
    with door("import"):
        if check_only:
            batch_check(batch=batch)
        else:
            batch_run(batch=batch)
    batch.refresh_from_db()
    if batch.status == ImportBatch.Status.DONE:
        duplicates_task.enqueue(batch_id=batch.pk)  # the review list follows; the import is done already
    return str(batch.status)
