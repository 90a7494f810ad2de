"""A run of the analysis engine on a study's answers, and the model gap analysis."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.models import Role
from pendamping.evaluation.models._scope import is_admin, study_scoped


class AnalysisQuerySet(models.QuerySet["Analysis"]):
    def visible_to(self, user: Any) -> "AnalysisQuerySet":
        return study_scoped(self, user, study_id="study_id", companion=None)


class Analysis(models.Model):
    """One analysis run. The task writes its progress here (django-tasks has no progress API), keyed by the
    task result's id; the result keeps the hash of its inputs, the software version and the options, so a
    report can say exactly what it was computed from."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    study = models.ForeignKey("evaluation.Study", on_delete=models.CASCADE, related_name="analyses")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    inputs_hash = models.CharField(max_length=64, blank=True)
    software_version = models.CharField(max_length=200, blank=True)
    options = models.JSONField(default=dict)
    result = models.JSONField(null=True, blank=True)
    problems = models.JSONField(default=list, help_text="What the validation of the answers found")
    error = models.TextField(blank=True)
    task_result_id = models.CharField(max_length=64, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AnalysisQuerySet.as_manager()

    class Meta:
        verbose_name = _("analysis")
        verbose_name_plural = _("analyses")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="analysis_progress_0_100")]

    def __str__(self) -> str:
        return f"{self.study} #{self.pk} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE


class GapComponent(models.TextChoices):
    """The components of the companion model; briefing is rated on its seven planning elements."""

    RECRUITMENT = "recruitment", _("recruitment of candidate companions")
    BRIEFING_PARTICIPANTS = "briefing_participants", _("briefing: participants (SDM)")
    BRIEFING_MATERIALS = "briefing_materials", _("briefing: materials (materi)")
    BRIEFING_METHODS = "briefing_methods", _("briefing: methods (metode)")
    BRIEFING_BUDGET = "briefing_budget", _("briefing: budget (alokasi dana)")
    BRIEFING_TIME = "briefing_time", _("briefing: time (waktu)")
    BRIEFING_INSTRUCTORS = "briefing_instructors", _("briefing: instructors (instruktur)")
    BRIEFING_FACILITIES = "briefing_facilities", _("briefing: facilities (sarana prasarana)")
    INTERNSHIP = "internship", _("internship (praktek magang)")
    PARTNERSHIP = "partnership", _("business partnership (kemitraan)")
    COMPANIONSHIP = "companionship", _("companionship of the UEP through KUBE")


class GapAssessmentQuerySet(models.QuerySet["GapAssessment"]):
    def visible_to(self, user: Any) -> "GapAssessmentQuerySet":
        # Ratings of the model itself, no personal data: the evaluation roles read them, officers and
        # companions do not.
        if is_admin(user):
            return self
        if getattr(user, "is_authenticated", False) and user.is_active and user.role in (Role.EVALUATOR, Role.AUDITOR):
            return self
        return self.none()


class GapAssessment(models.Model):
    title = models.CharField(_("title"), max_length=200)
    assessed_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GapAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("model gap assessment")
        verbose_name_plural = _("model gap assessments")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return self.title


class GapRatingQuerySet(models.QuerySet["GapRating"]):
    def visible_to(self, user: Any) -> "GapRatingQuerySet":
        return self.filter(assessment__in=GapAssessment.objects.visible_to(user))


RATING = Q(applied__gte=1, applied__lte=5, expected__gte=1, expected__lte=5, standard__gte=1, standard__lte=5)


class GapRating(models.Model):
    """Ratings 1-5 of one component: as applied, as expected by respondents, and the guideline's standard."""

    assessment = models.ForeignKey(GapAssessment, on_delete=models.CASCADE, related_name="ratings")
    component = models.CharField(_("component"), max_length=24, choices=GapComponent.choices)
    applied = models.PositiveSmallIntegerField(_("as applied"))
    expected = models.PositiveSmallIntegerField(_("as expected"))
    standard = models.PositiveSmallIntegerField(_("standard (guidelines)"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = GapRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("gap rating")
        verbose_name_plural = _("gap ratings")
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "component"], name="gap_rating_once_per_component"),
            models.CheckConstraint(condition=RATING, name="gap_rating_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.get_component_display()}: {self.applied}/{self.expected}/{self.standard}"

    @property
    def gap(self) -> int:
        """How far practice falls short of the guideline's standard."""
        return self.standard - self.applied

    @property
    def expectation_gap(self) -> int:
        """How far practice falls short of what respondents expect."""
        return self.expected - self.applied
