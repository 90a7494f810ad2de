"""Recruitment of candidate companions: calls with quotas per regency, weighted screening criteria,
applications (public form or officer entry), their scores and the panel's decisions."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.scope import scoped
from pendamping.companions.models.people import Companion


class CallQuerySet(models.QuerySet["Call"]):
    def visible_to(self, user: Any) -> "CallQuerySet":
        # A call is the province's; officers and auditors see the calls that recruit in their regencies (the
        # join through the quotas may repeat a call, so it is used as a subquery).
        ours = scoped(self, user, regency="quotas__regency_id", companion=None)
        return self.filter(pk__in=ours.values("pk"))


class Call(models.Model):
    """A call for candidate companions (lowongan), opened by a provincial admin."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        SCREENING = "screening", _("screening")
        DECIDED = "decided", _("decided")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    opens_on = models.DateField(_("applications from"))
    closes_on = models.DateField(_("applications until"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("recruitment call")
        verbose_name_plural = _("recruitment calls")
        ordering = ["-opens_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="call_closes_after_open")]

    def __str__(self) -> str:
        return self.title

    def is_open_on(self, day: dt.date) -> bool:
        return self.status == self.Status.OPEN and self.opens_on <= day <= self.closes_on


class CallQuota(models.Model):
    """How many companions a call recruits in one regency."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="quotas")
    regency = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("regency"))
    quota = models.PositiveSmallIntegerField(_("quota"))

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["call", "regency"]
        constraints = [
            models.UniqueConstraint(fields=["call", "regency"], name="quota_once_per_regency"),
            models.CheckConstraint(condition=Q(quota__gte=1), name="quota_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.call} {self.regency_id}: {self.quota}"


class Criterion(models.Model):
    """A weighted screening criterion of a call. The data decides the automatic ones; the panel scores the
    others (0-100) per applicant."""

    class Kind(models.TextChoices):
        EDUCATION = "education", _("education level")
        RESIDENCE = "residence", _("home village in or near the regency")
        EXPERIENCE = "experience", _("years of business or community experience")
        AGE = "age", _("age band")
        INTERVIEW = "interview", _("interview (panel)")
        WRITTEN = "written", _("written test (panel)")
        OTHER = "other", _("other (panel)")

    AUTOMATIC = (Kind.EDUCATION, Kind.RESIDENCE, Kind.EXPERIENCE, Kind.AGE)

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(_("criterion"), max_length=12, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=120)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal("1"))
    # Rule parameters of the automatic kinds, e.g. {"min_age": 21, "max_age": 45} or {"full_years": 3}.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("screening criterion")
        verbose_name_plural = _("screening criteria")
        ordering = ["call", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.UniqueConstraint(
                fields=["call", "kind"], condition=~Q(kind="other"), name="criterion_kind_once_per_call"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_automatic(self) -> bool:
        return self.kind in self.AUTOMATIC


class ApplicationQuerySet(models.QuerySet["Application"]):
    def visible_to(self, user: Any) -> "ApplicationQuerySet":
        return scoped(self, user, regency="regency_id", companion=None)


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", _("accepted")
        WAITING = "waiting", _("waiting list")
        REJECTED = "rejected", _("rejected")

    class Channel(models.TextChoices):
        PUBLIC = "public", _("public form")
        OFFICER = "officer", _("entered by an officer")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    regency = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("regency applied for")
    )
    reference = models.CharField(_("reference"), max_length=16, unique=True, editable=False)
    nik = models.CharField(_("NIK"), max_length=16)
    name = models.CharField(_("name"), max_length=120)
    sex = models.CharField(_("sex"), max_length=1, choices=Companion.Sex.choices)  # derived from the NIK
    birth_date = models.DateField(_("birth date"))  # derived from the NIK
    phone = models.CharField(_("phone"), max_length=20)
    email = models.EmailField(_("email"), blank=True)
    education = models.CharField(_("education"), max_length=8, choices=Companion.Education.choices)
    home_desa = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("home village")
    )
    experience_years = models.PositiveSmallIntegerField(_("years of experience"), default=0)
    experience = models.TextField(_("experience in business or community work"), blank=True)
    motivation = models.TextField(_("motivation"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank in regency"), null=True, blank=True)
    decision_reason = models.CharField(_("reason for the decision"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    companion = models.OneToOneField(
        Companion, null=True, blank=True, on_delete=models.SET_NULL, related_name="application"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["call", "regency", "rank", "id"]
        indexes = [models.Index(fields=["call", "regency", "status"], name="application_call_regency")]
        constraints = [
            models.UniqueConstraint(fields=["call", "nik"], name="application_once_per_call"),
            models.CheckConstraint(
                condition=Q(status="submitted") | ~Q(decision_reason=""), name="application_decision_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.call})"


class ApplicationScore(models.Model):
    """One criterion's score (0-100) for one applicant: computed for the automatic criteria, entered by the
    panel for the others."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField(_("score (0-100)"), max_digits=5, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("screening score")
        verbose_name_plural = _("screening scores")
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(condition=Q(value__gte=0, value__lte=100), name="screening_score_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.criterion} = {self.value}"
