"""Forms of the visit pages. Shape only; which KUBE, which dates and how many members are the service's rules."""

import datetime as dt
import uuid
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pendamping.companions.models import Companion, Visit
from pendamping.core.web import DATE, SearchInput
from pendamping.regions.forms import regency_choices
from pendamping.registry.models import Group

FOLLOW_UP_SLOTS = 3
ROLE_CHOICES = [
    ("resource", _("Resource person (nara sumber)")),
    ("motivator", _("Motivator (penggerak)")),
    ("facilitator", _("Facilitator (fasilitator)")),
]
PERIODS = [(3, _("last 3 months")), (6, _("last 6 months")), (12, _("last 12 months"))]


def _today_attrs() -> dict[str, str]:
    return {"type": "date", "max": timezone.localdate().isoformat()}


class VisitForm(forms.Form):
    """The phone form: everything on one screen, the usual answers preset (today, the only KUBE). A hidden key,
    new with each rendered form, makes a second press of "save" return the first visit instead of a copy."""

    group = forms.ModelChoiceField(label=_("KUBE"), queryset=Group.objects.none(), empty_label=_("— choose a KUBE —"))
    on = forms.DateField(label=_("Date of the visit"), widget=DATE, initial=timezone.localdate)
    roles = forms.MultipleChoiceField(
        label=_("Roles the visit served"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "touch-choice"}),
        help_text=_("Tick one or more."),
        error_messages={"required": _("Tick at least one role the visit served.")},
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Visit.Topic.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "touch-choice"}),
        required=False,
    )
    topic_other = forms.CharField(label=_("Other topic"), max_length=200, required=False)
    members_present = forms.IntegerField(
        label=_("Members present"),
        min_value=0,
        max_value=99,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
    )
    problems = forms.CharField(
        label=_("Problems found"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    client_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["group"]).queryset = groups
        cast(Any, self.fields["on"]).widget = forms.DateInput(attrs=_today_attrs(), format="%Y-%m-%d")
        if not self.is_bound:
            self.initial.setdefault("client_key", uuid.uuid4().hex)
        for n in range(1, FOLLOW_UP_SLOTS + 1):
            self.fields[f"follow_up_{n}"] = forms.CharField(
                label=_("Follow-up action %(n)d") % {"n": n}, max_length=300, required=False
            )
            self.fields[f"follow_up_{n}_due"] = forms.DateField(label=_("Due on"), widget=DATE, required=False)

    def follow_up_rows(self) -> list[tuple[Any, Any]]:
        """(action field, due field) per slot, for the template."""
        return [(self[f"follow_up_{n}"], self[f"follow_up_{n}_due"]) for n in range(1, FOLLOW_UP_SLOTS + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, FOLLOW_UP_SLOTS + 1):
            action, due = data.get(f"follow_up_{n}"), data.get(f"follow_up_{n}_due")
            if action and not due and f"follow_up_{n}_due" not in self.errors:
                self.add_error(f"follow_up_{n}_due", _("Give the date this action is due."))
            elif due and not action:
                self.add_error(f"follow_up_{n}", _("Describe the action, or clear its date."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        follow_ups: list[tuple[str, dt.date]] = [
            (data[f"follow_up_{n}"], data[f"follow_up_{n}_due"])
            for n in range(1, FOLLOW_UP_SLOTS + 1)
            if data.get(f"follow_up_{n}")
        ]
        keys = ("group", "on", "roles", "topics", "topic_other", "members_present", "problems")
        return {**{k: data[k] for k in keys}, "follow_ups": follow_ups, "client_key": data["client_key"] or None}


class FollowUpDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class VisitFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60, widget=SearchInput)
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs.update(placeholder=_("KUBE or companion"), autocomplete="off")
        choices = regency_choices(user)
        if len(choices) > 1:
            cast(forms.ChoiceField, self.fields["regency"]).choices = [("", _("all")), *choices]
        else:
            del self.fields["regency"]  # one regency (or a companion's own visits): nothing to choose


class FrequencyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60, widget=SearchInput)
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)
    months = forms.TypedChoiceField(label=_("Period"), choices=PERIODS, coerce=int, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("any")), *Companion.Status.choices])
    by = forms.ChoiceField(
        label=_("Show"), required=False, choices=[("companion", _("per companion")), ("group", _("per KUBE"))]
    )

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs.update(placeholder=_("Name"), autocomplete="off")
        cast(forms.ChoiceField, self.fields["regency"]).choices = [("", _("all")), *regency_choices(user)]
