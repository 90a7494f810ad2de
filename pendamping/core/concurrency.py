from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


class StaleRecord(ValidationError):
    """Someone else saved the record after this user opened it (a lost update, refused)."""


def check_version(obj: models.Model, version: int | None) -> None:
    """Optimistic locking: the caller read `version`; if the row moved on since, refuse the save."""
    current: Any = getattr(obj, "version", None)
    if version is not None and current is not None and int(version) != current:
        raise StaleRecord(
            _("This record was changed by someone else while you were editing it. Reload it and try again.")
        )
