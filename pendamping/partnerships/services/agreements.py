"""Writes of agreements (perjanjian kerja sama): a partner's commitments to KUBE of one regency."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require, require_regency
from pendamping.audit.services import audit_record, snapshot
from pendamping.core.concurrency import check_version
from pendamping.partnerships.models import Activity, Agreement, Partner
from pendamping.partnerships.services._common import pk_of, raise_if, regency
from pendamping.registry.models import Group
from pendamping.registry.services._common import rupiah, save_checked

# The recording user may be the system (None); the model does not mark it blank, so full_clean must skip it.
UNCHECKED = ["created_by"]
FIELDS = ("title", "scopes", "start_on", "end_on", "value", "document_ref")


def _record(agreement: Agreement) -> dict[str, Any]:
    """The agreement's fields and the KUBE it covers, for the audit trail."""
    return {**snapshot(agreement), "groups": sorted(agreement.groups.values_list("pk", flat=True))}


def _scopes(value: Any) -> list[str]:
    scopes = [str(s) for s in ([value] if isinstance(value, str) else list(value or []))]
    unknown = [s for s in scopes if s not in Agreement.SCOPES]
    if unknown:
        raise ValidationError(
            _("Unknown scope: %(s)s (choose from %(known)s).")
            % {"s": ", ".join(unknown), "known": ", ".join(Agreement.SCOPES)}
        )
    if not scopes:
        raise ValidationError(_("Choose at least one scope (capital, marketing, training, supply, mentoring)."))
    return scopes


def _value(value: Any) -> int | None:
    """Rupiah if the agreement has a value; blank or zero: it has none (mentoring, a training)."""
    if value is None or str(value).strip() == "":
        return None
    return rupiah(value, field="value") or None


def _apply_terms(agreement: Agreement, data: dict[str, Any], errors: dict[str, Any]) -> None:
    """Scopes and value, each refused on its own field."""
    if "scopes" in data:
        try:
            chosen = _scopes(data["scopes"])
        except ValidationError as exc:
            errors["scopes"] = exc.messages
        else:
            for name in Agreement.SCOPES:
                setattr(agreement, f"scope_{name}", name in chosen)
    if "value" in data:
        try:
            agreement.value = _value(data["value"])
        except ValidationError as exc:
            errors["value"] = exc.message_dict["value"]


def _apply(agreement: Agreement, data: dict[str, Any]) -> None:
    errors: dict[str, Any] = {}
    if "title" in data:
        agreement.title = " ".join(str(data["title"] or "").split())
        if not agreement.title:
            errors["title"] = _("Give the agreement a title.")
    _apply_terms(agreement, data, errors)
    for key in ("start_on", "end_on"):
        if key in data:
            setattr(agreement, key, data[key])
    if "document_ref" in data:
        agreement.document_ref = str(data["document_ref"] or "").strip()
    start, end = agreement.start_on, agreement.end_on
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        errors["end_on"] = _("The agreement cannot end before it starts.")
    raise_if(errors)


def _check_partner(actor: Any, partner: Partner, regency_code: str) -> None:
    if actor is not None and not Partner.objects.visible_to(actor).filter(pk=partner.pk).exists():
        raise ValidationError({"partner": _("No such partner (or not in your area).")})
    if partner.regency_id not in (None, regency_code):
        raise ValidationError(
            {
                "partner": _(
                    "%(partner)s is a partner of another regency; choose one of this regency or a province-wide one."
                )
                % {"partner": partner.name}
            }
        )


def _covered(actor: Any, agreement: Agreement, groups: Iterable[Any]) -> list[Group]:
    """The KUBE an agreement may cover: seen by the actor, in the agreement's regency, at least one."""
    ids = {int(pk_of(g)) for g in groups}
    if not ids:
        raise ValidationError({"groups": _("Choose at least one KUBE covered by the agreement.")})
    visible = Group.objects.visible_to(actor) if actor is not None else Group.objects.all()
    found = list(visible.filter(pk__in=ids).select_related("regency"))
    if len(found) != len(ids):
        raise ValidationError({"groups": _("No such KUBE (or not in your area).")})
    outside = sorted(g.name for g in found if g.regency_id != agreement.regency_id)
    if outside:
        raise ValidationError(
            {
                "groups": _("%(names)s: not in %(regency)s; an agreement covers KUBE of its own regency only.")
                % {"names": ", ".join(outside), "regency": agreement.regency.name}
            }
        )
    return found


def _set_groups(actor: Any, agreement: Agreement, groups: Iterable[Any]) -> None:
    chosen = _covered(actor, agreement, groups)
    keep = {g.pk for g in chosen}
    orphaned = Activity.objects.filter(agreement=agreement, group__isnull=False).exclude(group_id__in=keep)
    names = sorted(set(orphaned.values_list("group__name", flat=True)))
    if names:
        raise ValidationError(
            {
                "groups": _(
                    "Activities are recorded for %(names)s under this agreement; delete them before removing the KUBE."
                )
                % {"names": ", ".join(names)}
            }
        )
    agreement.groups.set(chosen)


@transaction.atomic
def agreement_create(
    *,
    actor: Any,
    partner: Partner,
    regency_code: str,
    title: str,
    groups: Iterable[Any],
    scopes: list[str],
    start_on: dt.date,
    end_on: dt.date,
    value: Any = None,
    document_ref: str = "",
) -> Agreement:
    """An agreement of a partner (of this regency, or province-wide) with KUBE of one regency."""
    require(actor, "partnership.change")
    region = regency(regency_code)
    require_regency(actor, region.code, field="regency")
    _check_partner(actor, partner, region.code)
    agreement = Agreement(partner=partner, regency=region, created_by=actor if getattr(actor, "pk", None) else None)
    data = {"title": title, "scopes": scopes, "start_on": start_on, "end_on": end_on, "value": value}
    _apply(agreement, {**data, "document_ref": document_ref})
    save_checked(agreement, exclude=UNCHECKED)
    _set_groups(actor, agreement, groups)
    audit_record(actor=actor, action="create", obj=agreement, after=_record(agreement))
    return agreement


def _locked(actor: Any, agreement: Agreement, version: int | None) -> Agreement:
    agreement = Agreement.objects.select_for_update(of=("self",)).select_related("regency").get(pk=agreement.pk)
    require_regency(actor, agreement.regency_id, field="regency")
    check_version(agreement, version)
    return agreement


def _refuse_late_start(agreement: Agreement) -> None:
    first = agreement.activities.order_by("on").values_list("on", flat=True).first()
    if first is not None and agreement.start_on > first:
        raise ValidationError(
            {
                "start_on": _("An activity is recorded on %(date)s; the agreement cannot start after it.")
                % {"date": first.isoformat()}
            }
        )


@transaction.atomic
def agreement_update(*, actor: Any, agreement: Agreement, version: int | None = None, **data: Any) -> Agreement:
    """Change an agreement's terms (and, with `groups`, the KUBE it covers). Its partner and regency stay."""
    require(actor, "partnership.change")
    agreement = _locked(actor, agreement, version)
    before = _record(agreement)
    _apply(agreement, {key: data[key] for key in FIELDS if key in data})
    _refuse_late_start(agreement)
    agreement.version += 1
    save_checked(agreement, exclude=UNCHECKED)
    if "groups" in data:
        _set_groups(actor, agreement, data["groups"])
    audit_record(actor=actor, action="update", obj=agreement, before=before, after=_record(agreement))
    return agreement


@transaction.atomic
def agreement_set_groups(
    *, actor: Any, agreement: Agreement, groups: Iterable[Any], version: int | None = None
) -> Agreement:
    """Replace the KUBE an agreement covers; a KUBE with activities recorded under it cannot be dropped."""
    require(actor, "partnership.change")
    agreement = _locked(actor, agreement, version)
    before = _record(agreement)
    _set_groups(actor, agreement, groups)
    agreement.version += 1
    agreement.save(update_fields=["version"])
    audit_record(actor=actor, action="update", obj=agreement, before=before, after=_record(agreement))
    return agreement
