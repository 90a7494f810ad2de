"""Each family's welfare change since its baseline, kept as one row per family so the dashboards can take a
median and a distribution over a million families in the database without comparing records on every page view.
The welfare services keep a family's row current in the same transaction as its records; a full rebuild
(`welfare_changes_rebuild`) serves bulk loads (the demo, a benchmark's data set)."""

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.scope import scoped


class WelfareChangeQuerySet(models.QuerySet["WelfareChange"]):
    def visible_to(self, user: Any) -> "WelfareChangeQuerySet":
        # Aggregates of member families: the dashboards' roles (admins, officers, auditors) in their regencies.
        return scoped(self, user, regency="regency_id", companion=None)


class WelfareChange(models.Model):
    family = models.OneToOneField("registry.Family", primary_key=True, on_delete=models.CASCADE, related_name="+")
    regency = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    kecamatan = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    baseline_on = models.DateField()
    latest_on = models.DateField()
    income_change = models.BigIntegerField()  # Rp per month, latest minus baseline
    change_pct = models.FloatField(null=True)  # None when the baseline income was 0
    decile_shift = models.SmallIntegerField(null=True)  # positive: moved up; None without both deciles

    objects = WelfareChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("welfare change")
        verbose_name_plural = _("welfare changes")
        indexes = [
            # The median is an ordered offset; each dashboard level has an index in that order.
            models.Index(fields=["income_change"], name="welfarechange_income"),
            models.Index(fields=["regency", "income_change"], name="welfarechange_regency"),
            models.Index(fields=["kecamatan", "income_change"], name="welfarechange_kecamatan"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(latest_on__gt=models.F("baseline_on")), name="welfarechange_later")
        ]

    def __str__(self) -> str:
        return f"{self.family_id}: {self.income_change:+d}"
