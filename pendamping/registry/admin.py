"""Django admin for provincial admins: look up and correct registry rows, with every write audited.

Rows are created through the pages and the API, where the rules run (members of the KUBE's village, 5-20
members, tranches within the grant); here an admin corrects them. Fields the services derive (a family's
sex, birth date and regency from its NIK and village; a KUBE's code and regency) are read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from pendamping.audit.admin_mixins import AuditedAdminMixin, ProvinceAdminOnlyMixin
from pendamping.registry.models import Family, Grant, Group, Membership, Scheme, Tranche


class RegistryAdmin(ProvinceAdminOnlyMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_per_page = 50


class CreatedOnPagesAdmin(RegistryAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


class CorrectionInline(ProvinceAdminOnlyMixin, admin.TabularInline):
    extra = 0

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(Family)
class FamilyAdmin(CreatedOnPagesAdmin):
    list_display = ["head_name", "nik_display", "desa", "regency", "status", "welfare_decile"]
    list_filter = ["status", "sex", "welfare_decile"]
    search_fields = ["head_name", "=nik", "=kk_number", "=dtks_id"]
    raw_id_fields = ["desa"]
    readonly_fields = ["nik", "sex", "birth_date", "desa", "regency", "version", "created_at", "updated_at"]
    list_select_related = ["desa", "regency"]

    @admin.display(description=_("head's NIK"), ordering="nik")
    def nik_display(self, obj: Family) -> str:
        return obj.nik_masked


class MembershipInline(CorrectionInline):
    model = Membership
    raw_id_fields = ["family"]
    fields = ["family", "role", "joined_on", "left_on", "left_reason"]


@admin.register(Group)
class GroupAdmin(CreatedOnPagesAdmin):
    list_display = ["name", "code", "desa", "regency", "sector", "status", "founded_on"]
    list_filter = ["status", "sector", "scheme"]
    search_fields = ["name", "=code"]
    raw_id_fields = ["desa"]
    readonly_fields = ["code", "desa", "regency", "version", "created_at", "updated_at"]
    list_select_related = ["desa", "regency"]
    inlines = [MembershipInline]


class TrancheInline(CorrectionInline):
    model = Tranche
    fields = ["number", "amount", "disbursed_on"]


@admin.register(Grant)
class GrantAdmin(CreatedOnPagesAdmin):
    list_display = ["group", "year", "source", "amount"]
    list_filter = ["year", "source"]
    search_fields = ["group__name", "=group__code"]
    raw_id_fields = ["group"]
    readonly_fields = ["version", "created_at"]
    list_select_related = ["group"]
    inlines = [TrancheInline]


@admin.register(Scheme)
class SchemeAdmin(RegistryAdmin):
    list_display = ["name", "min_members", "max_members"]
    search_fields = ["name"]
