"""Forms of the IKS ledger and the welfare follow-up. Amounts are text ("Rp 150.000"): the services read them,
refuse cents and negatives, and judge the balance and the dates."""

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pendamping.core.web import DATE
from pendamping.enterprise.models import WelfareRecord
from pendamping.regions.forms import regency_choices

AMOUNT_HELP = _("Whole rupiah, e.g. 150.000")


def _numeric(form: forms.Form, *names: str) -> None:
    for name in names:
        form.fields[name].widget.attrs["inputmode"] = "numeric"


class IksContributionForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    amount = forms.CharField(label=_("Amount (Rp)"), max_length=30, help_text=AMOUNT_HELP)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "in_%s")  # two forms on one page: distinct ids
        super().__init__(*args, **kwargs)
        _numeric(self, "amount")


class IksUseForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    amount = forms.CharField(label=_("Amount (Rp)"), max_length=30, help_text=AMOUNT_HELP)
    purpose = forms.CharField(label=_("Purpose"), max_length=200, help_text=_("E.g. help for a sick member"))
    recipient = forms.CharField(label=_("Recipient"), max_length=120, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "out_%s")  # two forms on one page: distinct ids
        super().__init__(*args, **kwargs)
        _numeric(self, "amount")


class IksStatusFilterForm(forms.Form):
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)
    stopped = forms.BooleanField(label=_("Stopped paying only"), required=False)

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["regency"]).choices = [("", _("all")), *regency_choices(user)]

    def filters(self) -> dict[str, Any]:
        """What the selector takes; an invalid value (a regency outside the list) filters nothing."""
        data = self.cleaned_data if self.is_valid() else {}
        return {"regency": data.get("regency", ""), "stopped_only": bool(data.get("stopped"))}


DECILES = [("", _("not known")), *((str(n), str(n)) for n in range(1, 11))]


class WelfareForm(forms.Form):
    recorded_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    kind = forms.ChoiceField(label=_("Kind"), choices=WelfareRecord.Kind.choices, initial=WelfareRecord.Kind.UPDATE)
    monthly_income = forms.CharField(label=_("Monthly income (Rp)"), max_length=30, help_text=AMOUNT_HELP)
    welfare_decile = forms.ChoiceField(
        label=_("Welfare decile"),
        choices=DECILES,
        required=False,
        help_text=_("1 is the poorest tenth of households (DTKS/DTSEN ranking)."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "welfare_%s")  # ids apart from the family page's other fields
        super().__init__(*args, **kwargs)
        _numeric(self, "monthly_income")
