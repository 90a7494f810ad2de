"""Generated reports (PDF or XLSX). The file is stored in the row, not on a disk, so a task worker on another
machine can write it and any web server can hand it out; the task writes its progress here (django-tasks has
no progress API)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.models import Role


class ReportQuerySet(models.QuerySet["Report"]):
    def visible_to(self, user: Any) -> "ReportQuerySet":
        # A report is its requester's; admins see every one. A report may hold names of companions needing
        # coaching, so nobody else reads it, whatever their regencies.
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser or user.role == Role.ADMIN:
            return self
        return self.filter(created_by=user)


class Report(models.Model):
    class Kind(models.TextChoices):
        REGENCY_MONTH = "regency_month", _("monthly regency report")
        PROVINCE_QUARTER = "province_quarter", _("quarterly province report")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("report"), max_length=16, choices=Kind.choices)
    area_code = models.CharField(_("area"), max_length=13, blank=True)  # a regency code; "" for the province
    period = models.CharField(_("period"), max_length=7)  # "2026-11" or "2026-Q3"
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    lang = models.CharField(max_length=5, default="id")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    phase = models.CharField(max_length=80, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    file_name = models.CharField(max_length=120, blank=True)
    error = models.TextField(blank=True)
    task_result_id = models.CharField(max_length=64, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_0_100"),
            models.CheckConstraint(
                condition=Q(kind="province_quarter", area_code="") | Q(kind="regency_month") & ~Q(area_code=""),
                name="report_area_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.area_code or 'Jawa Timur'} {self.period} ({self.format})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE and self.content is not None

    @property
    def content_type(self) -> str:
        if self.format == self.Format.PDF:
            return "application/pdf"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
