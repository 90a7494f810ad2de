"""Django admin for provincial admins: the appraisal rubric and its indicators, every write audited. Import this
module from companions/admin.py (it registers on the default site).

The checks: rated indicators (the three roles) carry no rule, outcome indicators a known computed rule (each
once), weights above 0, at least one rated indicator; one rubric in use at a time (ticking "in use" takes the
other out of use). Appraisals keep the rubric they were started under; a final one is never recomputed."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from pendamping.audit.admin_mixins import AuditedAdminMixin, ProvinceAdminOnlyMixin
from pendamping.companions.appraisal_rules import rule_choices
from pendamping.companions.models import AppraisalIndicator, AppraisalRubric
from pendamping.companions.services.appraisal import indicator_problems, rubrics_deactivate


class IndicatorFormSet(BaseInlineFormSet):
    """Checks that need every indicator at once (each row's own fields are checked by its form)."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if problems := indicator_problems([(r["role"], r.get("rule") or "", r.get("weight")) for r in rows]):
            raise ValidationError(problems)


class IndicatorForm(forms.ModelForm):
    rule = forms.ChoiceField(
        label=AppraisalIndicator._meta.get_field("rule").verbose_name, choices=rule_choices, required=False
    )

    class Meta:
        model = AppraisalIndicator
        fields = ["role", "rule", "label", "weight", "position"]

    def clean_weight(self) -> Any:
        weight = self.cleaned_data["weight"]
        if weight is not None and weight <= 0:  # said plainly here, before the database's constraint would
            raise ValidationError(_("Every indicator needs a weight above 0."))
        return weight

    def _get_validation_exclusions(self) -> set[str]:
        # The role/rule pairing is said by the formset in words; the check constraints would only name themselves.
        return {*super()._get_validation_exclusions(), "role", "rule"}  # type: ignore[misc]


class RubricForm(forms.ModelForm):
    class Meta:
        model = AppraisalRubric
        fields = ["name", "is_active", "threshold", "visits_per_month"]

    def clean_visits_per_month(self) -> Any:
        target = self.cleaned_data["visits_per_month"]
        if target is not None and target <= 0:
            raise ValidationError(_("The visit target must be above 0."))
        return target

    def _get_validation_exclusions(self) -> set[str]:
        # Ticking "in use" on a second rubric is allowed (its save takes the other out of use first), so the
        # one-in-use constraint is left to the database rather than refused here. (Private in the stubs.)
        return {*super()._get_validation_exclusions(), "is_active"}  # type: ignore[misc]


class IndicatorInline(ProvinceAdminOnlyMixin, admin.TabularInline):
    model = AppraisalIndicator
    form = IndicatorForm
    formset = IndicatorFormSet
    extra = 0


@admin.register(AppraisalRubric)
class AppraisalRubricAdmin(ProvinceAdminOnlyMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "is_active", "threshold", "visits_per_month"]
    form = RubricForm
    readonly_fields = ["version"]
    inlines = [IndicatorInline]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            if obj.is_active:  # one rubric in use at a time: this one takes over
                rubrics_deactivate(actor=request.user, keep=obj)
            if change:
                obj.version += 1
            super().save_model(request, obj, form, change)
