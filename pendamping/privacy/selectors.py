"""Privacy reads: one person's records by NIK, their audit trail, what is restricted, the open alerts."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q, QuerySet

from pendamping.audit.models import AuditEntry
from pendamping.audit.selectors import audit_of
from pendamping.companions.models import Application, Companion
from pendamping.privacy.models import Alert, Restriction
from pendamping.registry.models import Family, Membership


@dataclass
class PersonRecords:
    """Every record that carries one NIK: as head of a family (with the family's KUBE memberships), as a
    companion, as an applicant; and the restrictions placed on them."""

    families: list[Family] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    companions: list[Companion] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    restrictions: list[Restriction] = field(default_factory=list)

    def all(self) -> list[models.Model]:
        return [*self.families, *self.memberships, *self.companions, *self.applications, *self.restrictions]

    def __bool__(self) -> bool:
        return bool(self.families or self.companions or self.applications)


def person_records(*, nik: str) -> PersonRecords:
    """Exact matches on the NIK only (each lookup uses its unique or indexed column): a fuzzy match on names
    would hand one person's data to another."""
    families = list(Family.objects.filter(nik=nik).select_related("desa", "regency"))
    companions = list(Companion.objects.filter(nik=nik))
    restrictions = Restriction.objects.filter(Q(family__in=families) | Q(companion__in=companions))
    return PersonRecords(
        families=families,
        memberships=list(Membership.objects.filter(family__in=families).select_related("group")),
        companions=companions,
        applications=list(Application.objects.filter(nik=nik).select_related("call")),
        restrictions=list(restrictions.order_by("at", "id")),
    )


def person_audit(*, records: list[models.Model]) -> QuerySet[AuditEntry]:
    """The audit entries whose object is one of `records`, oldest first: changes and unmasked views alike."""
    return audit_of(records).select_related("content_type").order_by("at", "id")


def restricted_family_ids() -> QuerySet[Restriction, Any]:
    """Families whose processing is restricted, as a subquery: `qs.exclude(pk__in=restricted_family_ids())`."""
    return Restriction.objects.filter(lifted_at__isnull=True, family__isnull=False).values("family_id")


def restricted_companion_ids() -> QuerySet[Restriction, Any]:
    return Restriction.objects.filter(lifted_at__isnull=True, companion__isnull=False).values("companion_id")


def user_by_username(username: str) -> Any:
    """The active user with this username, or None (for commands, which name the actor)."""
    return get_user_model().objects.filter(username=username, is_active=True).first()


def alerts_open() -> QuerySet[Alert]:
    return Alert.objects.filter(acknowledged_at__isnull=True).select_related("user")
