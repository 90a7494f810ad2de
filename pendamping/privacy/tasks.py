"""The retention purge as a task (django-tasks, database backend), for a daily schedule (cron or a timer
enqueueing it); the command `pendamping privacy purge` runs the same service by hand."""

import datetime as dt

from django_tasks import task

from pendamping.core.context import door
from pendamping.privacy.services.retention import retention_purge


@task()
def purge_task(today: str = "", dry_run: bool = False) -> dict[str, int]:
    """`today` as YYYY-MM-DD (task arguments must be JSON); empty for the office's today."""
    with door("system"):
        return retention_purge(today=dt.date.fromisoformat(today) if today else None, dry_run=dry_run)
