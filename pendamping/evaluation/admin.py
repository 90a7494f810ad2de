"""Django admin for provincial admins: a place to look at and correct evaluation rows, every write audited.
Instruments, studies, respondents and answers are made through the pages, the API or the import (where the
rules live: versions, arms, options); here the content is read-only and only descriptive fields change."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pendamping.audit.admin_mixins import AuditedAdminMixin, ProvinceAdminOnlyMixin
from pendamping.evaluation.models import Analysis, GapAssessment, GapRating, Instrument, Study, StudyEvaluator


class EvaluationAdmin(ProvinceAdminOnlyMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Instrument)
class InstrumentAdmin(EvaluationAdmin):
    list_display = ["code", "version", "title", "language", "locked_at"]
    search_fields = ["code", "title"]
    readonly_fields = ["code", "version", "language", "locked_at", "created_by", "created_at"]
    fields = ["code", "version", "title", "language", "description", "locked_at", "created_by", "created_at"]


class StudyEvaluatorInline(ProvinceAdminOnlyMixin, admin.TabularInline):
    model = StudyEvaluator
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["added_at"]


@admin.register(Study)
class StudyAdmin(EvaluationAdmin):
    list_display = ["title", "instrument", "status", "starts_on", "ends_on", "alpha", "family"]
    list_filter = ["status", "family"]
    search_fields = ["title"]
    readonly_fields = ["instrument", "status", "created_by", "created_at", "version"]
    fields = ["title", "instrument", "description", "starts_on", "ends_on", "status", "created_by", "created_at"]
    list_select_related = ["instrument"]
    inlines = [StudyEvaluatorInline]


ANALYSIS_FIELDS = (
    "study", "status", "progress", "created_at", "started_at", "finished_at", "inputs_hash", "software_version",
    "options", "error", "task_result_id", "created_by",
)  # fmt: skip


@admin.register(Analysis)
class AnalysisAdmin(EvaluationAdmin):
    list_display = ["study", "status", "progress", "created_at", "finished_at", "inputs_hash"]
    list_filter = ["status"]
    fields = ANALYSIS_FIELDS
    readonly_fields = ANALYSIS_FIELDS
    list_select_related = ["study"]


class GapRatingInline(ProvinceAdminOnlyMixin, admin.TabularInline):
    model = GapRating
    extra = 0
    fields = ["component", "applied", "expected", "standard", "note"]


@admin.register(GapAssessment)
class GapAssessmentAdmin(EvaluationAdmin):
    list_display = ["title", "assessed_on", "created_at"]
    search_fields = ["title"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [GapRatingInline]
