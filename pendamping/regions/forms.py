"""Region pickers for forms: the regency → kecamatan → desa selects, limited to the user's regencies."""

from typing import Any

from django import forms
from django.urls import reverse_lazy

from pendamping.regions.models import Region
from pendamping.regions.selectors import regencies, region_children

# The option lists are served by the registry's pages; a URL name, not an import, so no layer is crossed.
OPTIONS_URL = reverse_lazy("registry:region_options")


def regency_choices(user: Any) -> list[tuple[str, str]]:
    """The regencies a user may filter on: all for province-wide roles, their own for regional ones."""
    qs = regencies()
    if not user.is_province_admin:
        qs = qs.filter(code__in=user.regency_codes)
    return [(r.code, r.name) for r in qs]


def _children(parent: str, level: str) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in region_children(parent_code=parent, level=level)] if parent else []


def cascade_regions(form: forms.Form, *, user: Any, values: Any, blank: list[Any], all_label: bool = False) -> None:
    """Fill the form's regency → kecamatan → desa selects from the current values; each select reloads the next
    one's options through htmx (registry:region_options). A code outside the user's regencies, or not under the
    chosen parent, yields no children, so a forged value cannot widen the lists. A form may stop at the kecamatan
    (no `desa` field)."""
    choices = regency_choices(user)
    kec = _children(values.get("regency", ""), Region.Level.DISTRICT) if values.get("regency") in dict(choices) else []
    desa = _children(values.get("kecamatan", ""), Region.Level.VILLAGE) if values.get("kecamatan") in dict(kec) else []
    for name, options in (("regency", choices), ("kecamatan", kec), ("desa", desa)):
        if name in form.fields:
            form.fields[name].widget.choices = blank + options
    # hx-push-url and hx-swap are set so the selects do not inherit the filter form's settings.
    for name, target in (("regency", "#id_kecamatan"), ("kecamatan", "#id_desa")):
        if target[4:] not in form.fields:
            continue
        attrs = {"hx-get": OPTIONS_URL, "hx-target": target, "hx-swap": "innerHTML", "hx-push-url": "false"}
        if all_label:
            attrs["hx-vals"] = '{"blank": "all"}'
        form.fields[name].widget.attrs.update(attrs)
