"""KUBE classification: a rubric of weighted indicators over three aspects, levels, and each KUBE's score."""

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pendamping.enterprise.models._scope import by_group


class Rubric(models.Model):
    """The office's rules for classifying KUBE; exactly one is in use at a time."""

    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("in use"), default=False)
    outstanding_per_regency = models.PositiveSmallIntegerField(_("outstanding KUBE per regency"), default=3)
    outstanding_min_level = models.PositiveSmallIntegerField(
        _("lowest level for outstanding (position)"),
        default=3,
        help_text=_("Position of the lowest level an outstanding KUBE may have; 3 is the third level (maju)."),
    )
    outstanding_min_months = models.PositiveSmallIntegerField(_("months of reports needed"), default=12)
    window_months = models.PositiveSmallIntegerField(
        _("months looked at"), default=6, help_text=_("Trends and averages use the latest months of reports.")
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("classification rubric")
        verbose_name_plural = _("classification rubrics")
        ordering = ["-is_active", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="rubric_one_active"),
            models.CheckConstraint(condition=Q(window_months__gte=2, window_months__lte=24), name="rubric_window"),
        ]

    def __str__(self) -> str:
        return self.name


class Level(models.Model):
    """A classification level, reached at `min_score` (0-100); position 1 is the lowest."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=40)
    min_score = models.DecimalField(_("from score"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["rubric", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "position"], name="level_position_unique"),
            models.CheckConstraint(condition=Q(min_score__gte=0, min_score__lte=100), name="level_score_0_100"),
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """One weighted indicator; `rule` names the scoring rule (enterprise.scoring.RULES) that computes it."""

    class Aspect(models.TextChoices):
        INSTITUTIONAL = "institutional", _("institutional")
        SOCIAL = "social", _("social")
        ECONOMIC = "economic", _("economic")

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="indicators")
    aspect = models.CharField(_("aspect"), max_length=14, choices=Aspect.choices)
    rule = models.CharField(_("scoring rule"), max_length=30)
    label = models.CharField(_("label"), max_length=120)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal("1"))
    # The value that earns full points (e.g. 2 meetings a month); empty: the rule's default.
    target = models.DecimalField(_("target for full points"), max_digits=14, decimal_places=4, null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["rubric", "aspect", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "rule"], name="indicator_rule_once_per_rubric"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="indicator_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.label


class GroupScoreQuerySet(models.QuerySet["GroupScore"]):
    def visible_to(self, user: Any) -> "GroupScoreQuerySet":
        return by_group(self, user)


class GroupScore(models.Model):
    """A KUBE's current classification under the active rubric, explained indicator by indicator in `details`."""

    group = models.OneToOneField("registry.Group", on_delete=models.CASCADE, related_name="score")
    regency = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", editable=False)
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    level_position = models.PositiveSmallIntegerField(_("level position"))
    level_name = models.CharField(_("level"), max_length=40)
    rank_in_regency = models.PositiveIntegerField(_("rank in regency"), null=True)
    months_reported = models.PositiveSmallIntegerField(_("months reported"), default=0)
    outstanding = models.BooleanField(_("outstanding (berprestasi)"), default=False)
    details = models.JSONField(_("indicator details"), default=list)
    computed_at = models.DateTimeField(_("computed at"))

    objects = GroupScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("KUBE score")
        verbose_name_plural = _("KUBE scores")
        ordering = ["regency", "rank_in_regency"]
        indexes = [
            models.Index(fields=["regency", "-score"], name="score_regency_rank"),
            models.Index(fields=["outstanding", "regency"], name="score_outstanding"),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.score} ({self.level_name})"
