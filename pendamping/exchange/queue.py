"""Handing a batch to the task worker (after the current transaction commits, so the worker finds the batch)."""

from django.db import transaction

from pendamping.exchange.models import ImportBatch


def _enqueue(batch: ImportBatch, *, check_only: bool) -> None:
    from pendamping.exchange.tasks import import_task

    ImportBatch.objects.filter(pk=batch.pk).update(phase="queued")
    batch.phase = "queued"
    transaction.on_commit(lambda: import_task.enqueue(batch_id=batch.pk, check_only=check_only))


def enqueue_check(batch: ImportBatch) -> None:
    _enqueue(batch, check_only=True)


def enqueue_run(batch: ImportBatch) -> None:
    _enqueue(batch, check_only=False)
