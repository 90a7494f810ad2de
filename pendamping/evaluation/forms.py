"""Forms of the evaluation pages: the answer form of one respondent and wave, the responses file, the power
calculator and the study filters."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.core.web import DATE, SearchInput
from pendamping.evaluation.models import Aspect, GapComponent, Instrument, Study

MAX_UPLOAD = 5 * 1024 * 1024


class StudyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, widget=SearchInput)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("all")), *Study.Status.choices])


class AnswerForm(forms.Form):
    """One radio group per item, in instrument order; an unanswered item is left out (a partial form is fine).
    `blocks` are (aspect, [bound fields]) for the template."""

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, aspects: list[Aspect], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.codes: list[str] = []
        self.block_names: list[tuple[Aspect, list[str]]] = []
        for aspect in aspects:
            names = []
            for item in aspect.items.all():
                name = f"item_{item.pk}"
                choices = [(o.code, o.label) for o in item.options.all()]
                self.fields[name] = forms.ChoiceField(
                    label=f"{item.code}. {item.text}", choices=choices, required=False, widget=forms.RadioSelect
                )
                self.fields[name].item_code = item.code  # type: ignore[attr-defined]
                names.append(name)
            self.block_names.append((aspect, names))

    def blocks(self) -> list[tuple[Aspect, list[forms.BoundField]]]:
        return [(aspect, [self[name] for name in names]) for aspect, names in self.block_names]

    def answers(self) -> dict[str, str]:
        """{item code: option code} of the items answered."""
        return {
            self.fields[name].item_code: value  # type: ignore[attr-defined]
            for name, value in self.cleaned_data.items()
            if name.startswith("item_") and value
        }


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Responses file (CSV, long or wide)"), required=False)
    content = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_UPLOAD:
                raise forms.ValidationError(_("The file is larger than 5 MB."))
            raw = upload.read()
            try:
                data["content"] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                data["content"] = raw.decode("cp1252", errors="replace")
        if not data.get("content"):
            raise forms.ValidationError(_("Choose a file."))
        return data


class PowerForm(forms.Form):
    DESIGNS = [
        ("two_sample_t", _("Two groups, mean difference (two-sample t-test)")),
        ("paired_t", _("Same people before and after, mean change (paired t-test)")),
        ("did", _("Did the treatment arm change more? (difference-in-differences on change scores)")),
        ("mcnemar", _("Same people before and after, yes/no answer (McNemar)")),
        ("two_proportions", _("Two groups, share of favourable answers")),
    ]
    design = forms.ChoiceField(label=_("Design"), choices=DESIGNS, initial="two_sample_t")
    n = forms.IntegerField(
        label=_("Respondents per arm (leave empty to compute the number needed)"), required=False, min_value=2
    )
    delta = forms.FloatField(label=_("Difference to detect (t-tests, DiD)"), required=False)
    sd = forms.FloatField(label=_("Standard deviation (t-tests, DiD: of the change)"), required=False, initial=1.0)
    p1 = forms.FloatField(label=_("Proportion 1 (or share changing 0→1 for McNemar)"), required=False)
    p2 = forms.FloatField(label=_("Proportion 2 (or share changing 1→0 for McNemar)"), required=False)
    alpha = forms.FloatField(label=_("Significance level (α)"), initial=0.05, min_value=0.001, max_value=0.2)
    power = forms.FloatField(label=_("Power wanted"), initial=0.8, min_value=0.5, max_value=0.999)


class InstrumentFileForm(forms.Form):
    """An instrument as a YAML file (the format the standalone CLI reads) or pasted text."""

    file = forms.FileField(label=_("Instrument file (YAML)"), required=False)
    text = forms.CharField(label=_("…or paste the YAML"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, need_definition: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.need_definition = need_definition

    def definition(self) -> str:
        upload = self.cleaned_data.get("file")
        if upload is not None:
            return upload.read(MAX_UPLOAD).decode("utf-8-sig", errors="replace")
        return str(self.cleaned_data.get("text") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.need_definition and not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a file or paste the YAML."))
        return data


class StudyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    instrument: forms.ModelChoiceField[Instrument] = forms.ModelChoiceField(
        label=_("Instrument version"), queryset=Instrument.objects.none()
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    starts_on = forms.DateField(label=_("Start"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("End"), required=False, widget=DATE)
    alpha = forms.FloatField(label=_("Significance level (α)"), initial=0.05, min_value=0.001, max_value=0.2)
    family = forms.ChoiceField(label=_("Multiplicity family"), choices=Study.Family.choices, initial="all")

    def __init__(self, *args: Any, instruments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments  # type: ignore[attr-defined]


class CompanionChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.regency.name if obj.regency_id else '?'}"


class AssignForm(forms.Form):
    MODES = [
        ("treatment", _("Put them in the treatment arm")),
        ("control", _("Put them in the control arm")),
        ("randomise", _("Randomise them to the two arms, stratified by regency")),
        ("match", _("Match controls from them to the treatment arm (regency, education, experience)")),
    ]
    companions = CompanionChoice(label=_("Companions"), queryset=None)
    mode = forms.ChoiceField(label=_("How"), choices=MODES, widget=forms.RadioSelect, initial="treatment")
    seed = forms.IntegerField(label=_("Random seed (reproducible)"), initial=2026, min_value=0)

    def __init__(self, *args: Any, companions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["companions"].queryset = companions  # type: ignore[attr-defined]
        self.fields["companions"].widget.attrs["size"] = 12


class GapAssessmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    assessed_on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class GapRatingForm(forms.Form):
    RATING = [(k, str(k)) for k in range(1, 6)]
    assessment = forms.IntegerField(widget=forms.HiddenInput)
    component = forms.ChoiceField(label=_("Component"), choices=GapComponent.choices)
    applied = forms.TypedChoiceField(label=_("As applied"), choices=RATING, coerce=int)
    expected = forms.TypedChoiceField(label=_("As expected by respondents"), choices=RATING, coerce=int)
    standard = forms.TypedChoiceField(label=_("Standard (guidelines)"), choices=RATING, coerce=int)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
