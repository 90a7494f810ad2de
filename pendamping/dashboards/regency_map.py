"""The regency map's indicators: one number per kabupaten/kota in the user's scope, counted in the database, and
where each regency's number leads (the list behind it, with the same filters)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from pendamping.accounts.scope import scoped
from pendamping.regions.models import Region
from pendamping.registry.models import Family, Group


@dataclass(frozen=True)
class Indicator:
    key: str
    title: Any  # lazy text
    rows: Callable[[Any], QuerySet[Any]]  # the user's rows of the indicator, each with a regency_id
    list_url: str  # the list page behind a regency's number
    params: tuple[tuple[str, str], ...] = ()  # that list's filters besides the regency


INDICATORS = {
    i.key: i
    for i in (
        Indicator("families", _("Families (KBS)"), lambda u: Family.objects.visible_to(u), "registry:family_list"),
        Indicator("groups", _("KUBE, every status"), lambda u: Group.objects.visible_to(u), "registry:group_list"),
        Indicator(
            "active_groups",
            _("Active KUBE"),
            lambda u: Group.objects.visible_to(u).filter(status=Group.Status.ACTIVE),
            "registry:group_list",
            (("status", Group.Status.ACTIVE),),
        ),
    )
}


def regency_values(*, user: Any, indicator: Indicator) -> dict[str, float | None]:
    """Regency code -> the indicator; 0 for a regency in scope with nothing counted; absent out of scope."""
    counts = indicator.rows(user).order_by().values("regency_id").annotate(n=Count("pk"))
    in_scope = scoped(Region.objects.filter(level=Region.Level.REGENCY), user, regency="code", companion=None)
    values: dict[str, float | None] = dict.fromkeys(in_scope.values_list("code", flat=True), 0)
    values.update({row["regency_id"]: row["n"] for row in counts if row["regency_id"] in values})
    return values


def regency_board_href(code: str) -> str:
    return reverse("dashboards:area", args=[code])


def regency_href(indicator: Indicator) -> Callable[[str], str]:
    base = reverse(indicator.list_url)
    return lambda code: f"{base}?{urlencode((('regency', code), *indicator.params))}"
