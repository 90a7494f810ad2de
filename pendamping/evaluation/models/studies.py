"""A quasi-experimental study: arms, waves, the named evaluators, respondents and their answers.

Respondents are known to evaluators by a pseudonym only: a keyed HMAC (the study's own secret key) of the
companion's NIK or the external person's reference, so enumerating plausible NIKs finds nothing without
the key (QUALITY A7). The key never leaves the server."""

import secrets
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from pendamping.evaluation.models._scope import study_scoped


def new_pseudonym_key() -> str:
    return secrets.token_hex(32)


class StudyQuerySet(models.QuerySet["Study"]):
    def visible_to(self, user: Any) -> "StudyQuerySet":
        mine = Respondent.objects.filter(study_id=OuterRef("pk"), companion__user=user)
        return study_scoped(self, user, study_id="pk", companion=Q(Exists(mine)))


class Study(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        COLLECTING = "collecting", _("collecting responses")
        CLOSED = "closed", _("closed")

    class Family(models.TextChoices):
        ALL = "all", _("all design-correct tests together")
        PER_ASPECT = "per_aspect", _("each aspect's tests on their own")
        PER_COMPARISON = "per_comparison", _("each kind of comparison on its own")

    title = models.CharField(_("title"), max_length=200)
    instrument = models.ForeignKey(
        "evaluation.Instrument", on_delete=models.PROTECT, related_name="studies", verbose_name=_("instrument")
    )
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    alpha = models.FloatField(
        _("significance level (α)"), default=0.05, validators=[MinValueValidator(0.001), MaxValueValidator(0.2)]
    )
    family = models.CharField(_("multiplicity family"), max_length=16, choices=Family.choices, default=Family.ALL)
    pseudonym_key = models.CharField(max_length=64, default=new_pseudonym_key, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = StudyQuerySet.as_manager()

    class Meta:
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(alpha__gte=0.001, alpha__lte=0.2), name="study_alpha_range"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="study_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class StudyEvaluatorQuerySet(models.QuerySet["StudyEvaluator"]):
    def visible_to(self, user: Any) -> "StudyEvaluatorQuerySet":
        return study_scoped(self, user, study_id="study_id", companion=None)


class StudyEvaluator(models.Model):
    """A user named on a study: an evaluator (or an officer or auditor) who may see it."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="evaluators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="named_studies")
    added_at = models.DateTimeField(auto_now_add=True)

    objects = StudyEvaluatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("study evaluator")
        verbose_name_plural = _("study evaluators")
        constraints = [models.UniqueConstraint(fields=["study", "user"], name="study_evaluator_once")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.study}"


class ArmQuerySet(models.QuerySet["Arm"]):
    def visible_to(self, user: Any) -> "ArmQuerySet":
        mine = Respondent.objects.filter(study_id=OuterRef("study_id"), companion__user=user)
        return study_scoped(self, user, study_id="study_id", companion=Q(Exists(mine)))


class Arm(models.Model):
    class Code(models.TextChoices):
        TREATMENT = "treatment", _("treatment")
        CONTROL = "control", _("control")

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="arms")
    code = models.CharField(_("arm"), max_length=10, choices=Code.choices)
    label = models.CharField(_("label"), max_length=100)

    objects = ArmQuerySet.as_manager()

    class Meta:
        verbose_name = _("arm")
        verbose_name_plural = _("arms")
        ordering = ["study", "-code"]  # treatment before control
        constraints = [models.UniqueConstraint(fields=["study", "code"], name="arm_once_per_study")]

    def __str__(self) -> str:
        return self.label


class WaveQuerySet(models.QuerySet["Wave"]):
    def visible_to(self, user: Any) -> "WaveQuerySet":
        mine = Respondent.objects.filter(study_id=OuterRef("study_id"), companion__user=user)
        return study_scoped(self, user, study_id="study_id", companion=Q(Exists(mine)))


class Wave(models.Model):
    """A round of answers (pre, post, follow-up…); `order` sets which comes first."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="waves")
    code = models.CharField(
        _("code"), max_length=20, validators=[RegexValidator(r"^[a-z0-9_-]+$", _("Lower-case letters and digits."))]
    )
    order = models.PositiveSmallIntegerField(_("order"))
    label = models.CharField(_("label"), max_length=100)
    date = models.DateField(_("date"), null=True, blank=True)

    objects = WaveQuerySet.as_manager()

    class Meta:
        verbose_name = _("wave")
        verbose_name_plural = _("waves")
        ordering = ["study", "order"]
        constraints = [
            models.UniqueConstraint(fields=["study", "code"], name="wave_code_per_study"),
            models.UniqueConstraint(fields=["study", "order"], name="wave_order_per_study"),
        ]

    def __str__(self) -> str:
        return self.label


class RespondentQuerySet(models.QuerySet["Respondent"]):
    def visible_to(self, user: Any) -> "RespondentQuerySet":
        return study_scoped(self, user, study_id="study_id", companion=Q(companion__user=user))


class Respondent(models.Model):
    """A person in a study's arm: a registry companion, or an external person named by a reference."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="respondents")
    arm = models.ForeignKey(Arm, on_delete=models.RESTRICT, related_name="respondents")
    companion = models.ForeignKey(
        "companions.Companion", null=True, blank=True, on_delete=models.PROTECT, related_name="study_respondents"
    )
    external_name = models.CharField(_("name (external person)"), max_length=120, blank=True)
    external_ref = models.CharField(_("reference (external person)"), max_length=60, blank=True)
    pseudonym = models.CharField(_("pseudonym"), max_length=20)
    regency = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("regency")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RespondentQuerySet.as_manager()

    class Meta:
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        ordering = ["study", "arm__code", "pseudonym"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "companion"], condition=Q(companion__isnull=False), name="respondent_companion_once"
            ),
            models.UniqueConstraint(fields=["study", "pseudonym"], name="respondent_pseudonym_once"),
            models.CheckConstraint(
                condition=(Q(companion__isnull=False) & Q(external_name="") & Q(external_ref=""))
                | (Q(companion__isnull=True) & ~Q(external_name="") & ~Q(external_ref="")),
                name="respondent_companion_or_external",
            ),
        ]

    def __str__(self) -> str:
        return self.pseudonym


class ResponseQuerySet(models.QuerySet["Response"]):
    def visible_to(self, user: Any) -> "ResponseQuerySet":
        return study_scoped(self, user, study_id="respondent__study_id", companion=Q(respondent__companion__user=user))


class Response(models.Model):
    """One answer of a respondent to an item in a wave; `submission_key` names the submission that wrote it."""

    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="responses")
    wave = models.ForeignKey(Wave, on_delete=models.RESTRICT, related_name="responses")
    item = models.ForeignKey("evaluation.Item", on_delete=models.PROTECT, related_name="responses")
    option = models.ForeignKey("evaluation.Option", on_delete=models.PROTECT, related_name="responses")
    submission_key = models.CharField(max_length=64, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["respondent", "wave__order", "item__aspect__order", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["respondent", "wave", "item"], name="response_once_per_item_and_wave")
        ]

    def __str__(self) -> str:
        return f"{self.respondent} {self.wave.code} {self.item.code}={self.option.code}"


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def visible_to(self, user: Any) -> "SubmissionQuerySet":
        return study_scoped(self, user, study_id="respondent__study_id", companion=Q(respondent__companion__user=user))


class Submission(models.Model):
    """A submission already applied, so a replay (a phone retrying, a double click) changes nothing even after
    later submissions have overwritten its answers."""

    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="submissions")
    wave = models.ForeignKey(Wave, on_delete=models.RESTRICT, related_name="+")
    key = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the answers submitted")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [models.UniqueConstraint(fields=["respondent", "key"], name="submission_key_once")]

    def __str__(self) -> str:
        return self.key
