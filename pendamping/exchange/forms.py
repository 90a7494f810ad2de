"""Forms of the import pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pendamping.exchange.kinds import get_kind, kind_names
from pendamping.exchange.models import Mode, OnExisting


def kind_choices() -> list[tuple[str, str]]:
    return [(name, str(get_kind(name).title)) for name in kind_names()]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=kind_choices)
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices, initial=Mode.ALL)
    on_existing = forms.ChoiceField(label=_("Rows whose record exists"), choices=OnExisting.choices)
    mapping = forms.ChoiceField(label=_("Saved column mapping"), required=False, choices=[])

    def __init__(self, *args: Any, mappings: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mapping"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", str(_("match the headers automatically"))), *(mappings or [])]


class ConfigureForm(forms.Form):
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)
    on_existing = forms.ChoiceField(label=_("Rows whose record exists"), choices=OnExisting.choices)
    save_as = forms.CharField(label=_("Save this mapping as"), max_length=80, required=False)
