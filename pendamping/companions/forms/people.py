"""Forms of the companion pages. Shape only; the NIK, village, regency and caseload rules are the services'."""

import datetime as dt
from typing import Any, cast

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pendamping.companions.models import Companion
from pendamping.core.web import DATE, SearchInput
from pendamping.regions.forms import regency_choices
from pendamping.registry.models import Group

ANY = [("", _("any"))]


class CompanionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60, widget=SearchInput)
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=ANY + Companion.Status.choices)
    education = forms.ChoiceField(label=_("Education"), required=False, choices=ANY + Companion.Education.choices)

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs.update(placeholder=_("Name or NIK"), autocomplete="off")
        cast(forms.ChoiceField, self.fields["regency"]).choices = [("", _("all")), *regency_choices(user)]


class CompanionForm(forms.Form):
    """Create (with `nik`) and edit (with `version`). The home village is typed as a code with suggestions."""

    nik = forms.CharField(
        label=_("NIK"),
        max_length=40,
        help_text=_("16 digits from the KTP. Sex and birth date are read from it."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    education = forms.ChoiceField(label=_("Education"), choices=Companion.Education.choices)
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
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
    regency = forms.ChoiceField(label=_("Regency of service"))
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in (Companion.Status.CANDIDATE, Companion.Status.ACTIVE)],
        initial=Companion.Status.CANDIDATE,
        help_text=_("Active only for someone already serving; later changes follow the steps of the model."),
    )
    caseload_limit = forms.IntegerField(label=_("Caseload limit (KUBE)"), min_value=1, max_value=30, initial=10)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("version",) if creating else ("nik", "status"):  # the status moves through the lifecycle
            del self.fields[name]
        cast(forms.ChoiceField, self.fields["regency"]).choices = [("", _("— choose —")), *regency_choices(user)]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {**data, "home_desa_code": data.pop("home_desa"), "regency_code": data.pop("regency")}


def companion_initial(companion: Companion) -> dict[str, Any]:
    fields = ("name", "education", "phone", "caseload_limit", "version")
    return {
        **{name: getattr(companion, name) for name in fields},
        "home_desa": companion.home_desa_id,
        "regency": companion.regency_id,
    }


def _label(group: Group) -> str:
    kecamatan = group.desa.parent.name if group.desa.parent else ""
    return f"{group.name} · {group.desa.name}, {_('Kec.')} {kecamatan}"


class AssignmentForm(forms.Form):
    """`group` accepts any KUBE the user sees in the companion's regency (the service says why one cannot be
    taken); the list offers first those without a companion, then those with one, to be replaced."""

    group = forms.ModelChoiceField(label=_("KUBE"), queryset=Group.objects.none())
    started_on = forms.DateField(label=_("Start"), widget=DATE, initial=timezone.localdate)
    replace = forms.BooleanField(
        label=_("Replace the KUBE's current companion"),
        required=False,
        help_text=_("Ends the other companion's assignment on the start date."),
    )

    def __init__(self, *args: Any, user: Any, companion: Companion, free: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["group"]
        field.queryset = Group.objects.visible_to(user).filter(regency_id=companion.regency_id)
        taken = (
            field.queryset.filter(status__in=[Group.Status.FORMING, Group.Status.ACTIVE])
            .filter(assignments__ended_on__isnull=True)
            .exclude(pk__in=companion.assignments.filter(ended_on__isnull=True).values("group_id"))
            .select_related("desa", "desa__parent")
            .order_by("name")
        )
        field.widget.choices = [
            ("", _("— choose a KUBE —")),
            (_("Without a companion"), [(g.pk, _label(g)) for g in free]),
            (_("With a companion (tick “replace”)"), [(g.pk, _label(g)) for g in taken]),
        ]


class AssignmentEndForm(forms.Form):
    ended_on = forms.DateField(label=_("End date"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean_ended_on(self) -> dt.date:
        ended: dt.date = self.cleaned_data["ended_on"]
        if ended > timezone.localdate():
            raise forms.ValidationError(_("The end date cannot be in the future."))
        return ended
