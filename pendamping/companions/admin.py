"""Django admin for provincial admins: companions and their assignments, every write audited. Rows are
created through the pages (NIK rules, caseload limit); here an admin corrects them."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from pendamping.audit.admin_mixins import AuditedAdminMixin, ProvinceAdminOnlyMixin
from pendamping.companions.models import Assignment, Companion


class CompanionsAdmin(ProvinceAdminOnlyMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


class AssignmentInline(ProvinceAdminOnlyMixin, admin.TabularInline):
    model = Assignment
    extra = 0

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    raw_id_fields = ["group"]
    fields = ["group", "started_on", "ended_on", "end_reason"]


@admin.register(Companion)
class CompanionAdmin(CompanionsAdmin):
    list_display = ["name", "nik_display", "regency", "status", "education", "caseload_limit"]
    list_filter = ["status", "education", "sex"]
    search_fields = ["name", "=nik", "phone"]
    raw_id_fields = ["home_desa", "regency", "user"]
    readonly_fields = ["nik", "sex", "birth_date", "version", "created_at", "updated_at"]
    list_select_related = ["regency"]
    inlines = [AssignmentInline]

    @admin.display(description=_("NIK"), ordering="nik")
    def nik_display(self, obj: Companion) -> str:
        return obj.nik_masked


@admin.register(Assignment)
class AssignmentAdmin(CompanionsAdmin):
    list_display = ["companion", "group", "started_on", "ended_on"]
    list_filter = ["ended_on"]
    search_fields = ["companion__name", "group__name", "=group__code"]
    raw_id_fields = ["companion", "group"]
    list_select_related = ["companion", "group"]


# The appraisal rubric's admin lives in its own module (the step that owns it); importing it registers it.
from pendamping.companions import admin_appraisal  # noqa: E402, F401
