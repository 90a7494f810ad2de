"""Forms of the family pages. They check the shape of the input only; the NIK rules, the rupiah amount,
the village and the actor's regency are the services' (see registry.services.families)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.core.money import AmountError, parse_rupiah
from pendamping.core.nik import NikError, parse_nik
from pendamping.core.web import DATE, SearchInput
from pendamping.regions.forms import cascade_regions
from pendamping.registry.models import Family

ANY = [("", _("all"))]
CHOOSE = [("", _("— choose —"))]


class FamilyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60, widget=SearchInput)
    regency = forms.CharField(label=_("Regency/city"), required=False, widget=forms.Select)
    kecamatan = forms.CharField(label=_("District (kecamatan)"), required=False, widget=forms.Select)
    desa = forms.CharField(label=_("Village (desa/kelurahan)"), required=False, widget=forms.Select)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("any")), *Family.Status.choices])

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs.update(placeholder=_("Name, NIK or KK (at least 6 digits)"), autocomplete="off")
        cascade_regions(self, user=user, values=data, blank=ANY)
        if len(self.fields["regency"].widget.choices) == 1:  # a companion: no regencies of their own to filter
            for name in ("regency", "kecamatan", "desa"):
                del self.fields[name]


class FamilyForm(forms.Form):
    """Edit (and, with `nik`, create). Region selects cascade; only `desa` is handed to the service."""

    nik = forms.CharField(
        label=_("Head's NIK"),
        max_length=40,
        help_text=_("16 digits from the KTP. Sex and birth date are read from it."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    head_name = forms.CharField(label=_("Head of family"), max_length=120)
    kk_number = forms.CharField(
        label=_("KK number"),
        max_length=40,
        help_text=_("16 digits from the family card (Kartu Keluarga)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    regency = forms.CharField(label=_("Regency/city"), required=False, widget=forms.Select)
    kecamatan = forms.CharField(label=_("District (kecamatan)"), required=False, widget=forms.Select)
    desa = forms.CharField(label=_("Village (desa/kelurahan)"), max_length=13, widget=forms.Select)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    rt = forms.CharField(label=_("RT"), max_length=3, required=False, widget=forms.TextInput({"inputmode": "numeric"}))
    rw = forms.CharField(label=_("RW"), max_length=3, required=False, widget=forms.TextInput({"inputmode": "numeric"}))
    household_size = forms.IntegerField(label=_("Household size"), min_value=1, max_value=99, initial=1)
    monthly_income = forms.CharField(
        label=_("Monthly income (Rp)"),
        max_length=30,
        initial="0",
        help_text=_("Whole rupiah, e.g. 1.500.000 or 1500000."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    dtks_id = forms.CharField(label=_("DTKS/DTSEN id"), max_length=40, required=False)
    welfare_decile = forms.IntegerField(label=_("Welfare decile"), min_value=1, max_value=10, required=False)
    decile_as_of = forms.DateField(label=_("Decile as of"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=Family.Status.choices, initial=Family.Status.ACTIVE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["version" if creating else "nik"]
        values = self.data if self.is_bound else self.initial
        regency, kecamatan = values.get("regency", ""), values.get("kecamatan", "")
        cascade_regions(self, user=user, values={"regency": regency, "kecamatan": kecamatan}, blank=CHOOSE)

    # The NIK and the amount are checked here too (the same rules and messages as the services) so that one
    # submission reports every mistake at once, not one per round trip.
    def clean_nik(self) -> str:
        try:
            return parse_nik(self.cleaned_data["nik"]).nik
        except NikError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_monthly_income(self) -> int:
        try:
            amount = parse_rupiah(self.cleaned_data["monthly_income"])
        except AmountError as exc:
            raise forms.ValidationError(str(exc)) from None
        if amount < 0:
            raise forms.ValidationError(_("Amount cannot be negative."))
        return amount

    def service_data(self) -> dict[str, Any]:
        """cleaned_data as the service takes it: the village as `desa_code`, the helper selects dropped."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("regency", "kecamatan", "desa")}
        return {**data, "desa_code": self.cleaned_data["desa"]}


def family_initial(family: Family) -> dict[str, Any]:
    """An edit form's starting values; the income is shown grouped (1.500.000) as people type it."""
    desa = family.desa
    fields = ("head_name", "kk_number", "address", "rt", "rw", "household_size", "dtks_id", "status")
    return {
        **{name: getattr(family, name) for name in fields},
        "welfare_decile": family.welfare_decile,
        "decile_as_of": family.decile_as_of,
        "monthly_income": f"{family.monthly_income:,}".replace(",", "."),
        "regency": family.regency_id,
        "kecamatan": desa.parent_id,
        "desa": desa.code,
        "version": family.version,
    }
