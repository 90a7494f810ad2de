"""Taking back what a row of the groups import wrote: the membership it added (and the KUBE, when the row founded
it), or the board role and KUBE fields it changed. The batch undoes its rows newest first, so the members a KUBE
got from later rows are gone when the row that founded it is undone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require, require_regency
from pendamping.core import changes
from pendamping.exchange.kinds._common import refuse_dependents, remove_created
from pendamping.registry.models import BOARD, Group, Membership
from pendamping.registry.services import group_delete, group_update, membership_set_role

CREATED = ("c", "created")


def undo(obj_id: int, action: str, before: dict[str, Any], *, actor: Any) -> None:
    membership = Membership.objects.select_related("group").filter(pk=obj_id).first()
    if membership is None:
        return  # nothing left to take back
    group = membership.group
    if action in CREATED:
        _remove_membership(actor, membership)
        if before.get("group"):
            _restore_group(actor, group, before["group"])
        if before.get("group_created"):
            _remove_group(actor, group)
        return
    if "role" in before:
        _restore_role(actor, membership, before)
    if before.get("group"):
        _restore_group(actor, group, before["group"])


@transaction.atomic
def _remove_membership(actor: Any, membership: Membership) -> None:
    """The registry keeps memberships as history (a member leaves, the row stays); one an import added by mistake
    may go, while the member has not left since and the KUBE's rules still hold without it (as when a member
    leaves: an active KUBE keeps its board and its minimum size)."""
    require(actor, "membership.change")
    group = Group.objects.select_for_update().get(pk=membership.group_id)
    require_regency(actor, group.regency_id, field="group")
    name = {"name": membership.family, "kube": group.name}
    if membership.left_on is not None:
        raise ValidationError(_("%(name)s has left KUBE %(kube)s since; the membership stays as history.") % name)
    if group.status == Group.Status.ACTIVE:
        low = group.member_range()[0]
        if membership.role in BOARD or group.memberships.current().count() - 1 < low:
            raise ValidationError(
                _("KUBE %(kube)s is active and needs %(name)s (board or minimum size); end the membership on the "
                  "KUBE's page instead.") % name
            )  # fmt: skip
    remove_created(actor=actor, obj=membership, what=_("The membership of %(name)s") % name)
    changes.group_changed(group.pk)


def _remove_group(actor: Any, group: Group) -> None:
    group = Group.objects.get(pk=group.pk)
    # group_delete checks members, grants and companions; reports, visits and agreements would stop it with a
    # database error instead, so every dependent is named first. The KUBE's classification score goes with it.
    refuse_dependents(group, what=_("KUBE %(name)s") % {"name": group.name}, owned=("score",))
    group_delete(actor=actor, group=group)


def _restore_group(actor: Any, group: Group, values: dict[str, Any]) -> None:
    data = dict(values)
    if data.get("founded_on"):
        data["founded_on"] = dt.date.fromisoformat(data["founded_on"])
    group_update(actor=actor, group=group, **data)


def _restore_role(actor: Any, membership: Membership, before: dict[str, Any]) -> None:
    """The import's role change swapped seats with the member who held it: swapping back restores both."""
    holder = Membership.objects.filter(pk=before.get("holder") or 0, group_id=membership.group_id).first()
    if holder is not None and holder.left_on is None:
        membership_set_role(actor=actor, membership=holder, role=membership.role)
    else:
        membership_set_role(actor=actor, membership=membership, role=before["role"])
