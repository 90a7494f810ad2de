"""Monthly UEP reports, the months an officer has locked, and the office's enterprise settings."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.scope import scoped
from pendamping.enterprise.models._scope import by_group


class EnterpriseSettings(models.Model):
    """One row (pk 1), edited by admins: the rules the office sets for reports and the IKS."""

    report_due_day = models.PositiveSmallIntegerField(
        _("reports due by day"),
        default=10,
        help_text=_("A month's report is late when it arrives after this day of the following month."),
    )
    iks_expected_rate = models.DecimalField(
        _("expected IKS rate (percent of profit)"), max_digits=5, decimal_places=2, default=Decimal("10.00")
    )
    iks_stopped_after_months = models.PositiveSmallIntegerField(
        _("IKS stopped after (months without a contribution)"), default=3
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("enterprise settings")
        verbose_name_plural = _("enterprise settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="enterprise_settings_single_row"),
            models.CheckConstraint(condition=Q(report_due_day__gte=1, report_due_day__lte=28), name="due_day_1_28"),
            models.CheckConstraint(
                condition=Q(iks_expected_rate__gte=0, iks_expected_rate__lte=100), name="iks_rate_0_100"
            ),
            models.CheckConstraint(condition=Q(iks_stopped_after_months__gte=1), name="iks_stopped_at_least_1"),
        ]

    def __str__(self) -> str:
        return str(_("enterprise settings"))

    @classmethod
    def current(cls) -> "EnterpriseSettings":
        return cls.objects.get_or_create(pk=1)[0]

    def due_date(self, period: dt.date) -> dt.date:
        """The last day a report for `period` (a month) is on time: the due day of the following month."""
        following = (period.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        return following.replace(day=self.report_due_day)


class MonthlyReportQuerySet(models.QuerySet["MonthlyReport"]):
    def visible_to(self, user: Any) -> "MonthlyReportQuerySet":
        return by_group(self, user)


class MonthlyReport(models.Model):
    """One KUBE's business in one month. Amounts are whole rupiah; profit is computed by the database."""

    group = models.ForeignKey(
        "registry.Group", on_delete=models.PROTECT, related_name="monthly_reports", verbose_name=_("KUBE")
    )
    # Copied from the KUBE: dashboards count reports by regency and month without joining the groups.
    regency = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", editable=False)
    period = models.DateField(_("month"))  # always the first day of the month
    revenue = models.PositiveBigIntegerField(_("revenue (Rp)"))
    operating_costs = models.PositiveBigIntegerField(_("operating costs (Rp)"))
    profit = models.GeneratedField(
        expression=F("revenue") - F("operating_costs"),
        output_field=models.BigIntegerField(),
        db_persist=True,
        verbose_name=_("profit (Rp)"),
    )
    capital_assets = models.PositiveBigIntegerField(_("capital and assets (Rp)"))
    cash_savings = models.PositiveBigIntegerField(_("cash and savings (Rp)"))
    members_active = models.PositiveSmallIntegerField(_("members active"))
    meetings_held = models.PositiveSmallIntegerField(_("meetings held"))
    iks_collected = models.PositiveBigIntegerField(_("IKS collected (Rp)"), default=0)
    problems = models.TextField(_("problems"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))  # the first submission: lateness is judged by it
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["group", "-period"]
        indexes = [
            models.Index(fields=["regency", "period"], name="report_regency_period"),
            # The province's list, latest month first: PostgreSQL reads one month at a time and sorts only that
            # month by KUBE name (incremental sort), instead of sorting two million reports.
            models.Index(fields=["period"], name="report_period"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["group", "period"], name="report_one_per_kube_month"),
            models.CheckConstraint(condition=Q(period__day=1), name="report_period_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.period:%Y-%m}"

    def due_date(self, config: EnterpriseSettings | None = None) -> dt.date:
        return (config or EnterpriseSettings.current()).due_date(self.period)


class PeriodLockQuerySet(models.QuerySet["PeriodLock"]):
    def visible_to(self, user: Any) -> "PeriodLockQuerySet":
        return scoped(self, user, regency="regency_id", companion=None)


class PeriodLock(models.Model):
    """A regency's month closed by an officer: its reports can no longer be changed."""

    regency = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    period = models.DateField(_("month"))
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    locked_at = models.DateTimeField(_("locked at"), auto_now_add=True)

    objects = PeriodLockQuerySet.as_manager()

    class Meta:
        verbose_name = _("locked month")
        verbose_name_plural = _("locked months")
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["regency", "period"], name="lock_one_per_regency_month"),
            models.CheckConstraint(condition=Q(period__day=1), name="lock_period_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.regency_id} {self.period:%Y-%m}"
