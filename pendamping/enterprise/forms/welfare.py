"""The filters of the welfare change list: the registry lists' regency → kecamatan → desa selects."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.regions.forms import cascade_regions

ANY = [("", _("all"))]
SHIFT_CHOICES = [
    ("", _("any")),
    ("up", _("moved up a decile")),
    ("down", _("moved down a decile")),
    ("same", _("same decile")),
]
ORDER_CHOICES = [
    ("change", _("income change, lowest first")),
    ("-change", _("income change, highest first")),
    ("pct", _("change in percent, lowest first")),
    ("-pct", _("change in percent, highest first")),
]


class WelfareChangeFilterForm(forms.Form):
    regency = forms.CharField(label=_("Regency/city"), required=False, widget=forms.Select)
    kecamatan = forms.CharField(label=_("District (kecamatan)"), required=False, widget=forms.Select)
    desa = forms.CharField(label=_("Village (desa/kelurahan)"), required=False, widget=forms.Select)
    shift = forms.ChoiceField(label=_("Welfare decile"), required=False, choices=SHIFT_CHOICES)
    order = forms.ChoiceField(label=_("Order"), required=False, choices=ORDER_CHOICES)

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        cascade_regions(self, user=user, values=data, blank=ANY)
