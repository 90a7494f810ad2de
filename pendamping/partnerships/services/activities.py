"""Writes of partnership activities: what happened under an agreement (a training, sales, a loan)."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require, require_regency
from pendamping.audit.services import audit_record, snapshot
from pendamping.partnerships.models import Activity, Agreement
from pendamping.partnerships.services._common import pk_of, raise_if
from pendamping.registry.models import Group
from pendamping.registry.services._common import rupiah, save_checked


def _check(agreement: Agreement, on: dt.date, group: Any) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if on > timezone.localdate():
        errors["on"] = _("The date cannot be in the future.")
    elif on < agreement.start_on:
        errors["on"] = _("The agreement starts on %(date)s; an activity under it cannot be earlier.") % {
            "date": agreement.start_on.isoformat()
        }
    if group is not None and not agreement.groups.filter(pk=pk_of(group)).exists():
        errors["group"] = _("This KUBE is not covered by the agreement.")
    return errors


@transaction.atomic
def activity_add(
    *,
    actor: Any,
    agreement: Agreement,
    on: dt.date,
    description: str,
    value: Any = 0,
    group: Group | int | None = None,
) -> Activity:
    """Record an activity under an agreement, for the whole agreement or for one of the KUBE it covers."""
    require(actor, "partnership.change")
    # Locked so the KUBE covered cannot change between the check and the save.
    agreement = Agreement.objects.select_for_update(of=("self",)).select_related("regency").get(pk=agreement.pk)
    require_regency(actor, agreement.regency_id, field="agreement")
    errors = _check(agreement, on, group)
    text = " ".join(str(description or "").split())
    if not text:
        errors["description"] = _("Say what happened.")
    try:
        amount = rupiah(value if value not in (None, "") else 0, field="value")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    raise_if(errors)
    activity = Activity(
        agreement=agreement,
        group_id=pk_of(group) if group is not None else None,
        on=on,
        description=text,
        value=amount,
        entered_by=actor if getattr(actor, "pk", None) else None,
    )
    # Checked above: the agreement (locked) and its KUBE; the recording user may be the system (None).
    save_checked(activity, exclude=["agreement", "group", "entered_by"])
    audit_record(actor=actor, action="create", obj=activity, after=snapshot(activity))
    return activity


@transaction.atomic
def activity_delete(*, actor: Any, activity: Activity) -> None:
    require(actor, "partnership.change")
    activity = Activity.objects.select_for_update(of=("self",)).select_related("agreement").get(pk=activity.pk)
    require_regency(actor, activity.agreement.regency_id, field="activity")
    audit_record(actor=actor, action="delete", obj=activity, before=snapshot(activity))
    activity.delete()
