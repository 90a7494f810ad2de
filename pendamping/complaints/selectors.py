"""Complaint reads: scoped lists and rows, what the public status page may show, and the complainant's
identity as each user may see it."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from pendamping.accounts.models import Role, User
from pendamping.companions.models import Companion
from pendamping.complaints.models import Complaint, ComplaintQuerySet
from pendamping.complaints.services import REFERENCE_ALPHABET, REFERENCE_LENGTH, REFERENCE_PREFIX
from pendamping.registry.models import Grant, Group

# What the API shows in place of a name or contact the user may not see.
HIDDEN = "hidden"
_REFERENCE = re.compile(rf"{REFERENCE_PREFIX}[{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH}}}")

# Re-exported for the doors, which do not import models.
Status, Category, Subject = Complaint.Status, Complaint.Category, Complaint.Subject


@dataclass(frozen=True)
class ComplaintFilters:
    """Filters of the list. A regency is a 5-character code (narrowing the scope, never widening it)."""

    status: str = ""
    regency: str = ""
    overdue: bool = False
    mine: bool = False

    @classmethod
    def from_params(cls, params: Any) -> "ComplaintFilters":
        def flag(name: str) -> bool:
            return str(params.get(name, "") or "").strip().lower() in {"1", "true", "on", "yes"}

        text = {k: str(params.get(k, "") or "").strip()[:20] for k in ("status", "regency")}
        return cls(**text, overdue=flag("overdue"), mine=flag("mine"))


def _rows(user: Any) -> ComplaintQuerySet:
    return Complaint.objects.visible_to(user).select_related(
        "regency", "group", "grant", "grant__group", "companion", "assigned_to"
    )


def complaint_list(*, user: Any, filters: ComplaintFilters, today: dt.date | None = None) -> QuerySet[Complaint]:
    qs = _rows(user)
    if filters.status in Complaint.Status.values:
        qs = qs.filter(status=filters.status)
    if re.fullmatch(r"\d{2}\.\d{2}", filters.regency):
        qs = qs.filter(regency_id=filters.regency)
    if filters.overdue:
        qs = qs.overdue(today or timezone.localdate())
    if filters.mine:
        qs = qs.filter(assigned_to_id=getattr(user, "pk", None))
    return qs.order_by("-created_at", "-id")


def complaint_get(*, user: Any, pk: Any) -> Complaint:
    """Raises Complaint.DoesNotExist when absent or out of the user's scope (a 404 either way)."""
    return _rows(user).get(pk=pk)


def complaints_about_group(*, user: Any, group: Group, limit: int = 20) -> list[Complaint]:
    qs = _rows(user).filter(Q(group=group) | Q(grant__group=group))
    return list(qs.order_by("-created_at", "-id")[:limit])


def complaints_about_companion(*, user: Any, companion: Companion, limit: int = 20) -> list[Complaint]:
    return list(_rows(user).filter(companion=companion).order_by("-created_at", "-id")[:limit])


def assignable_officers(*, complaint: Complaint) -> QuerySet[User]:
    """Active officers of the complaint's regency, then the admins (mirrors services.may_handle)."""
    officers = Q(role=Role.OFFICER, regencies=complaint.regency_id)
    admins = Q(role=Role.ADMIN) | Q(is_superuser=True)
    return User.objects.filter(officers | admins, is_active=True).distinct().order_by("role", "username")


def group_by_code(*, user: Any, code: str) -> Group:
    """A KUBE the user may see, by its code (raises Group.DoesNotExist otherwise)."""
    return Group.objects.visible_to(user).get(code=code.strip())


def linkable_grants(*, user: Any) -> QuerySet[Grant]:
    return Grant.objects.visible_to(user).select_related("group").order_by("group__name", "-year", "id")


def linkable_companions(*, user: Any) -> QuerySet[Companion]:
    return Companion.objects.visible_to(user).order_by("name", "id")


# --- the complainant's identity, as each user may see it -------------------------------------------------


@dataclass(frozen=True)
class Complainant:
    """`state`: "anonymous" (none kept), "none" (not anonymous, nothing given), "hidden" (kept, not for this
    user) or "visible" (then `name` and `contact` are filled)."""

    state: str
    name: str = ""
    contact: str = ""


def complainant(user: Any, complaint: Complaint) -> Complainant:
    if complaint.anonymous:
        return Complainant("anonymous")
    if not (complaint.complainant_name or complaint.complainant_contact):
        return Complainant("none")
    if not complaint.identity_visible_to(user):
        return Complainant("hidden")
    return Complainant("visible", complaint.complainant_name, complaint.complainant_contact)


# --- the public status page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicStatus:
    """All the status page shows: never the identity, the description, the officer or the KUBE."""

    reference: str
    status: str
    status_label: str
    category_label: str
    subject_label: str
    received_on: dt.date
    due_on: dt.date
    closed_on: dt.date | None
    resolution: str  # only once closed: a reopened complaint's earlier text is not the answer


def normalise_reference(value: Any) -> str:
    """'adu-7k3q 9p2m', '7K3Q9P2M' -> 'ADU-7K3Q9P2M'; anything that cannot be a reference -> ''."""
    text = re.sub(r"\s+", "", str(value or "")).upper()[:30]
    if not text.startswith(REFERENCE_PREFIX):
        text = REFERENCE_PREFIX + text.removeprefix("ADU")
    return text if _REFERENCE.fullmatch(text) else ""


def public_status(*, reference: str) -> PublicStatus | None:
    ref = normalise_reference(reference)
    row = Complaint.objects.filter(reference=ref).first() if ref else None
    if row is None:
        return None
    closed = row.status in (Complaint.Status.RESOLVED, Complaint.Status.REJECTED)
    return PublicStatus(
        reference=row.reference,
        status=row.status,
        status_label=str(row.get_status_display()),
        category_label=str(row.get_category_display()),
        subject_label=str(row.get_subject_display()),
        received_on=timezone.localdate(row.created_at),
        due_on=row.due_on,
        closed_on=row.closed_on,
        resolution=row.resolution if closed else "",
    )
