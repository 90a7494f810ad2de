"""Django admin for provincial admins: look complaints up, read only.

Complaints are written through the pages and the API, where the rules run (a resolution to close, an assignee
of the regency) and where the audit trail masks the complainant's identity; the admin site writes nothing."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pendamping.audit.admin_mixins import ProvinceAdminOnlyMixin
from pendamping.complaints.models import Complaint


@admin.register(Complaint)
class ComplaintAdmin(ProvinceAdminOnlyMixin, admin.ModelAdmin):
    list_display = ["reference", "regency", "subject", "category", "status", "due_on", "assigned_to", "created_at"]
    list_filter = ["status", "category", "subject", "channel"]
    search_fields = ["=reference"]
    list_select_related = ["regency", "assigned_to"]
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
