"""Forms of the recruitment pages. Shape only: the rules (dates, quotas, NIK, scores 0-100, quota on accepting)
are the services'. The public form adds the anti-spam fields (core.antispam) and picks the home village
through regency → kecamatan → village selects that work without JavaScript."""

import json
from typing import Any, cast

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from pendamping.companions.models import Application, Call, Companion, Criterion
from pendamping.core.antispam import PublicFormMixin
from pendamping.core.web import DATE, SearchInput
from pendamping.regions.forms import cascade_regions
from pendamping.regions.models import Region
from pendamping.regions.selectors import regencies as all_regencies
from pendamping.regions.selectors import region_children

ANY: list[tuple[str, Any]] = [("", _("any"))]
CHOOSE: list[tuple[str, Any]] = [("", _("— choose —"))]
TEXT = forms.Textarea(attrs={"rows": 4, "maxlength": 3000})


def quota_field_name(code: str) -> str:
    return "quota_" + code.replace(".", "_")


class CallForm(forms.Form):
    """A call with one quota field per regency of the province (left empty: the call does not recruit there)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=5000, widget=TEXT)
    opens_on = forms.DateField(label=_("Applications from"), widget=DATE)
    closes_on = forms.DateField(label=_("Applications until"), widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.regencies = [(r.code, r.name) for r in all_regencies()]
        for code, name in self.regencies:
            self.fields[quota_field_name(code)] = forms.IntegerField(
                label=name, required=False, min_value=1, max_value=999, widget=forms.NumberInput(attrs={"size": 4})
            )

    def quota_fields(self) -> list[Any]:
        return [self[quota_field_name(code)] for code, _name in self.regencies]

    def service_data(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in ("title", "description", "opens_on", "closes_on")}
        quotas = {code: self.cleaned_data[quota_field_name(code)] for code, _name in self.regencies}
        return {**data, "quotas": {code: n for code, n in quotas.items() if n}}


def call_initial(call: Call) -> dict[str, Any]:
    fields = ("title", "description", "opens_on", "closes_on", "version")
    quotas = {quota_field_name(q.regency_id): q.quota for q in call.quotas.all()}
    return {**{name: getattr(call, name) for name in fields}, **quotas}


class CallFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60, widget=SearchInput)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=ANY + Call.Status.choices)


class CallStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Call.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CriterionForm(forms.Form):
    """Add a criterion (no `criterion`) or change one. Parameters as JSON, shown with the kind's defaults."""

    criterion = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Criterion"), choices=Criterion.Kind.choices)
    label = forms.CharField(label=_("Label"), required=False, max_length=120)
    weight = forms.DecimalField(label=_("Weight"), max_digits=6, decimal_places=2)
    params = forms.CharField(
        label=_("Parameters (JSON)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("Only for the automatic criteria; empty: the defaults."),
    )

    def clean_params(self) -> dict[str, Any]:
        text = self.cleaned_data["params"].strip()
        try:
            value = json.loads(text) if text else {}
        except ValueError:
            raise forms.ValidationError(_('Not valid JSON, e.g. {"min_age": 21, "max_age": 45}.')) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_('Give an object of names and values, e.g. {"full_years": 3}.'))
        return value


def criterion_initial(criterion: Criterion) -> dict[str, Any]:
    return {
        "criterion": criterion.pk,
        "kind": criterion.kind,
        "label": criterion.label,
        "weight": criterion.weight,
        "params": json.dumps(criterion.params) if criterion.params else "",
    }


class ApplicationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60, widget=SearchInput)
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=ANY + Application.Status.choices)

    def __init__(self, data: Any, *, regencies: list[tuple[str, str]]) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs.update(placeholder=_("Name, reference or NIK"), autocomplete="off")
        cast(forms.ChoiceField, self.fields["regency"]).choices = [("", _("all")), *regencies]


class AllApplicationFilterForm(forms.Form):
    """The list across calls. The region selects cascade as on the registry lists; a kecamatan or village is
    where the applicant lives (see selectors.recruitment.application_list_all)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60, widget=SearchInput)
    regency = forms.CharField(label=_("Regency/city"), required=False, widget=forms.Select)
    kecamatan = forms.CharField(label=_("Home kecamatan"), required=False, widget=forms.Select)
    desa = forms.CharField(label=_("Home village"), required=False, widget=forms.Select)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=ANY + Application.Status.choices)
    received_from = forms.DateField(label=_("Received from"), required=False, widget=DATE)
    received_to = forms.DateField(label=_("Received until"), required=False, widget=DATE)
    call = forms.CharField(label=_("Call"), required=False, widget=forms.Select)

    def __init__(self, data: Any, *, user: Any, calls: list[tuple[str, str]]) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs.update(placeholder=_("Name, reference or NIK"), autocomplete="off")
        cascade_regions(self, user=user, values=data, blank=[("", _("all"))], all_label=True)
        self.fields["call"].widget.choices = [("", _("all")), *calls]


NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}


class _ApplicationFields(forms.Form):
    """What an application says, whoever writes it down."""

    regency = forms.ChoiceField(label=_("Regency/city you apply for"))
    nik = forms.CharField(
        label=_("NIK"), max_length=40, help_text=_("16 digits from the KTP."), widget=forms.TextInput(attrs=NUMERIC)
    )
    name = forms.CharField(label=_("Full name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(
        label=_("Phone (WhatsApp)"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    education = forms.ChoiceField(label=_("Highest education"), choices=CHOOSE + Companion.Education.choices)
    experience_years = forms.IntegerField(
        label=_("Years of experience in business or community work"), min_value=0, max_value=60, initial=0
    )
    experience = forms.CharField(
        label=_("That experience, in a few lines"), required=False, max_length=3000, widget=TEXT
    )
    motivation = forms.CharField(label=_("Why do you want to be a social companion?"), max_length=3000, widget=TEXT)

    def __init__(self, *args: Any, regencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["regency"])
        field.choices = regencies if len(regencies) == 1 else CHOOSE + regencies

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        names = ("nik", "name", "phone", "email", "education", "experience_years", "experience", "motivation")
        return {
            **{name: data[name] for name in names},
            "regency_code": data["regency"],
            "home_desa_code": data["home_desa"],
        }


class ApplicationForm(_ApplicationFields):
    """An officer's entry: the home village typed as a code or a name, with suggestions."""

    home_desa = forms.CharField(
        label=_("Home village"),
        max_length=13,
        help_text=_("Type a village name or its code (e.g. 35.78.01.1001) and pick from the list."),
        widget=forms.TextInput(
            attrs={
                "list": "village-list",
                "autocomplete": "off",
                "hx-get": reverse_lazy("registry:village_options"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#village-list",
                "hx-swap": "innerHTML",
            }
        ),
    )


def _children(parent: str, level: str) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in region_children(parent_code=parent, level=level)] if parent else []


class PublicApplicationForm(PublicFormMixin, _ApplicationFields):
    """The public form. The home village is chosen regency → kecamatan → village: each select's options
    follow the one above it (from the submitted or initial values, so a forged village outside the chosen
    kecamatan is not a choice); htmx reloads them as they change, or the "show" button without JavaScript."""

    home_regency = forms.ChoiceField(label=_("Home regency/city"))
    home_kecamatan = forms.ChoiceField(label=_("Home kecamatan"))
    home_desa = forms.ChoiceField(label=_("Home village (desa/kelurahan)"))
    consent = forms.BooleanField(
        label=_(
            "The data above are true, and I agree that the social affairs office keeps them to process my application."
        )
    )

    def __init__(self, *args: Any, regencies: list[tuple[str, str]], options_url: str, **kwargs: Any) -> None:
        super().__init__(*args, form_name="application", regencies=regencies, **kwargs)
        values = self.data if self.is_bound else self.initial
        regency, kecamatan = str(values.get("home_regency") or ""), str(values.get("home_kecamatan") or "")
        home = [(r.code, r.name) for r in all_regencies().order_by("name")]
        kec = _children(regency, Region.Level.DISTRICT) if regency in dict(home) else []
        desa = _children(kecamatan, Region.Level.VILLAGE) if kecamatan in dict(kec) else []
        for name, options in (("home_regency", home), ("home_kecamatan", kec), ("home_desa", desa)):
            cast(forms.ChoiceField, self.fields[name]).choices = CHOOSE + options
        for name, target in (("home_regency", "#id_home_kecamatan"), ("home_kecamatan", "#id_home_desa")):
            attrs = {"hx-get": options_url, "hx-target": target, "hx-swap": "innerHTML", "hx-push-url": "false"}
            self.fields[name].widget.attrs.update(attrs)
        self.fields["nik"].widget.attrs["autocomplete"] = "off"


class ScoreForm(forms.Form):
    """A panel score. The value is text so that the service's 0-100 rule speaks for itself."""

    criterion = forms.TypedChoiceField(label=_("Criterion"), coerce=int)
    value = forms.CharField(
        label=_("Score (0-100)"), max_length=10, widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["criterion"])
        field.choices = [(c.pk, c.label) for c in criteria]


DECISIONS = [
    (s.value, s.label) for s in (Application.Status.ACCEPTED, Application.Status.WAITING, Application.Status.REJECTED)
]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
