"""The area and period fields of the briefing and internship list filters (selectors.area_filters reads them):
a regency select limited to the user's regencies, the kecamatan select it fills, and the last day's bounds."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.core.web import DATE
from pendamping.regions.forms import cascade_regions

ALL = [("", _("all"))]


class AreaPeriodFilterForm(forms.Form):
    """Subclasses add their own fields and a `field_order` that puts the search box first (includes/filters.html).
    The selects are CharFields: a code outside the options shows as "all" rather than as a form error, and the
    selector decides what a code filters (a forged one narrows, never widens)."""

    regency = forms.CharField(label=_("Regency/city"), required=False, widget=forms.Select)
    kecamatan = forms.CharField(label=_("Home kecamatan"), required=False, widget=forms.Select)
    ends_from = forms.DateField(label=_("Ends from"), required=False, widget=DATE)
    ends_to = forms.DateField(label=_("Ends until"), required=False, widget=DATE)

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        # The registry lists' cascade, stopping at the kecamatan: only a regency of the user's offers its kecamatan.
        cascade_regions(self, user=user, values=data or {}, blank=ALL, all_label=True)
