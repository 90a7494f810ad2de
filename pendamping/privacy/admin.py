"""Read-only admin pages of the privacy records: alerts are acknowledged, never edited or deleted, and
restrictions change only through the service (so that each change is audited)."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from pendamping.audit.admin_mixins import ProvinceAdminOnlyMixin
from pendamping.privacy.models import Alert, Erasure, Restriction
from pendamping.privacy.services.alerts import alert_acknowledge


class ReadOnlyAdmin(ProvinceAdminOnlyMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.action(description=_("Acknowledge the selected alerts"))
def acknowledge(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Alert]) -> None:
    for alert in queryset:
        alert_acknowledge(actor=request.user, alert=alert)
    modeladmin.message_user(request, _("Alerts acknowledged."), messages.SUCCESS)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "username", "detail", "acknowledged_by", "acknowledged_at"]
    list_filter = ["kind", ("acknowledged_at", admin.EmptyFieldListFilter)]
    actions = [acknowledge]


@admin.register(Restriction)
class RestrictionAdmin(ReadOnlyAdmin):
    list_display = ["at", "family", "companion", "reason", "by", "lifted_at"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter)]


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdmin):
    list_display = ["at", "record_type", "object_id", "ended_on", "retention_days"]
    list_filter = ["record_type"]
