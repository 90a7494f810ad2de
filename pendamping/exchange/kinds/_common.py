"""What the row-by-row kinds share: converting a row field by field, the actor's regencies, a KUBE found by its
code, service errors under the kind's own field names, and taking back a record an import created."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from pendamping.accounts.models import Role
from pendamping.audit.services import audit_record, snapshot
from pendamping.exchange import cells
from pendamping.exchange.kinds.base import Context, RowInvalid
from pendamping.regions.models import Region
from pendamping.registry.models import Group

Errors = list[tuple[str, str]]
_VILLAGE = re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}")
_REGENCY = re.compile(r"[0-9]{2}\.[0-9]{2}")


# --- cells -------------------------------------------------------------------------------------------------


def is_blank(value: Any) -> bool:
    return value is None or cells.is_blank(value)


def convert(
    raw: Mapping[str, Any], parsers: Mapping[str, Callable[[Any], Any]], *, required: Iterable[str] = ()
) -> tuple[dict[str, Any], Errors]:
    """Each field through its parser; a blank optional cell is left out of the row (on an update it leaves the
    record's value as it is). Returns the row and every (field, message) at fault, so one RowInvalid names all."""
    row: dict[str, Any] = {}
    errors: Errors = []
    needed = set(required)
    for name, parse in parsers.items():
        value = raw.get(name)
        if is_blank(value):
            if name in needed:
                errors.append((name, _("A value is required here.")))
            continue
        try:
            row[name] = parse(value)
        except cells.CellError as exc:
            errors.append((name, str(exc)))
    return row, errors


def norm(value: Any) -> str:
    """A name as rows are matched by: lower case, letters and digits only ("KUBE  Maju-Jaya" = "kubemajujaya")."""
    return re.sub(r"[^0-9a-z]", "", str(value).casefold())


def choice_map(choices: Iterable[tuple[str, Any]], words: Mapping[str, str]) -> dict[str, str]:
    """Accepted spelling -> stored value: `words` first (the Indonesian words the template offers come first in
    them: a refusal lists the first few), then the stored values and their labels in Indonesian and English.
    `cells.choice` matches them ignoring case, spaces and punctuation."""
    accepted = dict(words)
    for value, label in choices:
        accepted.setdefault(value, value)
        for language in ("id", "en"):
            with translation.override(language):
                accepted.setdefault(str(label), value)
    return accepted


def pick(value: Any, accepted: Mapping[str, str], *, label: str) -> str:
    return cells.choice(value, accepted, label=label)


def text_not_number(value: Any, *, max_length: int, what: str) -> str:
    """Account and phone numbers lose their leading zeros (and digits past the 15th) as Excel numbers."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise cells.CellError(
            _("%(what)s was typed as a number, so Excel dropped its leading zeros; format the column as Text.")
            % {"what": what}
        )
    return cells.text(value, max_length=max_length)


def village_code(value: Any) -> str:
    """35.78.01.1001, or its ten digits as SIKS-NG exports write them."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if re.fullmatch(r"[0-9]{10}", text):
        text = f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
    if not _VILLAGE.fullmatch(text):
        raise cells.CellError(_("A village code looks like 35.78.01.1001 (found %(v)s).") % {"v": value})
    return text


def regency_code(value: Any) -> str:
    """35.78, or its four digits."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if re.fullmatch(r"[0-9]{4}", text):
        text = f"{text[:2]}.{text[2:]}"
    if not _REGENCY.fullmatch(text):
        raise cells.CellError(_("A regency/city code looks like 35.78 (found %(v)s).") % {"v": value})
    return text


# --- scope -------------------------------------------------------------------------------------------------


def regencies(ctx: Context) -> set[str] | None:
    """The regencies the actor writes in; None = everywhere (admins, the system)."""

    def load() -> set[str] | None:
        actor = ctx.actor
        if actor is None or actor.is_superuser or actor.role == Role.ADMIN:
            return None
        return set(actor.regency_codes)

    return ctx.memo("scope:regencies", load)


def region_name(code: str) -> str:
    return Region.objects.filter(code=code).values_list("name", flat=True).first() or code


def refuse_outside(ctx: Context, regency: str, *, field: str, what: str) -> None:
    """A clear refusal before the service's own ("outside the regencies you work in") for rows of elsewhere."""
    allowed = regencies(ctx)
    if allowed is not None and regency not in allowed:
        raise RowInvalid.one(
            field,
            _("%(what)s is in %(regency)s, outside the regencies you work in.")
            % {"what": what, "regency": region_name(regency)},
        )


def group_by_code(ctx: Context, code: str, *, field: str = "group_code") -> Group:
    """The KUBE with this code, if the actor may write its records (a companion: only the KUBE assigned to them)."""
    group = Group.objects.select_related("desa").filter(code=code).first()
    if group is None:
        raise RowInvalid.one(field, _("No KUBE has the code %(code)s.") % {"code": code})
    actor = ctx.actor
    if actor is not None and not actor.is_superuser and actor.role == Role.COMPANION:
        if not Group.objects.visible_to(actor).filter(pk=group.pk).exists():
            raise RowInvalid.one(field, _("KUBE %(code)s is not assigned to you.") % {"code": code})
        return group
    refuse_outside(ctx, group.regency_id, field=field, what=_("KUBE %(code)s") % {"code": code})
    return group


# --- service errors ----------------------------------------------------------------------------------------


@contextmanager
def service_errors(fields: Mapping[str, str], *, denied: str = "") -> Iterator[None]:
    """A service's ValidationError or PermissionDenied as the row's errors, its field names turned into the kind's
    (`fields`: service name -> kind name; "__all__" and names the kind lacks become the row as a whole; a refusal
    goes under `denied`)."""
    try:
        yield
    except PermissionDenied as exc:
        raise RowInvalid.one(denied, str(exc) or _("Your role may not do this.")) from None
    except ValidationError as exc:
        raise RowInvalid([(fields.get(name, ""), message) for name, message in _pairs(exc)]) from None


def _pairs(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(name, str(m)) for name, errs in exc.error_dict.items() for e in errs for m in e]
    return [("", str(m)) for m in exc.messages]


# --- undo --------------------------------------------------------------------------------------------------


def dependents(obj: models.Model, *, owned: Iterable[str] = ()) -> list[str]:
    """What now refers to `obj` (reverse relations with rows), except `owned` ones that go with it."""
    skip = set(owned)
    found = []
    for rel in obj._meta.related_objects:
        if rel.get_accessor_name() in skip:
            continue
        related = rel.related_model._base_manager.filter(**{rel.field.name: obj.pk})
        if related.exists():
            found.append(str(rel.related_model._meta.verbose_name_plural))
    return found


def refuse_dependents(obj: models.Model, *, what: str, owned: Iterable[str] = ()) -> None:
    used = dependents(obj, owned=owned)
    if used:
        raise ValidationError(
            _("%(what)s cannot be taken back: other records refer to it (%(by)s).")
            % {"what": what, "by": ", ".join(used)}
        )


def remove_created(*, actor: Any, obj: models.Model, what: str, owned: Iterable[str] = ()) -> None:
    """Delete a record an import created, for its undo, unless something has come to depend on it since. The
    caller has checked the permission and the scope, as the app's services do."""
    refuse_dependents(obj, what=what, owned=owned)
    audit_record(actor=actor, action="delete", obj=obj, before=snapshot(obj))
    obj.delete()


def plain(value: Any) -> Any:
    """A field value as JSON keeps it (dates as ISO text, foreign keys as ids)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value
