"""Briefing (pembekalan) batches, planned over the model's seven elements: participants, materials (modules),
methods (per session), budget, time (sessions), instructors and facilities; with attendance and a pre/post
knowledge test per participant."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.scope import scoped
from pendamping.companions.models.people import Companion


class BriefingQuerySet(models.QuerySet["Briefing"]):
    def visible_to(self, user: Any) -> "BriefingQuerySet":
        # A batch is run by the province; officers and auditors see batches with participants of their regencies.
        ours = scoped(self, user, regency="participants__companion__regency_id", companion=None)
        return self.filter(pk__in=ours.values("pk"))


class Briefing(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")

    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    # Facilities (sarana prasarana): the venue and its capacity; the equipment checklist is in Equipment.
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    venue_capacity = models.PositiveSmallIntegerField(_("venue capacity"), null=True, blank=True)
    completion_share = models.DecimalField(
        _("attendance needed to complete (percent of hours)"), max_digits=5, decimal_places=2, default=Decimal("80")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BriefingQuerySet.as_manager()

    class Meta:
        verbose_name = _("briefing batch")
        verbose_name_plural = _("briefing batches")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="briefing_ends_after_start"),
            models.CheckConstraint(
                condition=Q(completion_share__gt=0, completion_share__lte=100), name="briefing_share_0_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    """A curriculum module (materi) with its planned hours and learning goals."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("module"), max_length=200)
    hours = models.DecimalField(_("planned hours"), max_digits=5, decimal_places=2)
    goals = models.TextField(_("learning goals"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["briefing", "position", "id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="module_hours_positive")]

    def __str__(self) -> str:
        return self.title


class Instructor(models.Model):
    """An instructor (narasumber pelatihan), kept across batches."""

    name = models.CharField(_("name"), max_length=120)
    institution = models.CharField(_("institution"), max_length=160, blank=True)
    expertise = models.CharField(_("expertise"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    """One session of a module: its time, method and instructors."""

    class Method(models.TextChoices):
        LECTURE = "lecture", _("lecture")
        DISCUSSION = "discussion", _("discussion")
        ROLE_PLAY = "role_play", _("role play")
        CASE_STUDY = "case_study", _("case study")
        FIELD = "field", _("field practice")
        SIMULATION = "simulation", _("simulation / games")

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="sessions")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="sessions")
    on = models.DateField(_("date"))
    starts_at = models.TimeField(_("start"))
    ends_at = models.TimeField(_("end"))
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    instructors = models.ManyToManyField(Instructor, related_name="sessions", blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["briefing", "on", "starts_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.module} {self.on} {self.starts_at:%H:%M}"

    @property
    def hours(self) -> Decimal:
        minutes = (self.ends_at.hour * 60 + self.ends_at.minute) - (self.starts_at.hour * 60 + self.starts_at.minute)
        return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


class BudgetLine(models.Model):
    """A line of the batch's budget (alokasi dana): planned and actual amounts in rupiah."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="budget_lines")
    item = models.CharField(_("item"), max_length=200)
    planned = models.PositiveBigIntegerField(_("planned (Rp)"))
    actual = models.PositiveBigIntegerField(_("actual (Rp)"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["briefing", "position", "id"]

    def __str__(self) -> str:
        return self.item


class Equipment(models.Model):
    """A line of the facilities checklist: what the batch needs and whether it is ready."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="equipment")
    item = models.CharField(_("item"), max_length=160)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    ready = models.BooleanField(_("ready"), default=False)

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        ordering = ["briefing", "id"]

    def __str__(self) -> str:
        return self.item


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def visible_to(self, user: Any) -> "ParticipantQuerySet":
        return scoped(self, user, regency="companion__regency_id", companion=Q(companion__user=user))


class Participant(models.Model):
    """A candidate or active companion in a batch, with the knowledge test before and after (0-100)."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="participants")
    companion = models.ForeignKey(Companion, on_delete=models.PROTECT, related_name="briefings")
    pre_score = models.DecimalField(_("pre-test score"), max_digits=5, decimal_places=2, null=True, blank=True)
    post_score = models.DecimalField(_("post-test score"), max_digits=5, decimal_places=2, null=True, blank=True)
    completed = models.BooleanField(_("completed"), default=False)  # set when the batch is finished

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["briefing", "companion__name"]
        constraints = [
            models.UniqueConstraint(fields=["briefing", "companion"], name="participant_once_per_batch"),
            models.CheckConstraint(
                condition=Q(pre_score__isnull=True) | Q(pre_score__gte=0, pre_score__lte=100), name="pre_score_0_100"
            ),
            models.CheckConstraint(
                condition=Q(post_score__isnull=True) | Q(post_score__gte=0, post_score__lte=100),
                name="post_score_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.companion} @ {self.briefing}"


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "participant"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.participant} {self.session}: {self.present}"
