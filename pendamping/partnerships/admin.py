"""Django admin for provincial admins: partners, agreements and their activities, every write audited. Rows are
created through the pages and the API, where the rules run (regencies, scopes, dates, KUBE covered); here an
admin looks them up and corrects them."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from pendamping.audit.admin_mixins import AuditedAdminMixin, ProvinceAdminOnlyMixin
from pendamping.audit.services import audit_record
from pendamping.partnerships.models import Activity, Agreement, Partner


class PartnershipsAdmin(ProvinceAdminOnlyMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        # A correction here is a new version: a page still holding the old one is told, not overwritten.
        if change and hasattr(obj, "version"):
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Partner)
class PartnerAdmin(PartnershipsAdmin):
    list_display = ["name", "type", "regency", "sector", "contact_name"]
    list_filter = ["type"]
    search_fields = ["name", "sector", "contact_name"]
    raw_id_fields = ["regency"]
    readonly_fields = ["version", "created_at"]
    list_select_related = ["regency"]


class ActivityInline(ProvinceAdminOnlyMixin, admin.TabularInline):
    model = Activity
    extra = 0
    raw_id_fields = ["group"]
    fields = ["on", "group", "description", "value"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(Agreement)
class AgreementAdmin(PartnershipsAdmin):
    list_display = ["title", "partner", "regency", "start_on", "end_on", "value"]
    list_filter = ["scope_capital", "scope_marketing", "scope_training", "scope_supply", "scope_mentoring"]
    search_fields = ["title", "partner__name", "document_ref"]
    raw_id_fields = ["partner", "regency", "groups"]
    readonly_fields = ["created_by", "version", "created_at"]  # who recorded it is history, not a correction
    list_select_related = ["partner", "regency"]
    date_hierarchy = "start_on"
    inlines = [ActivityInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The KUBE covered are saved after the row; their change gets its own audit entry."""
        agreement = form.instance
        before = sorted(agreement.groups.values_list("pk", flat=True)) if change else []
        super().save_related(request, form, formsets, change)
        after = sorted(agreement.groups.values_list("pk", flat=True))
        if before != after:
            audit_record(
                actor=request.user, action="update", obj=agreement, before={"groups": before}, after={"groups": after}
            )


@admin.register(Activity)
class ActivityAdmin(PartnershipsAdmin):
    list_display = ["on", "description", "agreement", "group", "value"]
    search_fields = ["description", "agreement__title", "group__name"]
    raw_id_fields = ["agreement", "group"]
    readonly_fields = ["entered_by", "created_at"]
    list_select_related = ["agreement", "group"]
    date_hierarchy = "on"
