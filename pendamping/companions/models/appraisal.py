"""Quarterly appraisal of active companions: a rubric of rated indicators per role (1-4, by the supervising
officer) and indicators computed from data; the result is a score and 'performing well' yes or no."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.scope import scoped
from pendamping.companions.models.people import Companion


class AppraisalRubric(models.Model):
    """The office's appraisal rules; exactly one is in use at a time."""

    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("in use"), default=False)
    threshold = models.DecimalField(
        _("performing well from score"), max_digits=5, decimal_places=2, default=Decimal("70")
    )
    visits_per_month = models.DecimalField(
        _("visits per assigned KUBE per month (target)"), max_digits=4, decimal_places=2, default=Decimal("1")
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("appraisal rubric")
        verbose_name_plural = _("appraisal rubrics")
        ordering = ["-is_active", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="appraisal_rubric_active"),
            models.CheckConstraint(condition=Q(threshold__gte=0, threshold__lte=100), name="appraisal_threshold"),
        ]

    def __str__(self) -> str:
        return self.name


class AppraisalIndicator(models.Model):
    """A weighted indicator: rated 1-4 by the officer for one of the three roles, or computed from data."""

    class Role(models.TextChoices):
        RESOURCE = "resource", _("resource person (nara sumber)")
        MOTIVATOR = "motivator", _("motivator (penggerak)")
        FACILITATOR = "facilitator", _("facilitator (fasilitator)")
        DATA = "data", _("outcomes (from data)")

    rubric = models.ForeignKey(AppraisalRubric, on_delete=models.CASCADE, related_name="indicators")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    # Empty for a rated indicator; a key of the computed rules (companions.appraisal_rules.RULES) otherwise.
    rule = models.CharField(_("computed from"), max_length=30, blank=True)
    label = models.CharField(_("indicator"), max_length=200)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal("1"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("appraisal indicator")
        verbose_name_plural = _("appraisal indicators")
        ordering = ["rubric", "role", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="appraisal_weight_positive"),
            models.CheckConstraint(condition=Q(role="data") | Q(rule=""), name="appraisal_rated_roles_have_no_rule"),
            models.CheckConstraint(condition=~Q(role="data") | ~Q(rule=""), name="appraisal_data_has_a_rule"),
        ]

    def __str__(self) -> str:
        return self.label


class AppraisalQuerySet(models.QuerySet["Appraisal"]):
    def visible_to(self, user: Any) -> "AppraisalQuerySet":
        return scoped(self, user, regency="regency_id", companion=Q(companion__user=user))


class Appraisal(models.Model):
    """A companion's appraisal for one quarter (period = the quarter's first day)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        FINAL = "final", _("final")

    companion = models.ForeignKey(Companion, on_delete=models.PROTECT, related_name="appraisals")
    regency = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", editable=False)
    period = models.DateField(_("quarter"))
    rubric = models.ForeignKey(AppraisalRubric, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.DRAFT)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    performing_well = models.BooleanField(_("performing well"), null=True, blank=True)
    details = models.JSONField(_("indicator details"), default=list, blank=True)
    appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppraisalQuerySet.as_manager()

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["-period", "companion__name"]
        indexes = [models.Index(fields=["regency", "period"], name="appraisal_regency_period")]
        constraints = [
            models.UniqueConstraint(fields=["companion", "period"], name="appraisal_once_per_quarter"),
            models.CheckConstraint(
                condition=Q(period__day=1, period__month__in=[1, 4, 7, 10]), name="appraisal_period_is_a_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.companion} {self.quarter_label()}"

    def quarter_label(self) -> str:
        return f"{self.period.year} Q{(self.period.month - 1) // 3 + 1}"

    @staticmethod
    def quarter_of(day: dt.date) -> dt.date:
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


class Rating(models.Model):
    """The supervising officer's rating (1-4) of one rated indicator."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="ratings")
    indicator = models.ForeignKey(AppraisalIndicator, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("rating (1-4)"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "indicator"], name="rating_once_per_indicator"),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=4), name="rating_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"
