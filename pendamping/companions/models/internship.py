"""Internship (praktek magang): rounds that place trainees at outstanding host KUBE by an optimal matching,
with the trainee's logbook and the assessments by the host's ketua and the supervising officer."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.scope import scoped
from pendamping.companions.models.people import Companion


class RoundQuerySet(models.QuerySet["InternshipRound"]):
    def visible_to(self, user: Any) -> "RoundQuerySet":
        ours = scoped(self, user, regency="placements__companion__regency_id", companion=None)
        return self.filter(pk__in=ours.values("pk"))


class InternshipRound(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        CONFIRMED = "confirmed", _("confirmed")
        FINISHED = "finished", _("finished")

    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    default_capacity = models.PositiveSmallIntegerField(_("trainees per host"), default=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("internship round")
        verbose_name_plural = _("internship rounds")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="round_ends_after_start"),
            models.CheckConstraint(condition=Q(default_capacity__gte=1), name="round_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Host(models.Model):
    """An outstanding KUBE hosting trainees in a round, with its capacity."""

    round = models.ForeignKey(InternshipRound, on_delete=models.CASCADE, related_name="hosts")
    group = models.ForeignKey("registry.Group", on_delete=models.PROTECT, related_name="+", verbose_name=_("KUBE"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=2)

    class Meta:
        verbose_name = _("host KUBE")
        verbose_name_plural = _("host KUBE")
        ordering = ["round", "group__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "group"], name="host_once_per_round"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="host_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.group} ({self.capacity})"


class PlacementQuerySet(models.QuerySet["Placement"]):
    def visible_to(self, user: Any) -> "PlacementQuerySet":
        return scoped(self, user, regency="companion__regency_id", companion=Q(companion__user=user))


class Placement(models.Model):
    """A trainee in a round and, once matched, their host with the suitability score and its reasons."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        CONFIRMED = "confirmed", _("confirmed")
        COMPLETED = "completed", _("completed")
        FAILED = "failed", _("not completed")

    round = models.ForeignKey(InternshipRound, on_delete=models.CASCADE, related_name="placements")
    companion = models.ForeignKey(
        Companion, on_delete=models.PROTECT, related_name="placements", verbose_name=_("trainee")
    )
    host = models.ForeignKey(Host, null=True, blank=True, on_delete=models.SET_NULL, related_name="placements")
    score = models.DecimalField(_("suitability"), max_digits=6, decimal_places=2, null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["round", "companion__name"]
        constraints = [models.UniqueConstraint(fields=["round", "companion"], name="trainee_once_per_round")]

    def __str__(self) -> str:
        return f"{self.companion} → {self.host or '—'}"


class LogEntry(models.Model):
    """The trainee's logbook: what they did and learnt on a day."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="logbook")
    on = models.DateField(_("date"))
    activity = models.CharField(_("activity"), max_length=300)
    learnt = models.TextField(_("what was learnt"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("logbook entry")
        verbose_name_plural = _("logbook entries")
        ordering = ["placement", "on", "id"]

    def __str__(self) -> str:
        return f"{self.on}: {self.activity}"


class Assessment(models.Model):
    """An assessment of a trainee: by the host KUBE's ketua or by the supervising officer, each item 1-4."""

    class By(models.TextChoices):
        KETUA = "ketua", _("host KUBE's chair (ketua)")
        OFFICER = "officer", _("supervising officer")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="assessments")
    by = models.CharField(_("assessed by"), max_length=8, choices=By.choices)
    assessor_name = models.CharField(_("assessor's name"), max_length=120)
    scores = models.JSONField(_("scores per item (1-4)"), default=dict)
    total = models.DecimalField(_("score (0-100)"), max_digits=5, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("internship assessment")
        verbose_name_plural = _("internship assessments")
        constraints = [
            models.UniqueConstraint(fields=["placement", "by"], name="assessment_once_per_assessor"),
            models.CheckConstraint(condition=Q(total__gte=0, total__lte=100), name="assessment_total_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.placement}: {self.get_by_display()} {self.total}"
