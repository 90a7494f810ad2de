"""Forms of the partnership pages. Shape only: the regency, scope, date and coverage rules are the services'."""

from typing import Any, cast

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pendamping.core.web import DATE, SearchInput
from pendamping.partnerships.models import Agreement, Partner
from pendamping.partnerships.selectors import PROVINCE
from pendamping.regions.forms import regency_choices
from pendamping.registry.models import Group

AMOUNT_HELP = _("Whole rupiah, e.g. 25.000.000 or 25000000.")
# Choosing the regency reloads the KUBE choices (the form view answers htmx GETs with that partial).
PICKER = {
    "hx-get": reverse_lazy("partnerships:agreement_create"),
    "hx-trigger": "change",
    "hx-target": "#group-choices",
    "hx-swap": "outerHTML",
    "hx-include": "#id_regency, #group-q, [name='groups']",
}
PARTNER_FIELDS = ("name", "type", "sector", "contact_name", "phone", "email", "address")
AGREEMENT_FIELDS = ("title", "start_on", "end_on", "document_ref")


def scope_choices() -> list[tuple[str, str]]:
    """The five scopes with their labels, as the model names them."""
    fields: dict[str, Any] = {name: Agreement._meta.get_field(f"scope_{name}") for name in Agreement.SCOPES}
    return [(name, str(field.verbose_name)) for name, field in fields.items()]


def _select(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


def rupiah_text(amount: int | None) -> str:
    """An amount as people type it (25.000.000), for a form's initial value."""
    return "" if amount is None else f"{amount:,}".replace(",", ".")


class PartnerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60, widget=SearchInput)
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("any")), *Partner.Type.choices])
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs.update(placeholder=_("Name or sector"), autocomplete="off")
        _select(self, "regency", [("", _("all")), (PROVINCE, _("province-wide")), *regency_choices(user)])


class PartnerForm(forms.Form):
    """Create and edit. Only a provincial admin may leave the regency empty (a province-wide partner)."""

    name = forms.CharField(label=_("Name"), max_length=160)
    type = forms.ChoiceField(label=_("Type"), choices=Partner.Type.choices)
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)
    sector = forms.CharField(label=_("Sector"), max_length=120, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=120, required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            del self.fields["version"]
        blank = _("— province-wide (all regencies) —") if user.is_province_admin else _("— choose —")
        _select(self, "regency", [("", blank), *regency_choices(user)])

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {**data, "regency_code": data.pop("regency") or None}


def partner_initial(partner: Partner) -> dict[str, Any]:
    return {**{k: getattr(partner, k) for k in (*PARTNER_FIELDS, "version")}, "regency": partner.regency_id or ""}


class AgreementFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60, widget=SearchInput)
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)
    scope = forms.ChoiceField(label=_("Scope"), required=False)
    active_on = forms.DateField(label=_("Running on"), required=False, widget=DATE)

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs.update(placeholder=_("Title, partner or document"), autocomplete="off")
        regencies = regency_choices(user)
        _select(self, "regency", [("", _("all")), *regencies])
        _select(self, "scope", [("", _("any")), *scope_choices()])
        if not regencies:  # a companion: no regency to choose
            del self.fields["regency"]


def group_label(group: Group) -> str:
    return f"{group.name} · {group.desa.name} ({group.code})"


class AgreementForm(forms.Form):
    """Create (with partner and regency) and edit (with version). `groups` offers the KUBE of the agreement's
    regency (see selectors.groups_offered); it accepts any KUBE the user sees, and the service says why one
    outside the regency cannot be covered."""

    partner = forms.TypedChoiceField(label=_("Partner"), coerce=int)
    regency = forms.ChoiceField(label=_("Regency/city"))
    title = forms.CharField(label=_("Title"), max_length=200)
    scopes = forms.MultipleChoiceField(label=_("Scope"), widget=forms.CheckboxSelectMultiple, required=False)
    start_on = forms.DateField(label=_("Start"), widget=DATE)
    end_on = forms.DateField(label=_("End"), widget=DATE)
    value = forms.CharField(label=_("Value (Rp)"), max_length=30, required=False, help_text=AMOUNT_HELP)
    document_ref = forms.CharField(label=_("Document reference"), max_length=120, required=False)
    groups = forms.ModelMultipleChoiceField(
        label=_("KUBE covered"), queryset=Group.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, user: Any, partners: Any = None, offered: list[Group] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _select(self, "scopes", scope_choices())
        if partners is None:  # editing: the partner and the regency stay
            del self.fields["partner"], self.fields["regency"]
        else:
            del self.fields["version"]
            _select(self, "partner", [("", _("— choose —")), *[(p.pk, _partner_label(p)) for p in partners]])
            _select(self, "regency", [("", _("— choose —")), *regency_choices(user)])
            self.fields["regency"].widget.attrs.update(PICKER)
        field = cast(forms.ModelMultipleChoiceField, self.fields["groups"])
        field.queryset = Group.objects.visible_to(user)
        field.widget.choices = [(g.pk, group_label(g)) for g in offered or []]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if "regency" in data:
            data["regency_code"] = data.pop("regency")
        return data


def _partner_label(partner: Partner) -> str:
    where = partner.regency.name if partner.regency_id and partner.regency else _("province-wide")
    return f"{partner.name} ({where})"


def agreement_initial(agreement: Agreement, group_ids: list[int]) -> dict[str, Any]:
    return {
        **{k: getattr(agreement, k) for k in (*AGREEMENT_FIELDS, "version")},
        "scopes": agreement.scopes(),
        "value": rupiah_text(agreement.value),
        "groups": group_ids,
    }


class ActivityForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    description = forms.CharField(label=_("What happened"), max_length=300)
    value = forms.CharField(
        label=_("Sales or value (Rp)"), max_length=30, required=False, help_text=_("Leave empty if none.")
    )
    group = forms.TypedChoiceField(label=_("KUBE"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, groups: list[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _select(self, "group", [("", _("the whole agreement")), *[(g.pk, g.name) for g in groups]])


class CoverageForm(forms.Form):
    on = forms.DateField(label=_("On"), required=False, widget=DATE)
