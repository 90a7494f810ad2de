"""Forms of the monthly report pages, made for a phone: amounts are text with a numeric keypad ("1.250.000"),
read and judged by the services (no negatives, no cents, members within the KUBE, the month's lock)."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.core.web import SearchInput
from pendamping.regions.forms import regency_choices

AMOUNT_HELP = _("Whole rupiah, e.g. 1.250.000")
MONEY_FIELDS = ("revenue", "operating_costs", "capital_assets", "cash_savings", "iks_collected")
ANY: list[tuple[str, Any]] = [("", _("all"))]


class MonthInput(forms.TextInput):
    """A month picker where the browser has one; elsewhere a text box that takes "2025-03"."""

    input_type = "month"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"placeholder": "YYYY-MM", "pattern": "[0-9]{4}-[0-9]{2}", **(attrs or {})})


def _money(label: Any, *, required: bool = True) -> forms.CharField:
    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "0"})
    return forms.CharField(label=label, max_length=30, required=required, help_text=AMOUNT_HELP, widget=widget)


def _count(label: Any, help_text: Any) -> forms.IntegerField:
    widget = forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"})
    return forms.IntegerField(label=label, min_value=0, max_value=999, help_text=help_text, widget=widget)


class ReportForm(forms.Form):
    """New (with the month) and edit (with `version`). Profit is not asked: it is revenue minus costs."""

    period = forms.CharField(label=_("Month"), max_length=10, widget=MonthInput)
    revenue = _money(_("Revenue (Rp)"))
    operating_costs = _money(_("Operating costs (Rp)"))
    capital_assets = _money(_("Capital and assets (Rp)"))
    cash_savings = _money(_("Cash and savings (Rp)"))
    members_active = _count(_("Members active"), _("Members who took part in the business this month."))
    meetings_held = _count(_("Meetings held"), _("Group meetings this month (0–31)."))
    iks_collected = _money(_("IKS collected (Rp)"), required=False)
    problems = forms.CharField(
        label=_("Problems"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What held the business back this month, if anything."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["period" if editing else "version"]

    def service_data(self) -> dict[str, Any]:
        """cleaned_data as the services take it; a blank IKS amount means nothing was collected."""
        data = dict(self.cleaned_data)
        data["iks_collected"] = data.get("iks_collected") or 0
        return data


class ReportFilterForm(forms.Form):
    q = forms.CharField(label=_("KUBE name or code"), required=False, max_length=60, widget=SearchInput)
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)
    period_from = forms.CharField(label=_("From month"), required=False, max_length=10, widget=MonthInput)
    period_to = forms.CharField(label=_("To month"), required=False, max_length=10, widget=MonthInput)

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs.update(autocomplete="off")
        choices = regency_choices(user)
        cast(forms.ChoiceField, self.fields["regency"]).choices = [*ANY, *choices]
        if not choices:  # a companion: no regencies to filter on
            del self.fields["regency"]


STATUS_CHOICES = [
    ("missing", _("missing")),
    ("late", _("late")),
    ("on_time", _("on time")),
    ("", _("all")),
]


class TimelinessForm(forms.Form):
    period = forms.CharField(label=_("Month"), required=False, max_length=10, widget=MonthInput)
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)
    status = forms.ChoiceField(label=_("Show KUBE"), required=False, choices=STATUS_CHOICES)

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        choices = regency_choices(user)
        cast(forms.ChoiceField, self.fields["regency"]).choices = [*ANY, *choices]
        if not choices:
            del self.fields["regency"]


class PeriodLockForm(forms.Form):
    regency = forms.CharField(max_length=5)
    period = forms.CharField(max_length=10)
