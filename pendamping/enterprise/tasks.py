"""The enterprise app's tasks (django-tasks, database backend), in one place for the reader and the worker.

They are defined in services.rescore, beside the code that queues them: the services cannot import a module
that imports the services (the app's modules form no cycle)."""

from pendamping.enterprise.services.rescore import refresh_scores, rescore_group

__all__ = ["refresh_scores", "rescore_group"]
