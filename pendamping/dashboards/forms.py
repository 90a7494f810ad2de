"""The report request form: which report, for which regency and period, in which format."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.dashboards.area import regencies_in_scope
from pendamping.dashboards.models import Report


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=Report.Kind.choices)
    area = forms.ChoiceField(label=_("Regency / city (monthly report)"), required=False)
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        help_text=_("A month (2026-11) for the monthly report, a quarter (2026-Q3) for the quarterly one."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=Report.Format.choices)

    def __init__(self, data: Any = None, *, user: Any, initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial)
        choices = [(r.code, r.name) for r in regencies_in_scope(user)]
        cast(forms.ChoiceField, self.fields["area"]).choices = [("", "—"), *choices]
        if not getattr(user, "is_province_admin", False):
            kinds = [(Report.Kind.REGENCY_MONTH.value, Report.Kind.REGENCY_MONTH.label)]
            cast(forms.ChoiceField, self.fields["kind"]).choices = kinds
