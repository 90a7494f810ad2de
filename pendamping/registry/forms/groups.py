"""Forms of the KUBE and grant pages. They only check the shape of the input; the rules (members of the
same village, 5-20 members, one ketua, tranches within the grant, the actor's regency) are the services'."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pendamping.core.web import DATE
from pendamping.regions.forms import cascade_regions, regency_choices
from pendamping.registry.models import BOARD, BoardRole, Family, Grant, Group, Membership, Scheme

AMOUNT_HELP = _("Whole rupiah, e.g. 25.000.000 or 25000000.")


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


def board_seats(members: list[Membership]) -> list[tuple[str, Membership | None]]:
    """The three board seats in their usual order, each with its holder or None when vacant."""
    holders = {m.role: m for m in members}
    return [(str(BoardRole(role).label), holders.get(role)) for role in BOARD]


def board_first(members: list[Membership]) -> list[Membership]:
    """Ketua, sekretaris, bendahara, then the other members by name: the order a KUBE's own register uses."""
    rank = {str(role): i for i, role in enumerate(BOARD)}
    return sorted(members, key=lambda m: (rank.get(m.role, len(BOARD)), m.family.head_name))


def _days(name: str, first: Any, last: Any) -> dict[str, forms.Field]:
    """A pair of date inputs, `<name>_from` and `<name>_to`. Text fields: the selector reads the days and drops a
    malformed one, so a bad date never makes the form invalid and costs the list its other filters."""
    return {
        f"{name}_from": forms.CharField(label=first, required=False, widget=DATE),
        f"{name}_to": forms.CharField(label=last, required=False, widget=DATE),
    }


def _region_fields(required: bool) -> dict[str, forms.Field]:
    return {
        "regency": forms.CharField(label=_("Regency/city"), required=False, widget=forms.Select),
        "kecamatan": forms.CharField(label=_("District (kecamatan)"), required=False, widget=forms.Select),
        "desa": forms.CharField(label=_("Village (desa/kelurahan)"), required=required, widget=forms.Select),
    }


class GroupFilterForm(forms.Form):
    """The KUBE list filters; the selector ignores a region code of the wrong shape."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(_("any")) + Group.Status.choices)
    sector = forms.ChoiceField(
        label=_("Business sector"), required=False, choices=_blank(_("any")) + Group.Sector.choices
    )
    field_order = ["q", "regency", "kecamatan", "desa", "status", "sector", "changed_from", "changed_to"]

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self.fields.update(_region_fields(required=False))
        # With status "graduated": the KUBE graduated in those days (a dashboard's "graduated in the period").
        self.fields.update(_days("changed", _("Status changed from"), _("Status changed until")))
        self.order_fields(self.field_order)
        self.fields["q"].widget.attrs.update(type="search", placeholder=_("KUBE name or code"), autocomplete="off")
        cascade_regions(self, user=user, values=data, blank=_blank(_("all")), all_label=True)
        if len(self.fields["regency"].widget.choices) == 1:  # a companion: no regencies to filter on
            for name in ("regency", "kecamatan", "desa"):
                del self.fields[name]


class GrantFilterForm(forms.Form):
    q = forms.CharField(label=_("KUBE name"), required=False, max_length=60)
    year = forms.IntegerField(label=_("Budget year"), required=False, min_value=2000, max_value=2100)
    field_order = ["q", "regency", "kecamatan", "desa", "year"]

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        # The KUBE list's region selects: a kecamatan's dashboard links here with its kecamatan, kept on refiltering.
        self.fields.update(_region_fields(required=False))
        self.fields.update(_days("disbursed", _("Disbursed from"), _("Disbursed until")))
        self.fields.update(_days("spent", _("Spent from"), _("Spent until")))
        self.order_fields(self.field_order)
        self.fields["q"].widget.attrs.update(type="search", autocomplete="off")
        cascade_regions(self, user=user, values=data, blank=_blank(_("all")), all_label=True)
        if len(self.fields["regency"].widget.choices) == 1:  # a companion: no regencies to filter on
            for name in ("regency", "kecamatan", "desa"):
                del self.fields[name]


class GroupForm(forms.Form):
    """Create and edit. The village is chosen once, at founding: moving a KUBE would strand its members."""

    name = forms.CharField(label=_("Name"), max_length=120)
    sector = forms.ChoiceField(label=_("Business sector"), choices=_blank(_("— choose —")) + Group.Sector.choices)
    sector_other = forms.CharField(
        label=_("Other sector"), max_length=80, required=False, help_text=_("Only when the sector is 'other'.")
    )
    founded_on = forms.DateField(label=_("Founding date"), widget=DATE)
    scheme = forms.ModelChoiceField(
        label=_("Scheme"),
        queryset=Scheme.objects.order_by("name"),
        required=False,
        empty_label=_("none (5–20 members)"),
    )
    bank_name = forms.CharField(label=_("Bank"), max_length=60, required=False)
    bank_account_number = forms.CharField(label=_("Account number"), max_length=30, required=False)
    bank_account_name = forms.CharField(label=_("Account name"), max_length=120, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            return
        del self.fields["version"]
        self.fields.update(_region_fields(required=True))
        self.order_fields(["regency", "kecamatan", "desa"])
        values = {k: self.data.get(k, "") for k in ("regency", "kecamatan")} if self.is_bound else {}
        if not values.get("regency") and len(own := regency_choices(user)) == 1:
            # An officer of one regency starts at its kecamatan list.
            values["regency"] = self.initial["regency"] = own[0][0]
        cascade_regions(self, user=user, values=values, blank=_blank(_("— choose —")))

    def service_data(self) -> dict[str, Any]:
        """cleaned_data as the services take it: the village as `desa_code`, the helper selects dropped."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("regency", "kecamatan", "desa")}
        return {**data, "desa_code": self.cleaned_data["desa"]} if "desa" in self.cleaned_data else data


class GroupStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(s, label) for s, label in Group.Status.choices if s != Group.Status.FORMING],
    )
    on = forms.DateField(label=_("Since"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=False,
        help_text=_("Required when a KUBE becomes inactive or graduates."),
    )


class MemberAddForm(forms.Form):
    """`family` validates against every family the user may see, so the service can say *why* a family
    cannot join (another village, already in a KUBE); the list offered holds only the families that can."""

    family = forms.ModelChoiceField(label=_("Family"), queryset=Family.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=BoardRole.choices, initial=BoardRole.ANGGOTA)
    joined_on = forms.DateField(label=_("Joined on"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, visible: QuerySet[Family], offered: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["family"]
        field.queryset = visible
        field.widget.choices = _blank(_("— choose a family —")) + [
            (f.pk, f"{f.head_name} · {f.nik_masked}") for f in offered
        ]


class MemberEndForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("New role"), choices=BoardRole.choices)


class GrantForm(forms.Form):
    """Amounts are text: people type "25.000.000"; the service reads them and refuses cents."""

    amount = forms.CharField(label=_("Amount (Rp)"), max_length=30, help_text=AMOUNT_HELP)
    source = forms.ChoiceField(label=_("Funding source"), choices=Grant.Source.choices)
    year = forms.IntegerField(label=_("Budget year"), initial=lambda: timezone.localdate().year)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    tranche_amount = forms.CharField(label=_("First tranche amount (Rp)"), max_length=30, required=False)
    tranche_on = forms.DateField(label=_("First tranche paid on"), widget=DATE, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("amount", "tranche_amount"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        if editing:
            del self.fields["tranche_amount"], self.fields["tranche_on"]
        else:
            del self.fields["version"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("tranche_amount")) != bool(data.get("tranche_on")):
            raise forms.ValidationError(_("Give both the amount and the date of the first tranche, or neither."))
        return data


class TrancheForm(forms.Form):
    amount = forms.CharField(label=_("Amount (Rp)"), max_length=30, help_text=AMOUNT_HELP)
    disbursed_on = forms.DateField(label=_("Disbursed on"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs["inputmode"] = "numeric"
