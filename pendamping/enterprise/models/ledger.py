"""The social-solidarity fund (IKS) ledger of a KUBE, and the welfare of member families over time."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.scope import scoped
from pendamping.enterprise.models._scope import by_group
from pendamping.registry.models import Membership, assigned_group_ids


class IksEntryQuerySet(models.QuerySet["IksEntry"]):
    def visible_to(self, user: Any) -> "IksEntryQuerySet":
        return by_group(self, user)


class IksEntry(models.Model):
    """Money into the IKS (members' contributions) or out of it (help to a member or a neighbour in need)."""

    class Kind(models.TextChoices):
        IN = "in", _("contribution")
        OUT = "out", _("use")

    group = models.ForeignKey(
        "registry.Group", on_delete=models.PROTECT, related_name="iks_entries", verbose_name=_("KUBE")
    )
    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)
    on = models.DateField(_("date"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    # A contribution recorded with a monthly report is that report's IKS line (one per report).
    report = models.OneToOneField(
        "enterprise.MonthlyReport", null=True, blank=True, on_delete=models.CASCADE, related_name="iks_entry"
    )
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    recipient = models.CharField(_("recipient"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IksEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("IKS entry")
        verbose_name_plural = _("IKS entries")
        ordering = ["group", "on", "id"]
        # The province's ledger list, newest first (selectors order by -on, id): read in that order, not sorted.
        indexes = [models.Index(fields=["-on", "id"], name="iks_on")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="iks_amount_positive"),
            models.CheckConstraint(condition=Q(kind="in") | ~Q(purpose=""), name="iks_use_has_purpose"),
            models.CheckConstraint(condition=Q(kind="in") | Q(report__isnull=True), name="iks_use_not_from_report"),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.on} {self.kind} {self.amount}"

    @property
    def signed_amount(self) -> int:
        return self.amount if self.kind == self.Kind.IN else -self.amount


class WelfareRecordQuerySet(models.QuerySet["WelfareRecord"]):
    def visible_to(self, user: Any) -> "WelfareRecordQuerySet":
        current = Membership.objects.filter(left_on__isnull=True, group__in=assigned_group_ids(user))
        return scoped(self, user, regency="family__regency_id", companion=Q(family__in=current.values("family_id")))


class WelfareRecord(models.Model):
    """A member family's income and welfare decile at a date: at joining, then follow-up updates."""

    class Kind(models.TextChoices):
        JOINING = "joining", _("at joining")
        UPDATE = "update", _("follow-up")

    family = models.ForeignKey("registry.Family", on_delete=models.PROTECT, related_name="welfare_records")
    group = models.ForeignKey(
        "registry.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("KUBE")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.UPDATE)
    recorded_on = models.DateField(_("date"))
    monthly_income = models.PositiveBigIntegerField(_("monthly income (Rp)"))
    welfare_decile = models.PositiveSmallIntegerField(_("welfare decile"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WelfareRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("welfare record")
        verbose_name_plural = _("welfare records")
        ordering = ["family", "recorded_on", "id"]
        # The province's welfare list, newest first (selectors order by -recorded_on, id), read in that order.
        indexes = [models.Index(fields=["-recorded_on", "id"], name="welfare_recorded")]
        constraints = [
            models.UniqueConstraint(fields=["family", "recorded_on"], name="welfare_one_per_family_date"),
            models.CheckConstraint(
                condition=Q(welfare_decile__isnull=True) | Q(welfare_decile__gte=1, welfare_decile__lte=10),
                name="welfare_decile_1_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family} {self.recorded_on}"
