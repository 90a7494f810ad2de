"""Writes of the monthly UEP reports and of the months an officer locks.

A report is entered by the KUBE's companion (or an officer of its regency) for a month that has begun and is not
before the KUBE's founding month; one per KUBE and month; amounts in whole rupiah; profit is the database's.
A locked month refuses new reports and changes. The report's IKS contribution is kept as one IKS ledger line."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pendamping.accounts.guards import require, require_regency
from pendamping.audit.services import audit_record, snapshot
from pendamping.core.concurrency import check_version
from pendamping.enterprise.models import IksEntry, MonthlyReport, PeriodLock
from pendamping.enterprise.selectors.ledger import iks_balance
from pendamping.enterprise.selectors.reports import month_end, parse_month, period_is_locked, this_month
from pendamping.enterprise.services.rescore import rescore_later
from pendamping.regions.models import Region
from pendamping.registry.models import Group
from pendamping.registry.services._common import require_group_access, rupiah, save_checked

MONEY = ("revenue", "operating_costs", "capital_assets", "cash_savings", "iks_collected")
EDITABLE = (*MONEY, "members_active", "meetings_held", "problems")
LABELS = {
    "revenue": gettext_lazy("Revenue"),
    "operating_costs": gettext_lazy("Operating costs"),
    "capital_assets": gettext_lazy("Capital and assets"),
    "cash_savings": gettext_lazy("Cash and savings"),
    "iks_collected": gettext_lazy("IKS collected"),
    "members_active": gettext_lazy("Members active"),
    "meetings_held": gettext_lazy("Meetings held"),
}
MAX_MEETINGS = 31
_UNCHECKED = ["group", "regency", "submitted_by"]  # set by the service itself: no query to validate them


def _month_name(month: dt.date) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- the figures -------------------------------------------------------------------------------------------


def _amount(value: Any, field: str) -> int:
    try:
        return rupiah(value, field=field)
    except ValidationError as exc:
        raise ValidationError(_("%(label)s: %(error)s") % {"label": LABELS[field], "error": exc.messages[0]}) from None


def _whole(value: Any, field: str) -> int:
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not (text.isascii() and text.lstrip("-").isdigit()):
        raise ValidationError(_("%(label)s must be a whole number.") % {"label": LABELS[field]})
    if int(text) < 0:
        raise ValidationError(_("%(label)s cannot be negative.") % {"label": LABELS[field]})
    return int(text)


def _members_in(group: Group, month: dt.date) -> int:
    """Members of the KUBE at some time in that month (a member who left since still counted then)."""
    during = Q(joined_on__lte=month_end(month)) & (Q(left_on__isnull=True) | Q(left_on__gte=month))
    return group.memberships.filter(during).count()


def _members(value: Any, group: Group, month: dt.date) -> int:
    count, members = _whole(value, "members_active"), _members_in(group, month)
    if count > members:
        raise ValidationError(
            _("Members active (%(count)s) cannot be more than the %(members)s members the KUBE had in %(month)s.")
            % {"count": count, "members": members, "month": _month_name(month)}
        )
    return count


def _meetings(value: Any) -> int:
    count = _whole(value, "meetings_held")
    if count > MAX_MEETINGS:
        raise ValidationError(_("Meetings held must be between 0 and %(max)s.") % {"max": MAX_MEETINGS})
    return count


def _figures(group: Group, month: dt.date, data: dict[str, Any]) -> dict[str, Any]:
    """The checked values of the fields given; every wrong field is reported at once, each under its name."""
    checks: dict[str, Any] = {key: (lambda v, k=key: _amount(v, k)) for key in MONEY}
    checks |= {"members_active": lambda v: _members(v, group, month), "meetings_held": _meetings}
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, check in checks.items():
        if key in data:
            try:
                values[key] = check(data[key])
            except ValidationError as exc:
                errors[key] = exc.messages
    if errors:
        raise ValidationError(errors)
    if "problems" in data:
        values["problems"] = str(data["problems"] or "").strip()
    return values


# --- the month ---------------------------------------------------------------------------------------------


def _refuse_locked(group: Group, month: dt.date) -> None:
    if period_is_locked(regency_code=group.regency_id, period=month):
        raise ValidationError(
            {
                "period": _(
                    "%(month)s is locked in this regency: its reports can no longer be entered or changed. "
                    "Ask a regency officer to unlock the month."
                )
                % {"month": _month_name(month)}
            }
        )


def _reportable_month(group: Group, period: Any) -> dt.date:
    month = parse_month(period)
    if month > this_month():
        raise ValidationError({"period": _("%(month)s has not begun yet.") % {"month": _month_name(month)}})
    founded = group.founded_on.replace(day=1)
    if month < founded:
        raise ValidationError(
            {
                "period": _("%(month)s is before the KUBE was founded (%(founded)s).")
                % {"month": _month_name(month), "founded": _month_name(founded)}
            }
        )
    _refuse_locked(group, month)
    return month


def _duplicate(month: dt.date) -> ValidationError:
    return ValidationError(
        {
            "period": _("This KUBE already has a report for %(month)s; edit that report instead.")
            % {"month": _month_name(month)}
        }
    )


def _locked_group(pk: int) -> Group:
    """Reports and IKS lines of a KUBE are written one at a time: the balance check and the one-per-month check
    hold only if no other write of the same KUBE runs between check and save."""
    return Group.objects.select_for_update().get(pk=pk)


# --- the IKS line ------------------------------------------------------------------------------------------


def _sync_iks(*, actor: Any, report: MonthlyReport) -> None:
    """The report's IKS contribution as its one ledger line: created, changed, or removed at zero. A decrease
    that would leave the fund with less than nothing (part was already used) is refused."""
    entry = IksEntry.objects.filter(report=report).first()
    held, amount = (entry.amount if entry else 0), report.iks_collected
    if amount < held and iks_balance(group=report.group) - held + amount < 0:
        raise ValidationError(
            {
                "iks_collected": _(
                    "The IKS fund has already used part of this contribution; it cannot be lowered so far."
                )
            }
        )
    if entry is None and amount:
        entry = IksEntry(group=report.group, kind=IksEntry.Kind.IN, report=report, amount=amount)
        entry.on, entry.entered_by = month_end(report.period), _user(actor)
        save_checked(entry, exclude=["group", "report", "entered_by"])
        audit_record(actor=actor, action="create", obj=entry, after=snapshot(entry))
    elif entry is not None and not amount:
        audit_record(actor=actor, action="delete", obj=entry, before=snapshot(entry))
        entry.delete()
    elif entry is not None and entry.amount != amount:
        before = snapshot(entry)
        entry.amount = amount
        save_checked(entry, exclude=["group", "report", "entered_by"])
        audit_record(actor=actor, action="update", obj=entry, before=before, after=snapshot(entry))


# --- reports -----------------------------------------------------------------------------------------------


@transaction.atomic
def report_submit(
    *,
    actor: Any,
    group: Group,
    period: Any,
    revenue: Any,
    operating_costs: Any,
    capital_assets: Any,
    cash_savings: Any,
    members_active: Any,
    meetings_held: Any,
    iks_collected: Any = 0,
    problems: str = "",
) -> MonthlyReport:
    require(actor, "report.submit")
    group = _locked_group(group.pk)
    require_group_access(actor=actor, group=group)
    month = _reportable_month(group, period)
    if MonthlyReport.objects.filter(group=group, period=month).exists():
        raise _duplicate(month)
    data = {
        **{"revenue": revenue, "operating_costs": operating_costs, "capital_assets": capital_assets},
        **{"cash_savings": cash_savings, "iks_collected": iks_collected, "problems": problems},
        **{"members_active": members_active, "meetings_held": meetings_held},
    }
    report = MonthlyReport(group=group, regency_id=group.regency_id, period=month, **_figures(group, month, data))
    report.submitted_by, report.submitted_at = _user(actor), timezone.now()
    try:
        with transaction.atomic():  # a savepoint: the same month sent twice at once fails here, not later
            save_checked(report, exclude=_UNCHECKED)
    except IntegrityError:
        raise _duplicate(month) from None
    audit_record(actor=actor, action="create", obj=report, after=snapshot(report))
    _sync_iks(actor=actor, report=report)
    rescore_later(group_id=group.pk)
    return report


@transaction.atomic
def report_update(*, actor: Any, report: MonthlyReport, version: int | None, **data: Any) -> MonthlyReport:
    """Change the figures of a report (its KUBE and month stay). `version` is the one the editor read."""
    require(actor, "report.submit")
    if unknown := set(data) - set(EDITABLE):
        raise TypeError(f"report_update() got fields it does not change: {sorted(unknown)}")
    group = _locked_group(report.group_id)
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    report.group = group
    require_group_access(actor=actor, group=group)
    check_version(report, version)
    _refuse_locked(group, report.period)
    before = snapshot(report)
    for key, value in _figures(group, report.period, data).items():
        setattr(report, key, value)
    report.version += 1
    save_checked(report, exclude=_UNCHECKED)
    report.refresh_from_db(fields=["profit"])  # computed by the database on save
    audit_record(actor=actor, action="update", obj=report, before=before, after=snapshot(report))
    _sync_iks(actor=actor, report=report)
    rescore_later(group_id=group.pk)
    return report


# --- locked months -----------------------------------------------------------------------------------------


def _regency(actor: Any, code: Any) -> Region:
    region = Region.objects.filter(code=str(code or "").strip(), level=Region.Level.REGENCY).first()
    if region is None:
        raise ValidationError({"regency": _("Unknown regency/city code: %(code)s") % {"code": code}})
    require_regency(actor, region.code, field="regency")
    return region


@transaction.atomic
def period_lock(*, actor: Any, regency_code: Any, period: Any) -> PeriodLock:
    """Close a regency's month: its reports can no longer be entered or changed (until unlocked)."""
    require(actor, "report.lock")
    regency, month = _regency(actor, regency_code), parse_month(period)
    if month > this_month():
        raise ValidationError({"period": _("%(month)s has not begun yet.") % {"month": _month_name(month)}})
    # Wait for the report writes in flight in this regency (each holds its KUBE row) and hold off new ones until
    # the lock is committed: a report saved "just before" the lock cannot slip in after it.
    list(Group.objects.select_for_update().filter(regency=regency).order_by("pk").values_list("pk", flat=True))
    already = ValidationError({"period": _("%(month)s is already locked.") % {"month": _month_name(month)}})
    if PeriodLock.objects.filter(regency=regency, period=month).exists():
        raise already
    lock = PeriodLock(regency=regency, period=month, locked_by=_user(actor))
    try:
        with transaction.atomic():
            save_checked(lock, exclude=["regency", "locked_by"])
    except IntegrityError:
        raise already from None
    audit_record(actor=actor, action="create", obj=lock, after=snapshot(lock))
    return lock


@transaction.atomic
def period_unlock(*, actor: Any, regency_code: Any, period: Any) -> None:
    """Open a locked month again, so its reports can be corrected."""
    require(actor, "report.lock")
    regency, month = _regency(actor, regency_code), parse_month(period)
    lock = PeriodLock.objects.select_for_update().filter(regency=regency, period=month).first()
    if lock is None:
        raise ValidationError({"period": _("%(month)s is not locked.") % {"month": _month_name(month)}})
    audit_record(actor=actor, action="delete", obj=lock, before=snapshot(lock))
    lock.delete()
