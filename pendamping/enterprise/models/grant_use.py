"""How a grant is used: its spending plan (RAB) and what was actually spent (realisation)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pendamping.enterprise.models._scope import by_group


class PlanItemQuerySet(models.QuerySet["PlanItem"]):
    def visible_to(self, user: Any) -> "PlanItemQuerySet":
        return by_group(self, user, "grant__group")


class PlanItem(models.Model):
    """One line of the RAB (rencana anggaran biaya): what the group plans to buy with the grant."""

    grant = models.ForeignKey("registry.Grant", on_delete=models.CASCADE, related_name="plan_items")
    description = models.CharField(_("item"), max_length=160)
    unit = models.CharField(_("unit"), max_length=30, blank=True)  # ekor, paket, unit, kg
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.PositiveBigIntegerField(_("unit price (Rp)"))
    total = models.GeneratedField(
        expression=F("quantity") * F("unit_price"),
        output_field=models.BigIntegerField(),
        db_persist=True,
        verbose_name=_("total (Rp)"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan item (RAB)")
        verbose_name_plural = _("plan items (RAB)")
        ordering = ["grant", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="plan_item_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="plan_item_price_positive"),
        ]

    def __str__(self) -> str:
        return self.description


class RealisationQuerySet(models.QuerySet["Realisation"]):
    def visible_to(self, user: Any) -> "RealisationQuerySet":
        return by_group(self, user, "grant__group")


class Realisation(models.Model):
    """Money actually spent from a grant, with its receipt (kuitansi/nota) noted."""

    grant = models.ForeignKey("registry.Grant", on_delete=models.CASCADE, related_name="realisations")
    plan_item = models.ForeignKey(
        PlanItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="realisations",
        verbose_name=_("plan item"),
    )
    spent_on = models.DateField(_("date"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    description = models.CharField(_("what was bought"), max_length=200)
    receipt_ref = models.CharField(_("receipt number"), max_length=60, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RealisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("realisation")
        verbose_name_plural = _("realisations")
        ordering = ["grant", "spent_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="realisation_amount_positive")]

    def __str__(self) -> str:
        return f"{self.description} ({self.spent_on})"
