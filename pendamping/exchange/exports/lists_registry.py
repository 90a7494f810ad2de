"""Exports of the registry's lists: families, KUBE, grants. Each calls the page's selector as the page does."""

from typing import Any

from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from pendamping.exchange.exports.spec import (
    ExportSpec,
    choice,
    date,
    ident,
    number,
    secret,
    text,
)
from pendamping.privacy.selectors import restricted_family_ids
from pendamping.registry.forms.groups import GrantFilterForm
from pendamping.registry.models import Family, Grant, Group
from pendamping.registry.selectors import RegistryFilters, family_list, grant_list, group_list

REGISTRY_VIEW = ("registry.view",)


def families(user: Any, params: Any) -> QuerySet[Any]:
    # Families whose processing is restricted (UU 27/2022) stay on the page but never leave in a file.
    return family_list(user=user, filters=RegistryFilters.from_params(params)).exclude(pk__in=restricted_family_ids())


def groups(user: Any, params: Any) -> QuerySet[Any]:
    return group_list(user=user, filters=RegistryFilters.from_params(params))


def grants(user: Any, params: Any) -> QuerySet[Any]:
    # The page reads the year through its filter form (a year outside 2000-2100 filters nothing).
    form = GrantFilterForm(params, user=user)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    qs = grant_list(user=user, filters=RegistryFilters.from_params(params), year=year)
    paid = Coalesce("disbursed", Value(0))
    return qs.annotate(paid=paid, remaining=F("amount") - paid)


FAMILIES = ExportSpec(
    name="families",
    title=_("Families"),
    permissions=REGISTRY_VIEW,
    page="registry:family_list",
    rows=families,
    columns=(
        secret(_("NIK"), "nik"),
        secret(_("KK number"), "kk_number"),
        text(_("Head of family"), "head_name", 28),
        choice(_("Sex"), "sex", Family.Sex.choices, 10),
        date(_("Birth date"), "birth_date"),
        text(_("Address"), "address", 30),
        ident(_("RT"), "rt", 5),
        ident(_("RW"), "rw", 5),
        ident(_("Village code"), "desa_id", 14),
        text(_("Village"), "desa__name", 20),
        text(_("Regency/city"), "regency__name", 20),
        number(_("Household size"), "household_size", 9),
        number(_("Monthly income (Rp)"), "monthly_income"),
        ident(_("DTKS/DTSEN id"), "dtks_id"),
        number(_("Welfare decile"), "welfare_decile", 8),
        choice(_("Status"), "status", Family.Status.choices),
    ),
)

GROUPS = ExportSpec(
    name="groups",
    title=_("KUBE"),
    permissions=REGISTRY_VIEW,
    page="registry:group_list",
    rows=groups,
    columns=(
        ident(_("KUBE code"), "code"),
        text(_("Name"), "name", 28),
        choice(_("Business sector"), "sector", Group.Sector.choices, 22),
        text(_("Other sector"), "sector_other"),
        ident(_("Village code"), "desa_id", 14),
        text(_("Village"), "desa__name", 20),
        text(_("District (kecamatan)"), "desa__parent__name", 20),
        text(_("Regency/city"), "regency__name", 20),
        date(_("Founding date"), "founded_on"),
        choice(_("Status"), "status", Group.Status.choices),
        date(_("Status since"), "status_changed_on"),
        number(_("Current members"), "member_count", 9),
    ),
)

GRANTS = ExportSpec(
    name="grants",
    title=_("Grants"),
    permissions=REGISTRY_VIEW,
    page="registry:grant_list",
    rows=grants,
    columns=(
        ident(_("KUBE code"), "group__code"),
        text(_("KUBE"), "group__name", 28),
        text(_("Village"), "group__desa__name", 20),
        text(_("Regency/city"), "group__regency__name", 20),
        number(_("Budget year"), "year", 8),
        choice(_("Funding source"), "source", Grant.Source.choices, 22),
        number(_("Amount (Rp)"), "amount"),
        number(_("Disbursed (Rp)"), "paid"),
        number(_("Remaining (Rp)"), "remaining"),
        text(_("Note"), "note", 30),
    ),
)

SPECS = (FAMILIES, GROUPS, GRANTS)
