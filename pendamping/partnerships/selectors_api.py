"""Partnership reads for the API's flat list of activities (the pages show them per agreement): scoped by
`visible_to`, with the joins a row needs."""

import re
from typing import Any

from django.db.models import QuerySet

from pendamping.partnerships.models import Activity


def activities_all(
    *,
    user: Any,
    agreement_id: int | None = None,
    partner_id: int | None = None,
    group_id: int | None = None,
    regency: str = "",
) -> QuerySet[Activity]:
    qs = Activity.objects.visible_to(user).select_related("agreement", "group")
    if agreement_id:
        qs = qs.filter(agreement_id=agreement_id)
    if partner_id:
        qs = qs.filter(agreement__partner_id=partner_id)
    if group_id:
        qs = qs.filter(group_id=group_id)
    if re.fullmatch(r"\d{2}\.\d{2}", regency or ""):
        qs = qs.filter(agreement__regency_id=regency)
    return qs.order_by("-on", "-pk")


def activity_detail_get(*, user: Any, pk: Any) -> Activity:
    """Raises Activity.DoesNotExist when absent or out of the user's scope (a 404 either way)."""
    return Activity.objects.visible_to(user).select_related("agreement", "group").get(pk=pk)
