"""Complaints (pengaduan) about a KUBE, a grant or a companion, from the public or entered by an officer."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.models import Role
from pendamping.accounts.scope import scoped


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def visible_to(self, user: Any) -> "ComplaintQuerySet":
        return scoped(self, user, regency="regency_id", companion=None)

    def overdue(self, today: dt.date) -> "ComplaintQuerySet":
        return self.filter(status__in=Complaint.OPEN, due_on__lt=today)


class Complaint(models.Model):
    class Subject(models.TextChoices):
        GROUP = "group", _("a KUBE")
        GRANT = "grant", _("a grant")
        COMPANION = "companion", _("a companion")

    class Category(models.TextChoices):
        FUNDS = "funds", _("misuse of funds or assets")
        CONDUCT = "conduct", _("conduct of a companion or officer")
        CONFLICT = "conflict", _("conflict among members")
        SERVICE = "service", _("service or assistance not received")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        IN_PROGRESS = "in_progress", _("in progress")
        RESOLVED = "resolved", _("resolved")
        REJECTED = "rejected", _("rejected")

    class Channel(models.TextChoices):
        PUBLIC = "public", _("public form")
        OFFICER = "officer", _("entered by an officer")

    OPEN = (Status.NEW, Status.IN_PROGRESS)

    # The reference the complainant keeps to ask about progress; random, so it does not count complaints.
    reference = models.CharField(_("reference"), max_length=16, unique=True, editable=False)
    regency = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("regency"))
    subject = models.CharField(_("about"), max_length=10, choices=Subject.choices)
    group = models.ForeignKey(
        "registry.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("KUBE")
    )
    grant = models.ForeignKey(
        "registry.Grant", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("grant")
    )
    companion = models.ForeignKey(
        "companions.Companion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("companion"),
    )
    subject_text = models.CharField(_("named in the complaint"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    description = models.TextField(_("description"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    complainant_name = models.CharField(_("complainant's name"), max_length=120, blank=True)
    complainant_contact = models.CharField(_("complainant's contact"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned officer"),
    )
    due_on = models.DateField(_("due on"))
    resolution = models.TextField(_("resolution"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["regency", "status", "due_on"], name="complaint_regency_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(complainant_name="", complainant_contact=""),
                name="complaint_anonymous_has_no_identity",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["new", "in_progress"]) | ~Q(resolution=""),
                name="complaint_closed_with_resolution",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def identity_visible_to(self, user: Any) -> bool:
        """The complainant's name and contact: for admins and the officer the complaint is assigned to only."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        return bool(
            user.is_superuser or user.role == Role.ADMIN or (self.assigned_to_id and self.assigned_to_id == user.pk)
        )

    def is_overdue(self, today: dt.date) -> bool:
        return self.status in self.OPEN and self.due_on < today
