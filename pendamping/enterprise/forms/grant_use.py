"""Forms of the grant use page: a RAB line and a realisation. Amounts are text ("1.250.000"); the services read
them, refuse negatives and cents, and check the totals against the grant."""

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pendamping.core.web import DATE

AMOUNT_HELP = _("Whole rupiah, e.g. 1.250.000 or 1250000.")


def _numeric(form: forms.Form, *names: str) -> None:
    for name in names:
        form.fields[name].widget.attrs.update(inputmode="numeric", autocomplete="off")


class PlanItemForm(forms.Form):
    description = forms.CharField(label=_("Item"), max_length=160)
    unit = forms.CharField(
        label=_("Unit"), max_length=30, required=False, help_text=_("e.g. ekor, paket, kg (optional)")
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000)
    unit_price = forms.CharField(label=_("Unit price (Rp)"), max_length=30, help_text=AMOUNT_HELP)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "plan")
        super().__init__(*args, **kwargs)
        _numeric(self, "quantity", "unit_price")


class RealisationForm(forms.Form):
    spent_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    amount = forms.CharField(label=_("Amount (Rp)"), max_length=30, help_text=AMOUNT_HELP)
    description = forms.CharField(label=_("What was bought"), max_length=200)
    receipt_ref = forms.CharField(
        label=_("Receipt number"), max_length=60, required=False, help_text=_("As written on the nota/kuitansi")
    )
    plan_item = forms.TypedChoiceField(label=_("Plan item"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, plan_items: list[Any], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "spent")
        super().__init__(*args, **kwargs)
        _numeric(self, "amount")
        self.plan_items = {item.pk: item for item in plan_items}
        choices = [("", _("— not in the plan —")), *((item.pk, item.description) for item in plan_items)]
        cast(forms.TypedChoiceField, self.fields["plan_item"]).choices = choices

    def service_data(self) -> dict[str, Any]:
        """The cleaned values, with the plan item as the row (one of this grant's, offered above)."""
        data = dict(self.cleaned_data)
        return {**data, "plan_item": self.plan_items.get(data["plan_item"])}
