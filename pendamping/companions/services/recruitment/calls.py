"""Writes of recruitment calls (lowongan), their quotas per regency and their screening criteria. A provincial
admin's work (recruitment.manage). A call moves draft → open → screening → decided, one step at a time, and
never back: once decided, its results stand."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require
from pendamping.audit.services import audit_record, snapshot
from pendamping.companions.models import Application, Call, CallQuota, Criterion
from pendamping.companions.services.recruitment import rules
from pendamping.companions.services.recruitment.screening import rerank, rescore_criterion
from pendamping.core.concurrency import check_version
from pendamping.regions.models import Region
from pendamping.registry.services._common import save_checked

Status = Call.Status
NEXT = {Status.DRAFT: Status.OPEN, Status.OPEN: Status.SCREENING, Status.SCREENING: Status.DECIDED}
EDITABLE_CRITERIA = (Status.DRAFT, Status.OPEN)
MAX_QUOTA = 999
MAX_WEIGHT = Decimal("1000")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _text(value: Any, *, field: str, limit: int, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": limit}})
    return text


def _quota_number(code: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUOTA:
        raise ValidationError(
            {
                "quotas": _("The quota for %(code)s must be a whole number from 1 to %(max)d.")
                % {"code": code, "max": MAX_QUOTA}
            }
        )
    return value


def clean_quotas(quotas: Any) -> dict[str, int]:
    """{regency code: number of companions}; every code a regency or city of the region table."""
    if not isinstance(quotas, dict) or not quotas:
        raise ValidationError({"quotas": _("Give the quota of at least one regency or city.")})
    codes = [str(code).strip() for code in quotas]
    known = set(Region.objects.filter(code__in=codes, level=Region.Level.REGENCY).values_list("code", flat=True))
    if unknown := [code for code in codes if code not in known]:
        raise ValidationError({"quotas": _("Unknown regency or city: %(codes)s") % {"codes": ", ".join(unknown)}})
    return {str(code).strip(): _quota_number(str(code), value) for code, value in quotas.items()}


def _dates(opens_on: dt.date, closes_on: dt.date) -> None:
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The closing date is before the opening date.")})


def _quotas_snapshot(call: Call) -> dict[str, int]:
    return {q.regency_id: q.quota for q in call.quotas.order_by("regency_id")}


def _set_quotas(call: Call, quotas: dict[str, int]) -> None:
    """Replace the call's quotas; a regency that has applications stays, and a quota never drops below the
    applicants already accepted there."""
    counts = list(Application.objects.filter(call=call).values_list("regency_id", "status"))
    applied = {code for code, _status in counts}
    if dropped := sorted(applied - set(quotas)):
        raise ValidationError(
            {
                "quotas": _("%(codes)s already have applications; their quota cannot be removed.")
                % {"codes": ", ".join(dropped)}
            }
        )
    for code, quota in quotas.items():
        accepted = sum(1 for c, status in counts if c == code and status == Application.Status.ACCEPTED)
        if quota < accepted:
            raise ValidationError(
                {
                    "quotas": _("%(n)d applicants are already accepted in %(code)s; the quota cannot be lower.")
                    % {"n": accepted, "code": code}
                }
            )
    call.quotas.exclude(regency_id__in=list(quotas)).delete()
    for code, quota in quotas.items():
        CallQuota.objects.update_or_create(call=call, regency_id=code, defaults={"quota": quota})


def _criterion_values(kind: Any, weight: Any, label: Any, params: Any) -> tuple[str, Decimal, str, dict[str, Any]]:
    if kind not in Criterion.Kind.values:
        raise ValidationError({"kind": _("Choose one of the criteria.")})
    message = _("The weight must be a number above 0 and at most %(max)s.") % {"max": MAX_WEIGHT}
    value = rules.decimal_in(weight, field="weight", low=Decimal(0), high=MAX_WEIGHT, message=message)
    if value <= 0:
        raise ValidationError({"weight": message})
    text = _text(label, field="label", limit=120) or str(Criterion.Kind(kind).label)
    return str(kind), value, text, rules.clean_params(kind, params)


def _criteria_create(actor: Any, call: Call, criteria: list[dict[str, Any]] | None) -> None:
    specs = criteria if criteria is not None else [{"kind": k, "weight": w} for k, w in rules.DEFAULT_CRITERIA]
    for position, spec in enumerate(specs):
        if not isinstance(spec, dict):
            raise ValidationError({"criteria": _("Each criterion needs a kind and a weight.")})
        kind, weight, label, params = _criterion_values(
            spec.get("kind"), spec.get("weight"), spec.get("label", ""), spec.get("params")
        )
        if kind != Criterion.Kind.OTHER and call.criteria.filter(kind=kind).exists():
            raise ValidationError({"criteria": _("Each kind of criterion may appear once (except “other”).")})
        criterion = Criterion(call=call, kind=kind, weight=weight, label=label, params=params, position=position)
        save_checked(criterion, exclude=["call"])
        audit_record(actor=actor, action="create", obj=criterion, after=snapshot(criterion))


@transaction.atomic
def call_create(
    *,
    actor: Any,
    title: str,
    opens_on: dt.date,
    closes_on: dt.date,
    quotas: dict[str, int],
    description: str = "",
    criteria: list[dict[str, Any]] | None = None,
) -> Call:
    """A draft call. Without `criteria` it gets the default set (rules.DEFAULT_CRITERIA); each criterion is
    {"kind", "weight", "label"?, "params"?}."""
    require(actor, "recruitment.manage")
    _dates(opens_on, closes_on)
    clean = clean_quotas(quotas)
    call = Call(
        title=_text(title, field="title", limit=200, required=True),
        description=_text(description, field="description", limit=5000),
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=_user(actor),
    )
    save_checked(call, exclude=["created_by"])
    _set_quotas(call, clean)
    audit_record(actor=actor, action="create", obj=call, after={**snapshot(call), "quotas": clean})
    _criteria_create(actor, call, criteria)
    return call


def _locked(call: Call) -> Call:
    return Call.objects.select_for_update().get(pk=call.pk)


@transaction.atomic
def call_update(
    *,
    actor: Any,
    call: Call,
    version: int | None = None,
    title: str | None = None,
    description: str | None = None,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    quotas: dict[str, int] | None = None,
) -> Call:
    """Change what is given (None: leave as is). A decided call is final."""
    require(actor, "recruitment.manage")
    call = _locked(call)
    check_version(call, version)
    if call.status == Status.DECIDED:
        raise ValidationError(_("This call is decided; it can no longer be changed."))
    before = {**snapshot(call), "quotas": _quotas_snapshot(call)}
    if title is not None:
        call.title = _text(title, field="title", limit=200, required=True)
    if description is not None:
        call.description = _text(description, field="description", limit=5000)
    call.opens_on, call.closes_on = opens_on or call.opens_on, closes_on or call.closes_on
    _dates(call.opens_on, call.closes_on)
    if quotas is not None:
        _set_quotas(call, clean_quotas(quotas))
    call.version += 1
    save_checked(call, exclude=["created_by"])
    audit_record(
        actor=actor,
        action="update",
        obj=call,
        before=before,
        after={**snapshot(call), "quotas": _quotas_snapshot(call)},
    )
    if opens_on or closes_on:  # the age band is read on the closing date
        for criterion in call.criteria.filter(kind=Criterion.Kind.AGE):
            rescore_criterion(criterion)
        rerank(call)
    return call


def _refuse_step(call: Call, status: str) -> None:
    if call.status == Status.DECIDED:
        raise ValidationError({"status": _("This call is decided; it cannot be reopened.")})
    if NEXT.get(Status(call.status)) != status:
        raise ValidationError(
            {
                "status": _("A call moves from %(now)s only to %(next)s.")
                % {"now": call.get_status_display(), "next": NEXT[Status(call.status)].label}
            }
        )
    if status == Status.OPEN and not call.criteria.exists():
        raise ValidationError({"status": _("Give the call at least one screening criterion before opening it.")})
    if status == Status.OPEN and call.closes_on < timezone.localdate():
        raise ValidationError({"status": _("The closing date has passed; change the dates before opening the call.")})
    pending = call.applications.filter(status=Application.Status.SUBMITTED).count()
    if status == Status.DECIDED and pending:
        raise ValidationError({"status": _("%(n)d applications still await a decision.") % {"n": pending}})


@transaction.atomic
def call_set_status(*, actor: Any, call: Call, status: str, version: int | None = None) -> Call:
    """The next step of the call. Moving to screening closes the applications (even before the closing date)
    and ranks them; moving to decided needs a decision on every application."""
    require(actor, "recruitment.manage")
    call = _locked(call)
    check_version(call, version)
    _refuse_step(call, status)
    before = snapshot(call)
    call.status = status
    call.version += 1
    save_checked(call, exclude=["created_by"])
    audit_record(actor=actor, action="update", obj=call, before=before, after=snapshot(call))
    if status == Status.SCREENING:
        rerank(call)
    return call


def _editable(call: Call) -> Call:
    call = _locked(call)
    if call.status not in EDITABLE_CRITERIA:
        raise ValidationError(_("The criteria can only be changed before screening starts."))
    return call


def _criterion_target(call: Call, kind: str, criterion: Criterion | None) -> Criterion | None:
    """The row to change: the one given (it must be the call's, of the same kind), or the call's criterion of
    that kind (kinds other than "other" appear once), or None for a new one."""
    if criterion is not None:
        found = call.criteria.filter(pk=criterion.pk).first()
        if found is None:
            raise ValidationError({"criterion": _("This criterion belongs to another call.")})
        if found.kind != kind:
            raise ValidationError({"kind": _("The kind of a criterion cannot change; add a new one instead.")})
        return found
    return None if kind == Criterion.Kind.OTHER else call.criteria.filter(kind=kind).first()


@transaction.atomic
def criterion_set(
    *,
    actor: Any,
    call: Call,
    kind: str,
    weight: Any,
    label: str = "",
    params: dict[str, Any] | None = None,
    criterion: Criterion | None = None,
) -> Criterion:
    """Add a criterion to the call or change one (the one given, or the call's of that kind). Automatic scores
    are recomputed and the applications re-ranked."""
    require(actor, "recruitment.manage")
    call = _editable(call)
    kind, value, text, clean = _criterion_values(kind, weight, label, params)
    target = _criterion_target(call, kind, criterion)
    before = snapshot(target) if target is not None else None
    if target is None:
        position = (call.criteria.aggregate(m=Max("position"))["m"] or 0) + 1
        target = Criterion(call=call, kind=kind, position=position)
    target.weight, target.label, target.params = value, text, clean
    save_checked(target, exclude=["call"])
    action = "create" if before is None else "update"
    audit_record(actor=actor, action=action, obj=target, before=before, after=snapshot(target))
    if target.is_automatic:
        rescore_criterion(target)
    rerank(call)
    return target


@transaction.atomic
def criterion_delete(*, actor: Any, criterion: Criterion) -> None:
    """Remove a criterion with its scores (the panel's too), before screening starts."""
    require(actor, "recruitment.manage")
    call = _editable(criterion.call)
    criterion = call.criteria.get(pk=criterion.pk)
    before = snapshot(criterion)
    audit_record(actor=actor, action="delete", obj=criterion, before=before)
    criterion.delete()
    rerank(call)
