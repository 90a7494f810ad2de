"""Registry reads for the API's flat lists: every membership and tranche the user sees (the pages show them
inside their KUBE and grant), and the schemes. Scoped by `visible_to`, with the joins a row needs."""

import re
from typing import Any

from django.db.models import QuerySet

from pendamping.registry.models import Membership, Scheme, Tranche


def regency_code(value: str) -> str | None:
    """A regency code such as 35.78, or None: a malformed filter is ignored, it never widens a query."""
    return value if re.fullmatch(r"\d{2}\.\d{2}", value or "") else None


def membership_list(
    *,
    user: Any,
    group_id: int | None = None,
    family_id: int | None = None,
    role: str = "",
    current: bool | None = None,
    regency: str = "",
    q: str = "",
) -> QuerySet[Membership]:
    qs = Membership.objects.visible_to(user).select_related("group", "family")
    if group_id:
        qs = qs.filter(group_id=group_id)
    if family_id:
        qs = qs.filter(family_id=family_id)
    if role:
        qs = qs.filter(role=role)
    if current is not None:
        qs = qs.filter(left_on__isnull=current)
    if code := regency_code(regency):
        qs = qs.filter(group__regency_id=code)
    if q:
        qs = qs.filter(family__head_name__icontains=q)
    return qs.order_by("group__name", "left_on", "role", "family__head_name", "pk")


def membership_get(*, user: Any, pk: Any) -> Membership:
    """Raises Membership.DoesNotExist when absent or out of the user's scope (a 404 either way)."""
    return Membership.objects.visible_to(user).select_related("group", "family").get(pk=pk)


def tranche_list(
    *,
    user: Any,
    grant_id: int | None = None,
    group_id: int | None = None,
    status: str = "",
    regency: str = "",
    year: int | None = None,
) -> QuerySet[Tranche]:
    qs = Tranche.objects.visible_to(user).select_related("grant__group", "entered_by", "approved_by")
    if grant_id:
        qs = qs.filter(grant_id=grant_id)
    if group_id:
        qs = qs.filter(grant__group_id=group_id)
    if status:
        qs = qs.filter(status=status)
    if code := regency_code(regency):
        qs = qs.filter(grant__group__regency_id=code)
    if year:
        qs = qs.filter(grant__year=year)
    return qs.order_by("-disbursed_on", "grant_id", "number", "pk")


def scheme_list(*, q: str = "") -> QuerySet[Scheme]:
    """Schemes are the province's rules, the same for every regency: not scoped."""
    qs = Scheme.objects.all()
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("name", "pk")


def scheme_get(*, pk: Any) -> Scheme:
    return Scheme.objects.get(pk=pk)
