"""Forms of the appraisal pages. Shape only: who may be appraised, for which quarter, and what a rating may be
are the services' rules."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.companions.appraisal_rules import IndicatorSpec, parse_quarter, quarter_key, quarter_label
from pendamping.companions.models import Appraisal
from pendamping.companions.selectors.appraisal import companions_to_start, recent_quarters, role_label
from pendamping.core.web import SearchInput
from pendamping.regions.forms import regency_choices

ALL = [("", _("all"))]
SCALE = [
    ("1", _("1 — poor")),
    ("2", _("2 — fair")),
    ("3", _("3 — good")),
    ("4", _("4 — very good")),
]


def quarter_choices() -> list[tuple[str, str]]:
    return [(quarter_key(q), quarter_label(q)) for q in recent_quarters()]


class AppraisalFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60, widget=SearchInput)
    period = forms.ChoiceField(label=_("Quarter"), required=False)
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)
    performing = forms.ChoiceField(
        label=_("Performing well"),
        required=False,
        choices=[*ALL, ("yes", _("yes")), ("no", _("no (needs coaching)"))],
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=ALL + Appraisal.Status.choices)

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs.update(placeholder=_("Companion's name"), autocomplete="off")
        cast(forms.ChoiceField, self.fields["period"]).choices = [*ALL, *quarter_choices()]
        choices = regency_choices(user)
        cast(forms.ChoiceField, self.fields["regency"]).choices = [*ALL, *choices]
        if len(choices) < 2:  # one regency: nothing to choose between
            del self.fields["regency"]


class QuarterForm(forms.Form):
    """The quarter (and, for the coaching list, the regency) a summary page is about."""

    period = forms.ChoiceField(label=_("Quarter"), required=False)
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)

    def __init__(self, data: Any, *, user: Any, regency: bool = False) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["period"]).choices = quarter_choices()
        choices = regency_choices(user)
        cast(forms.ChoiceField, self.fields["regency"]).choices = [*ALL, *choices]
        if not regency or len(choices) < 2:
            del self.fields["regency"]


class AppraisalStartForm(forms.Form):
    companion: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Companion"), queryset=None, empty_label=_("— choose —")
    )
    period = forms.ChoiceField(label=_("Quarter"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["companion"]).queryset = companions_to_start(user=user)
        cast(forms.ChoiceField, self.fields["period"]).choices = quarter_choices()

    def clean_period(self) -> Any:
        return parse_quarter(self.cleaned_data["period"])


class AppraisalRatingForm(forms.Form):
    """One 1-4 choice per rated indicator (`r<id>`); leaving some out saves a partial draft."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, specs: list[IndicatorSpec], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.specs = [s for s in specs if s.role != "data"]
        for spec in self.specs:
            self.fields[f"r{spec.id}"] = forms.ChoiceField(
                label=spec.label, choices=SCALE, required=False, widget=forms.RadioSelect
            )

    def roles(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The rating fields grouped by role, in the rubric's order."""
        groups: dict[str, list[forms.BoundField]] = {}
        for spec in self.specs:
            groups.setdefault(role_label(spec.role), []).append(self[f"r{spec.id}"])
        return list(groups.items())

    def ratings(self) -> dict[int, int]:
        return {s.id: int(self.cleaned_data[f"r{s.id}"]) for s in self.specs if self.cleaned_data.get(f"r{s.id}")}


def rating_initial(ratings: dict[int, int], version: int) -> dict[str, Any]:
    return {"version": version, **{f"r{pk}": str(value) for pk, value in ratings.items()}}
