"""The KUBE a form offers: only those the downloading user may report on, as (code, name) pairs.

A companion gets the KUBE assigned to them now; an officer their regencies' KUBE; an admin every KUBE (a regency
narrows it). The visit form lists only KUBE that have a companion now: a visit is recorded for that companion."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from pendamping.companions.models import Assignment
from pendamping.registry.models import Group

# A choice list this long is already slow to scroll on a phone; more means the form is meant for a regency.
MAX_KUBE = 5000


class FormUnavailable(Exception):
    """This user cannot have this form now (nothing to choose, or too much); the message says why."""


def regency_code(value: Any) -> str:
    """A regency code such as 35.78, or "" for anything else (a malformed filter is ignored, never widened)."""
    text = str(value or "").strip()
    return text if re.fullmatch(r"[0-9]{2}\.[0-9]{2}", text) else ""


def form_groups(*, user: Any, with_companion: bool, regency: str = "") -> list[tuple[str, str]]:
    """(code, name) of the KUBE in the user's scope, by name; FormUnavailable when none, or too many."""
    qs = Group.objects.visible_to(user) if user is not None else Group.objects.all()
    if with_companion:
        qs = qs.filter(Exists(Assignment.objects.filter(group=OuterRef("pk"), ended_on__isnull=True)))
    if code := regency_code(regency):
        qs = qs.filter(regency_id=code)
    rows = list(qs.order_by("name", "code").values_list("code", "name")[: MAX_KUBE + 1])
    if not rows:
        raise FormUnavailable(_("There is no KUBE you could report on, so there is no form to fill."))
    if len(rows) > MAX_KUBE:
        raise FormUnavailable(
            _("More than %(n)d KUBE would be listed: choose a regency to make a form for.") % {"n": MAX_KUBE}
        )
    return rows
