"""Reads of the IKS ledger (more come with the ledger pages)."""

from django.db.models import Case, Sum, When
from django.db.models import F as Field

from pendamping.enterprise.models import IksEntry
from pendamping.registry.models import Group


def iks_balance(*, group: Group) -> int:
    """Contributions in minus uses out, in rupiah."""
    signed = Case(When(kind=IksEntry.Kind.OUT, then=-Field("amount")), default=Field("amount"))
    return int(IksEntry.objects.filter(group=group).aggregate(total=Sum(signed))["total"] or 0)
