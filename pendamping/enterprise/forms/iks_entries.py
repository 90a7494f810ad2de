"""The filters of the IKS entries list: the registry lists' region selects, the kind and a range of days."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.core.web import DATE
from pendamping.enterprise.models import IksEntry
from pendamping.regions.forms import cascade_regions

ANY = [("", _("all"))]


class IksEntryFilterForm(forms.Form):
    regency = forms.CharField(label=_("Regency/city"), required=False, widget=forms.Select)
    kecamatan = forms.CharField(label=_("District (kecamatan)"), required=False, widget=forms.Select)
    desa = forms.CharField(label=_("Village (desa/kelurahan)"), required=False, widget=forms.Select)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=ANY + IksEntry.Kind.choices)
    # Text fields with a date input: a malformed day filters nothing instead of invalidating the other filters.
    on_from = forms.CharField(label=_("From"), required=False, widget=DATE)
    on_to = forms.CharField(label=_("Until"), required=False, widget=DATE)

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        cascade_regions(self, user=user, values=data, blank=ANY)
        if len(self.fields["regency"].widget.choices) == 1:  # a companion: their own KUBE only, no regions
            for name in ("regency", "kecamatan", "desa"):
                del self.fields[name]
