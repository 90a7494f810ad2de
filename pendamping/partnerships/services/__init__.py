"""Partnership writes: partners, their agreements with KUBE, and the activities under them. Import from here."""

from pendamping.partnerships.services.activities import activity_add, activity_delete
from pendamping.partnerships.services.agreements import agreement_create, agreement_set_groups, agreement_update
from pendamping.partnerships.services.partners import partner_create, partner_update

__all__ = [
    "activity_add",
    "activity_delete",
    "agreement_create",
    "agreement_set_groups",
    "agreement_update",
    "partner_create",
    "partner_update",
]
