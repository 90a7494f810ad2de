"""Social companions (Pendamping Sosial KUBE) and their assignments to KUBE."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.scope import scoped
from pendamping.core.nik import mask_number


class CompanionQuerySet(models.QuerySet["Companion"]):
    def visible_to(self, user: Any) -> "CompanionQuerySet":
        # A companion sees their own record only.
        return scoped(self, user, regency="regency_id", companion=Q(user=user))


class Companion(models.Model):
    class Status(models.TextChoices):
        APPLICANT = "applicant", _("applicant")
        CANDIDATE = "candidate", _("candidate")
        TRAINEE = "trainee", _("trainee (briefing)")
        INTERN = "intern", _("intern")
        ACTIVE = "active", _("active")
        INACTIVE = "inactive", _("inactive")

    class Education(models.TextChoices):
        SD = "sd", _("primary school (SD)")
        SMP = "smp", _("junior high (SMP)")
        SMA = "sma", _("senior high (SMA/SMK)")
        DIPLOMA = "diploma", _("diploma (D1-D3)")
        S1 = "s1", _("bachelor (S1/D4)")
        S2 = "s2", _("master or higher (S2/S3)")

    class Sex(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=120)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)  # derived from the NIK
    birth_date = models.DateField(_("birth date"))  # derived from the NIK
    education = models.CharField(_("education"), max_length=8, choices=Education.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    home_desa = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("home village")
    )
    regency = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("regency of service")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CANDIDATE)
    caseload_limit = models.PositiveSmallIntegerField(_("caseload limit"), default=10)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="companion"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CompanionQuerySet.as_manager()

    class Meta:
        verbose_name = _("companion")
        verbose_name_plural = _("companions")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["regency", "name"], name="companion_regency_name")]
        constraints = [
            models.CheckConstraint(condition=Q(caseload_limit__gte=1, caseload_limit__lte=30), name="caseload_1_30")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def nik_masked(self) -> str:
        return mask_number(self.nik)


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def visible_to(self, user: Any) -> "AssignmentQuerySet":
        return scoped(self, user, regency="group__regency_id", companion=Q(companion__user=user))

    def current(self) -> "AssignmentQuerySet":
        return self.filter(ended_on__isnull=True)


class Assignment(models.Model):
    companion = models.ForeignKey(Companion, on_delete=models.PROTECT, related_name="assignments")
    group = models.ForeignKey(
        "registry.Group", on_delete=models.PROTECT, related_name="assignments", verbose_name=_("KUBE")
    )
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("end"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group"], condition=Q(ended_on__isnull=True), name="assignment_one_companion_per_kube"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="assignment_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.companion} → {self.group}"
