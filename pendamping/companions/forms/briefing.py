"""Forms of the briefing pages. Shape only: dates within the batch, clashes, capacity, money and who may take part
are the services' rules. Decimals are localised (Indonesian writes 75,5)."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pendamping.companions.forms.area_filters import AreaPeriodFilterForm
from pendamping.companions.models import Briefing, Companion, Instructor, Module, Participant, Session
from pendamping.core.web import DATE, SearchInput

ANY = [("", _("any"))]
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DECIMAL = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
MONEY = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "1.500.000"})


class SmallDecimalField(forms.DecimalField):
    """A localised decimal that stays small (hours, percents, test scores): its comma is never a thousands
    separator, so "2,5" is 2.5 on the English pages too, as people here write it. Django reads a comma so only in
    Indonesian since USE_THOUSAND_SEPARATOR is off (before, English dropped it as grouping and read 25)."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # as django-stubs' DecimalField
        if isinstance(value, str) and "," in value and "." not in value:
            value = value.replace(",", ".")
        return super().to_python(value)


class BriefingFilterForm(AreaPeriodFilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=60, widget=SearchInput)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=ANY + Briefing.Status.choices)

    field_order = ["q", "status", "regency", "kecamatan", "ends_from", "ends_to"]


class BriefingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(label=_("First day"), widget=DATE)
    ends_on = forms.DateField(label=_("Last day"), widget=DATE)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    venue_capacity = forms.IntegerField(
        label=_("Venue capacity (participants)"), min_value=1, max_value=1000, required=False
    )
    completion_share = SmallDecimalField(
        label=_("Attendance needed to complete (percent of hours)"),
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        decimal_places=2,
        initial=Decimal(80),
        localize=True,
        widget=DECIMAL,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def briefing_initial(briefing: Briefing) -> dict[str, Any]:
    fields = ("title", "starts_on", "ends_on", "venue", "venue_capacity", "completion_share", "version")
    return {name: getattr(briefing, name) for name in fields}


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Module"), max_length=200)
    hours = SmallDecimalField(
        label=_("Planned hours"), min_value=Decimal("0.01"), max_value=Decimal(999), decimal_places=2,
        localize=True, widget=DECIMAL,
    )  # fmt: skip
    goals = forms.CharField(label=_("Learning goals"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SessionForm(forms.Form):
    module = forms.ModelChoiceField(label=_("Module"), queryset=Module.objects.none())
    on = forms.DateField(label=_("Date"), widget=DATE)
    starts_at = forms.TimeField(label=_("Start"), widget=TIME)
    ends_at = forms.TimeField(label=_("End"), widget=TIME)
    method = forms.ChoiceField(label=_("Method"), choices=Session.Method.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)
    instructors = forms.ModelMultipleChoiceField(
        label=_("Instructors"),
        queryset=Instructor.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, briefing: Briefing, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["module"]).queryset = briefing.modules.all()
        self.fields["on"].initial = briefing.starts_on


def session_initial(session: Session) -> dict[str, Any]:
    fields = ("module", "on", "starts_at", "ends_at", "method", "topic")
    return {**{name: getattr(session, name) for name in fields}, "instructors": list(session.instructors.all())}


class BudgetLineForm(forms.Form):
    item = forms.CharField(label=_("Item"), max_length=200)
    planned = forms.CharField(label=_("Planned (Rp)"), max_length=30, widget=MONEY)
    actual = forms.CharField(
        label=_("Actual (Rp)"), max_length=30, required=False, widget=MONEY, help_text=_("Leave empty until spent.")
    )


def money_text(value: int | None) -> str:
    """An amount as people type it: 1.500.000."""
    return "" if value is None else f"{value:,}".replace(",", ".")


class EquipmentForm(forms.Form):
    item = forms.CharField(label=_("Item"), max_length=160)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=10000, initial=1)
    ready = forms.BooleanField(label=_("Ready"), required=False)


class InstructorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    institution = forms.CharField(label=_("Institution"), max_length=160, required=False)
    expertise = forms.CharField(label=_("Expertise"), max_length=200, required=False)


class CompanionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.regency.name} · {obj.get_status_display()}"


class ParticipantForm(forms.Form):
    companion = CompanionChoiceField(label=_("Candidate or companion"), queryset=Companion.objects.none())

    def __init__(self, *args: Any, candidates: QuerySet[Companion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["companion"]).queryset = candidates


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, participants: list[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedMultipleChoiceField, self.fields["present"])
        field.choices = [(p.pk, p.companion.name) for p in participants]


class ScoresForm(forms.Form):
    """One pre-test and one post-test field per participant: pre_<id>, post_<id>."""

    def __init__(self, *args: Any, participants: list[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participants = participants
        for p in participants:
            for prefix, label, value in (("pre", _("Pre-test"), p.pre_score), ("post", _("Post-test"), p.post_score)):
                self.fields[f"{prefix}_{p.pk}"] = SmallDecimalField(
                    label=f"{label}: {p.companion.name}", required=False, min_value=Decimal(0),
                    max_value=Decimal(100), decimal_places=2, localize=True, initial=value, widget=DECIMAL,
                )  # fmt: skip

    def rows(self) -> list[tuple[Participant, Any, Any]]:
        return [(p, self[f"pre_{p.pk}"], self[f"post_{p.pk}"]) for p in self.participants]

    def scores(self) -> dict[int, dict[str, Any]]:
        data = self.cleaned_data
        return {
            p.pk: {"pre_score": data.get(f"pre_{p.pk}"), "post_score": data.get(f"post_{p.pk}")}
            for p in self.participants
        }
