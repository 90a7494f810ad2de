"""Django admin for provincial admins: the classification rubric (levels and indicators) and the enterprise
settings, every write audited; the business rows (reports, grant use, IKS, welfare, scores) to look at only.
Those are written through the pages and the API, where their rules run; scores are computed, never typed.

Saving the rubric in use, or the settings (the report due day decides lateness), queues a recomputation."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from pendamping.audit.admin_mixins import AuditedAdminMixin, ProvinceAdminOnlyMixin
from pendamping.enterprise.models import (
    EnterpriseSettings,
    GroupScore,
    IksEntry,
    Indicator,
    Level,
    MonthlyReport,
    PeriodLock,
    PlanItem,
    Realisation,
    Rubric,
    WelfareRecord,
)
from pendamping.enterprise.scoring import rule_choices
from pendamping.enterprise.services.classification import (
    active_rubric,
    indicator_problems,
    level_problems,
    min_level_problems,
    rubrics_deactivate,
)
from pendamping.enterprise.services.rescore import scores_refresh_later


def _refresh(request: HttpRequest) -> None:
    """Scores follow the rules they were computed by: recompute once this save commits."""
    if active_rubric() is not None:
        scores_refresh_later(actor=request.user)


class _RubricPart(BaseInlineFormSet):
    """Checks that need every row of an inline at once (the rows' own fields are checked by their forms)."""

    def rows(self) -> list[dict[str, Any]]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class LevelFormSet(_RubricPart):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        levels = [(row["position"], row["min_score"]) for row in self.rows()]
        minimum = self.instance.outstanding_min_level
        problems = level_problems(levels) + min_level_problems(minimum, [position for position, _s in levels])
        if problems:
            raise ValidationError(problems)


class IndicatorFormSet(_RubricPart):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if problems := indicator_problems([(row["rule"], row.get("weight")) for row in self.rows()]):
            raise ValidationError(problems)


class IndicatorForm(forms.ModelForm):
    rule = forms.ChoiceField(label=Indicator._meta.get_field("rule").verbose_name, choices=rule_choices)

    class Meta:
        model = Indicator
        fields = ["aspect", "rule", "label", "weight", "target", "position"]

    def clean_weight(self) -> Any:
        weight = self.cleaned_data["weight"]
        if weight is not None and weight <= 0:  # said plainly here, before the database's constraint would
            raise ValidationError(_("Every indicator needs a weight above 0."))
        return weight


class RubricForm(forms.ModelForm):
    class Meta:
        model = Rubric
        fields = [
            *("name", "is_active", "outstanding_per_regency", "outstanding_min_level", "outstanding_min_months"),
            "window_months",
        ]

    def _get_validation_exclusions(self) -> set[str]:
        # Ticking "in use" on a second rubric is allowed (its save takes the other out of use first), so the
        # one-active constraint is left to the database rather than refused here. (Private in the stubs.)
        return {*super()._get_validation_exclusions(), "is_active"}  # type: ignore[misc]


class LevelInline(ProvinceAdminOnlyMixin, admin.TabularInline):
    model = Level
    formset = LevelFormSet
    extra = 0
    fields = ["position", "name", "min_score"]


class IndicatorInline(ProvinceAdminOnlyMixin, admin.TabularInline):
    model = Indicator
    form = IndicatorForm
    formset = IndicatorFormSet
    extra = 0


@admin.register(Rubric)
class RubricAdmin(ProvinceAdminOnlyMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "is_active", "outstanding_per_regency", "outstanding_min_level", "window_months"]
    form = RubricForm
    readonly_fields = ["version", "updated_at"]
    inlines = [LevelInline, IndicatorInline]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            if obj.is_active:  # one rubric in use at a time: this one takes over
                rubrics_deactivate(actor=request.user, keep=obj)
            if change:
                obj.version += 1
            super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if form.instance.is_active:
            _refresh(request)


@admin.register(EnterpriseSettings)
class EnterpriseSettingsAdmin(ProvinceAdminOnlyMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "report_due_day", "iks_expected_rate", "iks_stopped_after_months"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request) and not EnterpriseSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.pk = 1  # the one row (a check constraint holds it there)
        super().save_model(request, obj, form, change)
        _refresh(request)


class ReadOnlyAdmin(ProvinceAdminOnlyMixin, admin.ModelAdmin):
    """To look at, not to change: these rows have their own pages, with their rules, or are computed."""

    list_per_page = 50

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _read_only(model: type[models.Model], **options: Any) -> None:
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), options))


_read_only(
    GroupScore,
    list_display=["group", "regency", "score", "level_name", "rank_in_regency", "outstanding", "computed_at"],
    list_filter=["outstanding", "level_name"],
    search_fields=["group__name", "=group__code"],
    list_select_related=["group", "regency"],
)
_read_only(
    MonthlyReport,
    list_display=["group", "period", "revenue", "operating_costs", "profit", "submitted_at"],
    list_filter=["period"],
    search_fields=["group__name", "=group__code"],
    list_select_related=["group"],
)
_read_only(PeriodLock, list_display=["regency", "period", "locked_by", "locked_at"], list_select_related=["regency"])
_read_only(
    PlanItem,
    list_display=["grant", "description", "quantity", "unit_price", "total"],
    search_fields=["description", "grant__group__name"],
    list_select_related=["grant", "grant__group"],
)
_read_only(
    Realisation,
    list_display=["grant", "spent_on", "amount", "description", "receipt_ref"],
    search_fields=["description", "receipt_ref", "grant__group__name"],
    list_select_related=["grant", "grant__group"],
)
_read_only(
    IksEntry,
    list_display=["group", "on", "kind", "amount", "purpose"],
    list_filter=["kind"],
    search_fields=["group__name", "=group__code"],
    list_select_related=["group"],
)
_read_only(
    WelfareRecord,
    list_display=["family", "recorded_on", "kind", "monthly_income", "welfare_decile"],
    list_filter=["kind"],
    search_fields=["family__head_name"],
    list_select_related=["family"],
)
