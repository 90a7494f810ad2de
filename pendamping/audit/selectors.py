from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from pendamping.audit.models import AuditEntry


def audit_of(rows: Iterable[models.Model]) -> QuerySet[AuditEntry]:
    """Every entry whose object is one of `rows`, changes and unmasked views alike, in no order."""
    ids: dict[Any, set[str]] = defaultdict(set)
    for row in rows:
        ids[ContentType.objects.get_for_model(row, for_concrete_model=True)].add(str(row.pk))
    where = Q(pk__in=[])
    for ct, pks in ids.items():
        where |= Q(content_type=ct, object_id__in=sorted(pks))
    return AuditEntry.objects.filter(where)


def audit_history(
    *, obj: models.Model, related: Iterable[models.Model] = (), reveals: bool = False, limit: int = 50
) -> QuerySet[AuditEntry]:
    """The history of a row and of the rows that belong to it (a KUBE's members, grants and tranches), newest
    first: its changes, or with `reveals` the views of its unmasked numbers, which are kept apart so that
    frequent views never push the changes out of sight. Callers check first that the user may see `obj`."""
    qs = audit_of((obj, *related)).select_related("actor")
    qs = qs.filter(action=AuditEntry.Action.REVEAL) if reveals else qs.exclude(action=AuditEntry.Action.REVEAL)
    return qs.order_by("-at", "-id")[:limit]
