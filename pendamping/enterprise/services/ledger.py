"""Writes of the IKS (social-solidarity fund) ledger and of the member families' welfare follow-up.

The IKS balance may never go below zero at any date of the ledger: a use takes money the fund had on that day
and still has afterwards. Every write locks the KUBE row first, so two uses entered at the same moment are
judged one after the other. Welfare writes lock the family row, for the same reason (one joining record)."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require, require_regency
from pendamping.accounts.models import Role
from pendamping.audit.services import audit_record, snapshot
from pendamping.enterprise.models import IksEntry, WelfareRecord
from pendamping.enterprise.services.rescore import rescore_later
from pendamping.enterprise.services.welfare_change import welfare_change_refresh
from pendamping.registry.models import Family, Group, Membership, assigned_group_ids
from pendamping.registry.services import require_group_access
from pendamping.registry.services._common import rupiah, save_checked


def rp(amount: int) -> str:
    """1250000 -> '1.250.000', as amounts are written in Indonesia."""
    return f"{amount:,}".replace(",", ".")


def _check_date(on: Any, *, field: str, earliest: dt.date | None = None) -> dt.date:
    if not isinstance(on, dt.date):
        raise ValidationError({field: _("Enter a valid date.")})
    if on > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if earliest is not None and on < earliest:
        raise ValidationError(
            {field: _("The date is before the KUBE was founded (%(date)s).") % {"date": earliest.isoformat()}}
        )
    return on


def _entered_by(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- IKS ----------------------------------------------------------------------------------------------------


def _locked_group(actor: Any, group: Group) -> Group:
    """The KUBE row, locked for the rest of the transaction, after checking the actor may write its records."""
    group = Group.objects.select_for_update(of=("self",)).get(pk=group.pk)
    require_group_access(actor=actor, group=group)
    return group


def _running(group: Group, *, changed: int | None = None, amount: int = 0) -> list[tuple[dt.date, int]]:
    """(date, balance after the entry) along the ledger, in ledger order, with entry `changed` counted at `amount`
    (0: as if deleted). One KUBE has a few entries a month."""
    total, points = 0, []
    rows = IksEntry.objects.filter(group=group).order_by("on", "id").values_list("pk", "on", "kind", "amount")
    for pk, on, kind, value in rows:
        value = amount if pk == changed else value
        total += value if kind == IksEntry.Kind.IN else -value
        points.append((on, total))
    return points


def iks_lowest_balance(*, group: Group, changed: int | None = None, amount: int = 0) -> int:
    """The lowest balance the ledger reaches on any day (0 at most: the fund starts empty), with entry `changed`
    counted at `amount`: below zero, the change would spend money the fund did not have on some day. For the
    monthly reports too, when a report's contribution is lowered; call it with the KUBE row locked."""
    return min([0, *(total for _day, total in _running(group, changed=changed, amount=amount))])


def iks_available(*, group: Group, on: dt.date) -> int:
    """What a use dated `on` may take: the lowest balance from that day on, since later uses already spent the
    money that was there (a use dated in the past must not push a later day's balance below zero)."""
    points = _running(group)
    that_day = [total for day, total in points if day <= on]
    later = [total for day, total in points if day > on]
    return min([that_day[-1] if that_day else 0, *later])


def _save_entry(actor: Any, entry: IksEntry) -> IksEntry:
    save_checked(entry, exclude=["group", "report", "entered_by"])
    audit_record(actor=actor, action="create", obj=entry, after=snapshot(entry))
    rescore_later(group_id=entry.group_id)
    return entry


@transaction.atomic
def iks_contribute(*, actor: Any, group: Group, on: dt.date, amount: Any, note: str = "") -> IksEntry:
    """A contribution entered directly (those recorded with a monthly report are written by the report)."""
    require(actor, "iks.change")
    group = _locked_group(actor, group)
    entry = IksEntry(
        group=group,
        kind=IksEntry.Kind.IN,
        on=_check_date(on, field="on", earliest=group.founded_on),
        amount=rupiah(amount, field="amount", allow_zero=False),
        note=note.strip(),
        entered_by=_entered_by(actor),
    )
    return _save_entry(actor, entry)


@transaction.atomic
def iks_use(
    *, actor: Any, group: Group, on: dt.date, amount: Any, purpose: str, recipient: str = "", note: str = ""
) -> IksEntry:
    """Money out of the fund, for a purpose; never more than the fund holds."""
    require(actor, "iks.change")
    group = _locked_group(actor, group)
    value = rupiah(amount, field="amount", allow_zero=False)
    on = _check_date(on, field="on", earliest=group.founded_on)
    if not purpose.strip():
        raise ValidationError({"purpose": _("Say what the money is used for.")})
    available = iks_available(group=group, on=on)
    if value > available:
        raise ValidationError(
            {
                "amount": _("The IKS balance is Rp %(balance)s; a use of Rp %(amount)s exceeds it.")
                % {"balance": rp(available), "amount": rp(value)}
            }
        )
    entry = IksEntry(
        group=group,
        kind=IksEntry.Kind.OUT,
        on=on,
        amount=value,
        purpose=purpose.strip(),
        recipient=recipient.strip(),
        note=note.strip(),
        entered_by=_entered_by(actor),
    )
    return _save_entry(actor, entry)


@transaction.atomic
def iks_entry_delete(*, actor: Any, entry: IksEntry) -> None:
    """Remove an entry typed directly. A report's contribution changes with its report; a contribution whose
    money was already used cannot go (the balance would fall below zero)."""
    require(actor, "iks.change")
    group = _locked_group(actor, entry.group)
    entry = IksEntry.objects.get(pk=entry.pk, group=group)
    if entry.report_id is not None:
        raise ValidationError(
            _("This contribution was recorded with a monthly report; change the report's IKS amount instead.")
        )
    if entry.kind == IksEntry.Kind.IN:
        lowest = iks_lowest_balance(group=group, changed=entry.pk, amount=0)
        if lowest < 0:
            raise ValidationError(
                _("Without this contribution the IKS balance would fall to Rp %(balance)s; uses already spent it.")
                % {"balance": f"-{rp(-lowest)}"}
            )
    audit_record(actor=actor, action="delete", obj=entry, before=snapshot(entry))
    entry.delete()
    rescore_later(group_id=group.pk)


# --- welfare ------------------------------------------------------------------------------------------------


def _require_family_access(actor: Any, family: Family) -> None:
    """A companion follows the families of the KUBE assigned to them now; officers the families of their
    regencies; admins and the system any family."""
    if actor is not None and not actor.is_superuser and actor.role == Role.COMPANION:
        current = Membership.objects.filter(family=family, left_on__isnull=True, group__in=assigned_group_ids(actor))
        if not current.exists():
            raise ValidationError({"family": _("This family is not in a KUBE assigned to you.")})
        return
    require_regency(actor, family.regency_id, field="family")


def _locked_family(actor: Any, family: Family) -> Family:
    family = Family.objects.select_for_update().get(pk=family.pk)
    _require_family_access(actor, family)
    return family


def _kube_on(family: Family, on: dt.date) -> int | None:
    """The KUBE the family belonged to on that day, else its current one; None for a family never in a KUBE."""
    memberships = family.memberships.order_by("-joined_on")
    during = memberships.filter(joined_on__lte=on).exclude(left_on__lt=on).first()
    chosen = during or memberships.filter(left_on__isnull=True).first() or memberships.first()
    if chosen is None:
        raise ValidationError({"family": _("Welfare is followed up for KUBE members; this family was never one.")})
    return chosen.group_id


def _decile(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        decile = int(str(value).strip())
    except ValueError:
        decile = 0
    if isinstance(value, bool) or not 1 <= decile <= 10:
        raise ValidationError({"welfare_decile": _("The welfare decile is a whole number from 1 to 10.")})
    return decile


def _check_order(family: Family, kind: str, on: dt.date) -> None:
    """One record a day; the record at joining comes once, and before every follow-up."""
    records = WelfareRecord.objects.filter(family=family)
    if records.filter(recorded_on=on).exists():
        raise ValidationError(
            {
                "recorded_on": _("This family already has a welfare record on %(date)s; nothing was changed.")
                % {"date": on.isoformat()}
            }
        )
    joining = records.filter(kind=WelfareRecord.Kind.JOINING).first()
    if kind == WelfareRecord.Kind.JOINING:
        if joining is not None:
            raise ValidationError(
                {
                    "kind": _("This family already has its record at joining (%(date)s).")
                    % {"date": joining.recorded_on.isoformat()}
                }
            )
        first_update = records.filter(recorded_on__lt=on).order_by("recorded_on").first()
        if first_update is not None:
            raise ValidationError(
                {
                    "kind": _("A record at joining cannot come after a follow-up (%(date)s).")
                    % {"date": first_update.recorded_on.isoformat()}
                }
            )
    elif joining is not None and on < joining.recorded_on:
        raise ValidationError(
            {
                "recorded_on": _("A follow-up cannot come before the record at joining (%(date)s).")
                % {"date": joining.recorded_on.isoformat()}
            }
        )


@transaction.atomic
def welfare_record_add(
    *,
    actor: Any,
    family: Family,
    recorded_on: dt.date,
    monthly_income: Any,
    welfare_decile: Any = None,
    kind: str = WelfareRecord.Kind.UPDATE,
    note: str = "",
) -> WelfareRecord:
    """A member family's income and decile on a day: at joining, then follow-ups."""
    require(actor, "welfare.change")
    family = _locked_family(actor, family)
    if kind not in WelfareRecord.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of record: %(kind)s") % {"kind": kind}})
    recorded_on = _check_date(recorded_on, field="recorded_on")
    record = WelfareRecord(
        family=family,
        group_id=_kube_on(family, recorded_on),
        kind=kind,
        recorded_on=recorded_on,
        monthly_income=rupiah(monthly_income, field="monthly_income"),
        welfare_decile=_decile(welfare_decile),
        note=note.strip(),
        entered_by=_entered_by(actor),
    )
    _check_order(family, kind, recorded_on)
    save_checked(record, exclude=["family", "group", "entered_by"])
    audit_record(actor=actor, action="create", obj=record, after=snapshot(record))
    welfare_change_refresh(family_ids=[family.pk])
    if record.group_id is not None:
        rescore_later(group_id=record.group_id)
    return record


@transaction.atomic
def welfare_record_delete(*, actor: Any, record: WelfareRecord) -> None:
    require(actor, "welfare.change")
    family = _locked_family(actor, record.family)
    record = WelfareRecord.objects.get(pk=record.pk, family=family)
    audit_record(actor=actor, action="delete", obj=record, before=snapshot(record))
    record.delete()
    welfare_change_refresh(family_ids=[family.pk])
    if record.group_id is not None:
        rescore_later(group_id=record.group_id)
