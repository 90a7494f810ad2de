"""Restrictions of processing, the register of anonymised records, and alerts on mass export or viewing."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Restriction(models.Model):
    """Processing of one person's record restricted (UU 27/2022 art. 11): left out of list and research
    exports. Held by foreign key, not by NIK, so the restriction adds no copy of the number and survives a
    correction of it."""

    family = models.ForeignKey(
        "registry.Family", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("family")
    )
    companion = models.ForeignKey(
        "companions.Companion",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("companion"),
    )
    reason = models.CharField(_("reason"), max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("restricted at"), auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("restriction of processing")
        verbose_name_plural = _("restrictions of processing")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(family__isnull=True, companion__isnull=False)
                | Q(family__isnull=False, companion__isnull=True),
                name="restriction_one_record",
            ),
            models.UniqueConstraint(
                fields=["family"], condition=Q(lifted_at__isnull=True), name="restriction_one_active_per_family"
            ),
            models.UniqueConstraint(
                fields=["companion"], condition=Q(lifted_at__isnull=True), name="restriction_one_active_per_companion"
            ),
        ]

    def __str__(self) -> str:
        kind = "family" if self.family_id else "companion"
        return f"{kind} #{self.family_id or self.companion_id} ({self.at:%Y-%m-%d})"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class Erasure(models.Model):
    """A record whose personal fields were anonymised at the end of its retention period: the register the purge
    consults so a record is anonymised once, and the answer to 'where did this person's data go?'."""

    record_type = models.CharField(_("record type"), max_length=40)  # "registry.family"
    object_id = models.CharField(_("record id"), max_length=64)
    ended_on = models.DateField(_("ended on"))
    retention_days = models.PositiveIntegerField(_("retention (days)"))
    at = models.DateTimeField(_("anonymised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("anonymised record")
        verbose_name_plural = _("anonymised records")
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["record_type", "object_id"], name="erasure_once_per_record")]

    def __str__(self) -> str:
        return f"{self.record_type} #{self.object_id}"


class Alert(models.Model):
    """One user exported or viewed more personal rows than the thresholds allow within their window."""

    class Kind(models.TextChoices):
        MASS_EXPORT = "mass_export", _("mass export")
        MASS_VIEW = "mass_view", _("mass viewing of unmasked numbers")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("user")
    )
    username = models.CharField(_("username"), max_length=150)  # kept when the user is deleted
    at = models.DateTimeField(_("raised at"), auto_now_add=True, db_index=True)
    detail = models.JSONField(_("detail"), default=dict)  # counts and window only, never a NIK or a name
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("privacy alert")
        verbose_name_plural = _("privacy alerts")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "kind", "-at"], name="alert_user_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username} ({self.at:%Y-%m-%d %H:%M})"
