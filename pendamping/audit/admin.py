from django.contrib import admin
from django.http import HttpRequest

from pendamping.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "door", "action", "content_type", "object_repr"]
    list_filter = ["action", "door", "content_type"]
    search_fields = ["object_repr", "actor_name"]

    # The trail is evidence: nobody edits or deletes it, not even an admin.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
