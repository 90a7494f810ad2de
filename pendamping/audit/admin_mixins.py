"""Django admin as another door: what a provincial admin changes there is audited like a service write.

The door ("admin") is set by the middleware for every /admin/ request, so these mixins only say who did
what to which row, with the values before and after."""

from typing import Any

from django.db import models, transaction
from django.http import HttpRequest

from pendamping.audit.services import audit_record, snapshot


def _stored(obj: models.Model) -> dict[str, Any]:
    """The row as the database holds it now (the admin form has already copied its input onto `obj`)."""
    row = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
    return snapshot(row) if row is not None else {}


class ProvinceAdminOnlyMixin:
    """The role matrix, not Django's permission tables, decides who administers data: provincial admins
    (the only users made staff) may view and change; nobody else, even a staff user by mistake."""

    def _allowed(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_province_admin", False))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


def _next_version(obj: models.Model) -> None:
    """A change through the admin moves a versioned row's version on, as the services do, so that a page or API
    edit opened before it is refused as stale instead of writing its older values over the admin's change."""
    if not any(field.name == "version" for field in obj._meta.concrete_fields):
        return
    rows = type(obj)._default_manager.select_for_update().filter(pk=obj.pk)
    setattr(obj, "version", (rows.values_list("version", flat=True).first() or 0) + 1)  # noqa: B010 (any model)


class AuditedAdminMixin:
    """Records one audit entry per row created, changed or deleted through the admin, inlines included."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        before = _stored(obj) if change else {}
        with transaction.atomic():
            if change:
                _next_version(obj)
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            audit_record(
                actor=request.user, action="update" if change else "create", obj=obj, before=before, after=snapshot(obj)
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            audit_record(actor=request.user, action="delete", obj=obj, before=snapshot(obj))
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit_record(actor=request.user, action="delete", obj=obj, before=snapshot(obj))
            super().delete_queryset(request, queryset)  # type: ignore[misc]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        with transaction.atomic():
            for obj in formset.deleted_objects:
                audit_record(actor=request.user, action="delete", obj=obj, before=snapshot(obj))
                obj.delete()
            for obj in instances:
                before = _stored(obj)
                obj.save()
                action = "update" if before else "create"
                audit_record(actor=request.user, action=action, obj=obj, before=before, after=snapshot(obj))
            formset.save_m2m()
