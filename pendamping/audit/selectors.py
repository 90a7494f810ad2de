from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from pendamping.audit.models import AuditEntry


def audit_history(*, obj: models.Model, limit: int = 50) -> QuerySet[AuditEntry]:
    """The history of one row; callers must already have checked that the user may see the row."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("actor")[:limit]
