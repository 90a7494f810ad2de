"""Where a dashboard looks: the province (every regency the user may see), one kabupaten/kota, or one kecamatan;
and the list page behind any number, with the same region filters, so a number can always be opened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from pendamping.accounts.scope import scoped
from pendamping.regions.models import Region

PROVINCE, REGENCY, KECAMATAN = "province", "regency", "kecamatan"


@dataclass(frozen=True)
class Area:
    level: str
    code: str  # "" for the province
    name: str
    regency: str = ""  # the regency's code (a kecamatan's parent; the regency's own)
    regency_name: str = ""

    @property
    def filters(self) -> dict[str, str]:
        """The list pages' query parameters that select this area."""
        if self.level == REGENCY:
            return {"regency": self.code}
        if self.level == KECAMATAN:
            return {"regency": self.regency, "kecamatan": self.code}
        return {}

    @property
    def child_level(self) -> str | None:
        return {PROVINCE: REGENCY, REGENCY: KECAMATAN}.get(self.level)


def province() -> Area:
    return Area(PROVINCE, "", _("Jawa Timur"))


def regencies_in_scope(user: Any) -> QuerySet[Region]:
    qs = Region.objects.filter(level=Region.Level.REGENCY)
    return scoped(qs, user, regency="code", companion=None).order_by("code")


def area_get(*, user: Any, code: str) -> Area:
    """The regency or kecamatan of `code` if the user's scope holds it; Region.DoesNotExist otherwise (a 404)."""
    region = Region.objects.select_related("parent").get(code=code)
    regency = region if region.level == Region.Level.REGENCY else region.parent
    if region.level not in (Region.Level.REGENCY, Region.Level.DISTRICT) or regency is None:
        raise Region.DoesNotExist(code)
    if not regencies_in_scope(user).filter(code=regency.code).exists():
        raise Region.DoesNotExist(code)
    level = REGENCY if region.level == Region.Level.REGENCY else KECAMATAN
    return Area(level, region.code, region.name, regency.code, regency.name)


def within(qs: QuerySet[Any], area: Area, *, regency: str, desa: str) -> QuerySet[Any]:
    """Rows of the area; `regency` and `desa` are the lookups to the row's regency code and village."""
    if area.level == REGENCY:
        return qs.filter(**{regency: area.code})
    if area.level == KECAMATAN:
        return qs.filter(**{f"{desa}__parent_id": area.code})
    return qs


def child_key(area: Area, *, regency: str, desa: str) -> str | None:
    """The lookup that groups the area's rows by its children (regencies of the province, kecamatan of a
    regency); None for a kecamatan, whose rows are listed rather than grouped."""
    return {PROVINCE: regency, REGENCY: f"{desa}__parent_id"}.get(area.level)


def list_url(name: str, area: Area, **params: Any) -> str:
    """The list page `name` filtered to the area and `params` (empty values dropped)."""
    query = {**area.filters, **{k: v for k, v in params.items() if v not in ("", None)}}
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url
