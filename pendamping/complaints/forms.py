"""Forms of the complaint pages. Shape only: the rules (regency, KUBE code, resolution, assignee) are the
services'."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.complaints.selectors import (
    Category,
    Status,
    Subject,
    assignable_officers,
    linkable_companions,
    linkable_grants,
)
from pendamping.core.antispam import PublicFormMixin
from pendamping.core.web import DATE
from pendamping.regions.forms import regency_choices
from pendamping.regions.selectors import regencies

ANY = [("", _("any"))]
CHOOSE = [("", _("— choose —"))]
DESCRIPTION = forms.Textarea(attrs={"rows": 6, "maxlength": 5000})


class _GrantChoice(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.group.name} · {obj.year} · Rp {obj.amount:,}".replace(",", ".")


class _OfficerChoice(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.get_role_display_safe()})"


class _ComplaintFields(forms.Form):
    """What a complaint says, whoever writes it down."""

    regency = forms.ChoiceField(label=_("Regency/city"))
    subject = forms.ChoiceField(label=_("The complaint is about"), choices=Subject.choices, widget=forms.RadioSelect)
    group_code = forms.CharField(
        label=_("KUBE code"),
        required=False,
        max_length=20,
        help_text=_("If you know it, e.g. 3578011001-001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    subject_text = forms.CharField(
        label=_("Name of the KUBE or of the companion"),
        required=False,
        max_length=200,
        help_text=_("As you know them; the office finds the record."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=CHOOSE + Category.choices)
    description = forms.CharField(label=_("What happened?"), max_length=5000, widget=DESCRIPTION)
    anonymous = forms.BooleanField(
        label=_("Stay anonymous"),
        required=False,
        help_text=_("No name or contact is kept. You can still follow the complaint with its reference number."),
    )
    complainant_name = forms.CharField(label=_("Your name"), required=False, max_length=120)
    complainant_contact = forms.CharField(
        label=_("Phone or e-mail"),
        required=False,
        max_length=120,
        help_text=_(
            "Only the officer handling the complaint and the province's administrators see your name and contact."
        ),
    )


class PublicComplaintForm(PublicFormMixin, _ComplaintFields):
    """The public form: every regency of the province."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, form_name="complaint", **kwargs)
        regencies_field = cast(forms.ChoiceField, self.fields["regency"])
        regencies_field.choices = CHOOSE + [(r.code, r.name) for r in regencies()]


class ComplaintForm(_ComplaintFields):
    """An officer's entry: their regencies, and optionally the grant or companion the complaint is about."""

    grant = _GrantChoice(label=_("Grant"), required=False, queryset=None)
    companion: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Companion"), required=False, queryset=None)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["regency"]).choices = [*CHOOSE, *regency_choices(user)]
        cast(_GrantChoice, self.fields["grant"]).queryset = linkable_grants(user=user)
        cast(forms.ModelChoiceField, self.fields["companion"]).queryset = linkable_companions(user=user)
        self.fields["complainant_contact"].help_text = _("Seen only by the admins and the assigned officer.")


class ComplaintFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=ANY + Status.choices)
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["regency"]).choices = [("", _("all")), *regency_choices(user)]


class AssignForm(forms.Form):
    officer = _OfficerChoice(label=_("Officer"), queryset=None)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, complaint: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(_OfficerChoice, self.fields["officer"]).queryset = assignable_officers(complaint=complaint)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    resolution = forms.CharField(
        label=_("Resolution"),
        required=False,
        max_length=5000,
        widget=DESCRIPTION,
        help_text=_(
            "Needed to resolve or reject. The complainant reads it on the public status page: write no names or "
            "other personal details."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class LookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=30,
        help_text=_("As shown after sending the complaint, e.g. ADU-7K3Q9P2M."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
