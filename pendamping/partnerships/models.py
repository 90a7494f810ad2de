"""Business partnerships (kemitraan usaha): partners, their agreements with KUBE, and what came of them."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.models import Role
from pendamping.accounts.scope import scoped
from pendamping.registry.models import assigned_group_ids


class PartnerQuerySet(models.QuerySet["Partner"]):
    def visible_to(self, user: Any) -> "PartnerQuerySet":
        """Regional users: the partners of their regencies and the province-wide ones (no regency); a companion:
        the partners of agreements that cover their KUBE."""
        covering = Agreement.objects.filter(groups__in=assigned_group_ids(user)).values("partner_id")
        ours = scoped(self, user, regency="regency_id", companion=Q(pk__in=covering))
        if getattr(user, "role", None) in (Role.OFFICER, Role.AUDITOR) and user.is_active and user.regency_codes:
            return self.filter(Q(pk__in=ours.values("pk")) | Q(regency__isnull=True))
        return ours


class Partner(models.Model):
    class Type(models.TextChoices):
        GOVERNMENT = "government", _("government")
        PRIVATE = "private", _("private sector")
        COMMUNITY = "community", _("community")

    name = models.CharField(_("name"), max_length=160)
    type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    # Empty: a province-wide partner (a state bank, a provincial agency) that any regency may work with.
    regency = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("regency")
    )
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["name", "regency"], name="partner_name_unique_in_regency")]

    def __str__(self) -> str:
        return self.name


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def visible_to(self, user: Any) -> "AgreementQuerySet":
        covering = Agreement.groups.through.objects.filter(group__in=assigned_group_ids(user))
        return scoped(self, user, regency="regency_id", companion=Q(pk__in=covering.values("agreement_id")))

    def active_on(self, day: dt.date) -> "AgreementQuerySet":
        return self.filter(start_on__lte=day, end_on__gte=day)


class Agreement(models.Model):
    """A partner's agreement with KUBE of one regency (a province-wide partner signs one per regency)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="agreements")
    regency = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("regency"))
    title = models.CharField(_("title"), max_length=200)
    groups = models.ManyToManyField("registry.Group", related_name="agreements", verbose_name=_("KUBE covered"))
    scope_capital = models.BooleanField(_("capital"), default=False)
    scope_marketing = models.BooleanField(_("marketing"), default=False)
    scope_training = models.BooleanField(_("training"), default=False)
    scope_supply = models.BooleanField(_("supply"), default=False)
    scope_mentoring = models.BooleanField(_("mentoring"), default=False)
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"))
    value = models.PositiveBigIntegerField(_("value (Rp)"), null=True, blank=True)
    document_ref = models.CharField(_("document reference"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgreementQuerySet.as_manager()

    SCOPES = ("capital", "marketing", "training", "supply", "mentoring")

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-start_on", "id"]
        indexes = [models.Index(fields=["regency", "end_on"], name="agreement_regency_end")]
        constraints = [
            models.CheckConstraint(condition=Q(end_on__gte=F("start_on")), name="agreement_ends_after_start"),
            models.CheckConstraint(
                condition=Q(scope_capital=True)
                | Q(scope_marketing=True)
                | Q(scope_training=True)
                | Q(scope_supply=True)
                | Q(scope_mentoring=True),
                name="agreement_has_a_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.title}"

    def scopes(self) -> list[str]:
        return [name for name in self.SCOPES if getattr(self, f"scope_{name}")]

    def is_active(self, day: dt.date) -> bool:
        return self.start_on <= day <= self.end_on


class ActivityQuerySet(models.QuerySet["Activity"]):
    def visible_to(self, user: Any) -> "ActivityQuerySet":
        covering = Agreement.groups.through.objects.filter(group__in=assigned_group_ids(user))
        return scoped(
            self, user, regency="agreement__regency_id", companion=Q(agreement_id__in=covering.values("agreement_id"))
        )


class Activity(models.Model):
    """Something that happened under an agreement: a training held, goods sold through the partner, a loan."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="activities")
    group = models.ForeignKey(
        "registry.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("KUBE")
    )
    on = models.DateField(_("date"))
    description = models.CharField(_("what happened"), max_length=300)
    value = models.PositiveBigIntegerField(_("sales or value (Rp)"), default=0)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership activity")
        verbose_name_plural = _("partnership activities")
        ordering = ["-on", "id"]

    def __str__(self) -> str:
        return f"{self.on}: {self.description}"
