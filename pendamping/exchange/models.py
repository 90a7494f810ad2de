"""Import batches (with what each wrote, for undo), saved column mappings, and possible duplicates."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.models import Role
from pendamping.accounts.scope import scoped


class Kind(models.TextChoices):
    FAMILIES = "families", _("families")
    GROUPS = "groups", _("KUBE with members")
    GRANTS = "grants", _("grants")
    COMPANIONS = "companions", _("companions")
    REPORTS = "reports", _("monthly UEP reports")
    RESPONSES = "responses", _("survey responses")
    VISITS = "visits", _("companion visits")


class Mode(models.TextChoices):
    ALL = "all", _("all or nothing")
    VALID_ONLY = "valid-only", _("valid rows only")


class OnExisting(models.TextChoices):
    SKIP = "skip", _("skip")
    UPDATE = "update", _("update")
    REJECT = "reject", _("reject")


class BatchQuerySet(models.QuerySet["ImportBatch"]):
    def visible_to(self, user: Any) -> "BatchQuerySet":
        # A batch belongs to the person who made it (its errors quote the file's rows, names included);
        # admins see every batch.
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser or user.role == Role.ADMIN:
            return self
        return self.filter(created_by=user)


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        CHECKING = "checking", _("checking")
        CHECKED = "checked", _("checked, waiting for confirmation")
        RUNNING = "running", _("importing")
        DONE = "done", _("imported")
        REJECTED = "rejected", _("rejected (nothing written)")
        FAILED = "failed", _("failed (nothing written)")
        UNDONE = "undone", _("undone")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ALL)
    on_existing = models.CharField(
        _("existing records"), max_length=6, choices=OnExisting.choices, default=OnExisting.SKIP
    )
    file_name = models.CharField(_("file name"), max_length=120)  # display only, never a path on disk
    file_sha256 = models.CharField(_("file hash (SHA-256)"), max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    stored_as = models.CharField(max_length=80, blank=True, editable=False)  # server-made name in IMPORT_DIR
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)  # header -> field
    source = models.CharField(_("source"), max_length=10, default="file")  # file | odk
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    message = models.TextField(_("message"), blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    errors = models.JSONField(default=list, blank=True)  # [{row, column, value, message}], capped
    error_count = models.PositiveIntegerField(default=0)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    phase = models.CharField(max_length=20, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done")
                | Q(rows=models.F("created") + models.F("updated") + models.F("skipped") + models.F("rejected")),
                name="batch_counts_add_up",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.file_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.REJECTED, self.Status.FAILED, self.Status.UNDONE}


class ImportedRecordQuerySet(models.QuerySet["ImportedRecord"]):
    def object_ids(self) -> list[int]:
        """Every object id these records name, runs expanded."""
        ids: list[int] = []
        for first, last in self.values_list("object_id", "last_object_id"):
            ids.extend(range(first, (last or first) + 1))
        return ids

    def objects_q(self, field: str = "pk") -> Q:
        """A filter on `field` matching the objects these records name, one range per run (no list of a million
        ids as parameters: SQLite takes at most 32,766)."""
        q = Q(**{f"{field}__in": []})
        for first, last in self.values_list("object_id", "last_object_id"):
            q |= Q(**{f"{field}__range": (first, last or first)})
        return q


class ImportedRecord(models.Model):
    """A record a batch created or changed, or a run of records it created: what undo removes or restores."""

    class Action(models.TextChoices):
        CREATED = "c", _("created")
        UPDATED = "u", _("updated")

    # No index of its own: imported_batch_obj below leads with the batch.
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="records", db_index=False)
    model = models.CharField(max_length=40)  # "registry.family"
    object_id = models.BigIntegerField()
    # Set on a run of created records, object_id..last_object_id: a million new families are a few hundred rows
    # here (their ids come from the table's sequence in blocks), not a million more rows to write and index.
    last_object_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=1, choices=Action.choices)
    before = models.JSONField(null=True, blank=True)  # the fields as they were, for an update
    instance_id = models.CharField(max_length=80, blank=True)  # ODK/Kobo submission id

    objects = ImportedRecordQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["batch", "object_id"], name="imported_batch_obj"),
            models.Index(fields=["instance_id"], name="imported_instance", condition=~Q(instance_id="")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_object_id__isnull=True) | Q(last_object_id__gte=models.F("object_id"), action="c"),
                name="imported_run_created_ascending",
            )
        ]

    def __str__(self) -> str:
        last = f"..{self.last_object_id}" if self.last_object_id else ""
        return f"{self.model}#{self.object_id}{last} ({self.get_action_display()})"


class SavedMapping(models.Model):
    """A reusable column mapping, e.g. "SIKS-NG export 2026" for the families kind."""

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=80)
    columns = models.JSONField(_("columns"), default=dict)  # normalised header -> field ("" = ignore)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved column mapping")
        verbose_name_plural = _("saved column mappings")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="mapping_name_unique_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class DuplicateQuerySet(models.QuerySet["PossibleDuplicate"]):
    def visible_to(self, user: Any) -> "DuplicateQuerySet":
        return scoped(self, user, regency="regency_id", companion=Q(pk__in=[]))

    def open(self) -> "DuplicateQuerySet":
        return self.filter(status=PossibleDuplicate.Status.OPEN)


class PossibleDuplicate(models.Model):
    """Two records that may be one person or family, which no unique key caught: a person decides."""

    class Reason(models.TextChoices):
        SAME_KK_SIMILAR_NAME = "kk_name", _("same KK number, similar head's name")
        SAME_NAME_BIRTH_DESA = "name_birth", _("same name and birth date in the same village")
        COMPANION_IS_MEMBER = "companion_member", _("a companion is a member of a KUBE they accompany")

    class Status(models.TextChoices):
        OPEN = "open", _("to review")
        MERGED = "merged", _("merged")
        DISMISSED = "dismissed", _("not a duplicate")

    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    # first/second: families (kk_name, name_birth) or companion (first) and family (second).
    first_id = models.BigIntegerField()
    second_id = models.BigIntegerField()
    regency = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    score = models.FloatField(_("similarity"), default=1.0)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DuplicateQuerySet.as_manager()

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["status", "-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["reason", "first_id", "second_id"], name="duplicate_pair_once"),
            models.CheckConstraint(
                condition=~Q(reason__in=["kk_name", "name_birth"]) | Q(first_id__lt=models.F("second_id")),
                name="duplicate_family_pair_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.first_id} / {self.second_id}"
