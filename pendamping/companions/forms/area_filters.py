"""The area and period fields of the briefing and internship list filters (selectors.area_filters reads them):
a regency select limited to the user's regencies, the kecamatan select it fills, and the last day's bounds."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.core.web import DATE
from pendamping.regions.forms import OPTIONS_URL, regency_choices
from pendamping.regions.models import Region
from pendamping.regions.selectors import region_children

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
        regencies = regency_choices(user)
        regency = (data or {}).get("regency", "")
        # Only a regency of the user's has its kecamatan offered, as on the registry lists (regions.forms).
        offered = regency in dict(regencies)
        kecamatan = (
            region_children(parent_code=regency, level=Region.Level.DISTRICT) if offered else Region.objects.none()
        )
        self.fields["regency"].widget.choices = ALL + regencies
        self.fields["kecamatan"].widget.choices = ALL + [(r.code, r.name) for r in kecamatan]
        # The region options endpoint refills the kecamatan select, then tells the filter bar to refresh the list;
        # hx-push-url and hx-swap are set so the select does not inherit the filter form's settings.
        self.fields["regency"].widget.attrs.update(
            {
                "hx-get": OPTIONS_URL,
                "hx-target": "#id_kecamatan",
                "hx-swap": "innerHTML",
                "hx-push-url": "false",
                "hx-vals": '{"blank": "all"}',
            }
        )
