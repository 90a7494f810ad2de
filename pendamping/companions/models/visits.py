"""Companionship in the field: visits to KUBE, tagged with the roles they served, and their follow-ups."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.scope import scoped
from pendamping.companions.models.people import Companion


class VisitQuerySet(models.QuerySet["Visit"]):
    def visible_to(self, user: Any) -> "VisitQuerySet":
        return scoped(self, user, regency="regency_id", companion=Q(companion__user=user))


class Visit(models.Model):
    class Topic(models.TextChoices):
        BOOKKEEPING = "bookkeeping", _("bookkeeping")
        MARKETING = "marketing", _("marketing")
        PRODUCTION = "production", _("production")
        CAPITAL = "capital", _("capital and savings")
        IKS = "iks", _("IKS (solidarity fund)")
        ORGANISATION = "organisation", _("group organisation and meetings")
        CONFLICT = "conflict", _("conflict resolution")
        PARTNERSHIP = "partnership", _("partnership")
        REPORTING = "reporting", _("monthly report")

    companion = models.ForeignKey(Companion, on_delete=models.PROTECT, related_name="visits")
    group = models.ForeignKey("registry.Group", on_delete=models.PROTECT, related_name="visits", verbose_name=_("KUBE"))
    # Copied from the KUBE: visit frequency per regency is read without joining the groups.
    regency = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", editable=False)
    on = models.DateField(_("date"))
    as_resource = models.BooleanField(_("resource person (nara sumber)"), default=False)
    as_motivator = models.BooleanField(_("motivator (penggerak)"), default=False)
    as_facilitator = models.BooleanField(_("facilitator (fasilitator)"), default=False)
    topics = models.JSONField(_("topics"), default=list, blank=True)  # codes of Topic
    topic_other = models.CharField(_("other topic"), max_length=200, blank=True)
    members_present = models.PositiveSmallIntegerField(_("members present"))
    problems = models.TextField(_("problems found"), blank=True)
    # A phone on a weak connection may send the same visit twice; the key makes the second one a no-op.
    client_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-on", "-id"]
        indexes = [
            models.Index(fields=["companion", "on"], name="visit_companion_on"),
            models.Index(fields=["regency", "on"], name="visit_regency_on"),
            # The province's list, newest first (an admin's first page): without it, a sort of every visit.
            models.Index(fields=["on", "id"], name="visit_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(as_resource=True) | Q(as_motivator=True) | Q(as_facilitator=True),
                name="visit_serves_a_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.companion} → {self.group} {self.on}"

    def roles(self) -> list[str]:
        return [
            r
            for r, on in (
                ("resource", self.as_resource),
                ("motivator", self.as_motivator),
                ("facilitator", self.as_facilitator),
            )
            if on
        ]


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def visible_to(self, user: Any) -> "FollowUpQuerySet":
        return scoped(self, user, regency="visit__regency_id", companion=Q(visit__companion__user=user))

    def open(self) -> "FollowUpQuerySet":
        return self.filter(done_on__isnull=True)


class FollowUp(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="follow_ups")
    action = models.CharField(_("follow-up action"), max_length=300)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["done_on", "due_on", "id"]

    def __str__(self) -> str:
        return self.action
