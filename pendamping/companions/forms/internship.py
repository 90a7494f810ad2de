"""Forms of the internship pages. Shape only: who may be a trainee or a host, capacities, dates within the round
and the 1-4 scale are the services' rules (services.internship)."""

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pendamping.companions.forms.area_filters import AreaPeriodFilterForm
from pendamping.companions.models import Assessment, Companion, Host, InternshipRound, Placement
from pendamping.companions.services.internship import ASSESSMENT_ITEMS, MAX_CAPACITY
from pendamping.core.web import DATE


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(label=_("Start"), widget=DATE)
    ends_on = forms.DateField(label=_("End"), widget=DATE)
    default_capacity = forms.IntegerField(
        label=_("Trainees per host"),
        min_value=1,
        max_value=MAX_CAPACITY,
        initial=2,
        help_text=_("Each host KUBE takes this many trainees unless you give it another capacity."),
    )


class RoundFilterForm(AreaPeriodFilterForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all")), *InternshipRound.Status.choices]
    )

    field_order = ["status", "regency", "kecamatan", "ends_from", "ends_to"]


def trainee_label(companion: Any) -> str:
    return f"{companion.name} · {companion.home_desa.name}, {companion.regency.name}"


class TraineeChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return trainee_label(obj)


class TraineesForm(forms.Form):
    """Tick trainees to add (`action` add) or to take out of the round (`action` remove)."""

    action = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove")], widget=forms.HiddenInput)
    companions = TraineeChoices(
        label=_("Trainees"), queryset=Companion.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(TraineeChoices, self.fields["companions"]).queryset = choices


class HostsForm(forms.Form):
    """One row per outstanding KUBE: `host_<id>` ticked to host, `capacity_<id>` its number of trainees."""

    def __init__(self, *args: Any, candidates: list[tuple[Any, Host | None]], default: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for group, host in candidates:
            self.fields[f"host_{group.pk}"] = forms.BooleanField(
                label=group.name, required=False, initial=host is not None
            )
            self.fields[f"capacity_{group.pk}"] = forms.IntegerField(
                label=_("Capacity"),
                min_value=1,
                max_value=MAX_CAPACITY,
                required=False,
                initial=host.capacity if host else default,
            )

    def rows(self) -> list[tuple[Any, Host | None, Any, Any]]:
        return [(g, h, self[f"host_{g.pk}"], self[f"capacity_{g.pk}"]) for g, h in self.candidates]

    def wanted(self) -> dict[int, int | None]:
        """Group id -> capacity (None: the round's default) of every ticked KUBE."""
        data = self.cleaned_data
        return {g.pk: data.get(f"capacity_{g.pk}") for g, _h in self.candidates if data.get(f"host_{g.pk}")}


def placement_label(placement: Placement) -> str:
    host = placement.host.group.name if placement.host_id and placement.host else _("no host")
    return f"{placement.companion.name} → {host}"


class PlacementChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return placement_label(obj)


class HostChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.group.name} ({obj.capacity})"


class SwapForm(forms.Form):
    a = PlacementChoice(label=_("Trainee"), queryset=Placement.objects.none())
    b = PlacementChoice(label=_("Swap hosts with"), queryset=Placement.objects.none())

    def __init__(self, *args: Any, placements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("a", "b"):
            cast(PlacementChoice, self.fields[name]).queryset = placements


class MoveForm(forms.Form):
    placement = PlacementChoice(label=_("Trainee"), queryset=Placement.objects.none())
    host = HostChoice(
        label=_("Move to host"), queryset=Host.objects.none(), required=False, empty_label=_("— no host —")
    )

    def __init__(self, *args: Any, placements: Any, hosts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PlacementChoice, self.fields["placement"]).queryset = placements
        cast(HostChoice, self.fields["host"]).queryset = hosts


class LogForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    activity = forms.CharField(label=_("What I did"), max_length=300)
    learnt = forms.CharField(
        label=_("What I learnt"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


SCALE_CHOICES = [
    (1, _("1 · poor")),
    (2, _("2 · fair")),
    (3, _("3 · good")),
    (4, _("4 · very good")),
]


class AssessmentForm(forms.Form):
    by = forms.ChoiceField(label=_("Assessed by"), choices=Assessment.By.choices)
    assessor_name = forms.CharField(label=_("Assessor's name"), max_length=120)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in ASSESSMENT_ITEMS.items():
            self.fields[f"item_{key}"] = forms.TypedChoiceField(
                label=label, choices=SCALE_CHOICES, coerce=int, widget=forms.RadioSelect
            )

    def item_fields(self) -> list[Any]:
        return [self[f"item_{key}"] for key in ASSESSMENT_ITEMS]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "by": data["by"],
            "assessor_name": data["assessor_name"],
            "note": data.get("note", ""),
            "scores": {key: data[f"item_{key}"] for key in ASSESSMENT_ITEMS},
        }


def assessment_initial(assessment: Assessment | None, by: str) -> dict[str, Any]:
    if assessment is None:
        return {"by": by}
    scores = {f"item_{key}": value for key, value in (assessment.scores or {}).items()}
    return {"by": assessment.by, "assessor_name": assessment.assessor_name, "note": assessment.note, **scores}
