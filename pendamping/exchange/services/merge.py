"""Merging two families a reviewer has confirmed are one: every row that points at the family removed (memberships,
welfare records, and whatever app adds a foreign key to Family later: found through the model's relations, not
listed by hand) moves to the family kept, in one transaction, unless moving would break a rule; blank fields of the
kept family are filled from the other; the other is deleted; everything is on the audit trail.

A companion flagged as a member of their own KUBE is never "merged" (a companion and a family are different
records): that flag is dismissed or resolved (duplicates.py)."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, UniqueConstraint
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require, require_regency
from pendamping.audit.services import audit_record, snapshot
from pendamping.exchange.models import PossibleDuplicate
from pendamping.exchange.services.duplicates import Reason, decide, lock_open
from pendamping.registry.models import Family, Membership

FILLABLE = ("address", "rt", "rw", "dtks_id")  # text a second registration may have that the first lacks
FAMILY_REASONS = (Reason.SAME_KK_SIMILAR_NAME, Reason.SAME_NAME_BIRTH_DESA)


@dataclass(frozen=True)
class Reference:
    """A foreign key to Family on some model (a many-to-many's through table counts as one)."""

    model: type[models.Model]
    field: Any  # the ForeignKey


def family_references() -> list[Reference]:
    """Every foreign key to Family, read from the model's relations: a new app's reference is merged too."""
    refs: list[Reference] = []
    for rel in Family._meta.related_objects:
        if rel.many_to_many:
            through: Any = rel.through  # type: ignore[attr-defined]
            fks = [f for f in through._meta.concrete_fields if f.is_relation and f.related_model is Family]
            refs += [Reference(through, fk) for fk in fks]
        else:
            refs.append(Reference(rel.related_model, rel.field))
    return refs


def _rules(ref: Reference) -> list[tuple[str, list[str], Q | None]]:
    """The uniqueness rules of the referencing model that involve the foreign key: (name, other fields, condition)."""
    name, meta = ref.field.name, ref.model._meta
    rules = [
        (c.name, [f for f in c.fields if f != name], c.condition)
        for c in meta.constraints
        if isinstance(c, UniqueConstraint) and name in c.fields
    ]
    together = [fields for fields in meta.unique_together if name in fields]
    rules += [("unique_together", [f for f in fields if f != name], None) for fields in together]
    if ref.field.unique:
        rules.append((f"{meta.model_name}.{name}", [], None))
    return rules


def _values(ref: Reference, family: Family, fields: list[str], condition: Q | None) -> set[tuple[Any, ...]]:
    qs = ref.model._base_manager.filter(**{ref.field.name: family})
    if condition is not None:
        qs = qs.filter(condition)
    if not fields:
        return {()} if qs.exists() else set()
    return set(qs.values_list(*fields))


def _refuse_clashes(ref: Reference, keep: Family, other: Family) -> None:
    """Moving the other's rows must not give the kept family two rows where one is allowed; say which rule."""
    meta: Any = ref.model._meta
    for rule, fields, condition in _rules(ref):
        clash = _values(ref, keep, fields, condition) & _values(ref, other, fields, condition)
        if clash:
            labels = ", ".join(str(meta.get_field(f).verbose_name) for f in fields) or str(ref.field.verbose_name)
            raise ValidationError(
                _(
                    "Both families have a %(what)s with the same %(fields)s (%(values)s), which may exist only once "
                    "(rule %(rule)s): remove or change one of them first."
                )
                % {
                    "what": meta.verbose_name,
                    "fields": labels,
                    "values": ", ".join(str(v) for v in sorted(clash, key=str)[0]) or "—",
                    "rule": rule,
                }
            )


def _refuse_kube_conflicts(keep: Family, other: Family) -> None:
    current = {
        m.family_id: m
        for m in Membership.objects.filter(left_on__isnull=True, family__in=[keep, other]).select_related("group")
    }
    if keep.pk in current and other.pk in current:
        raise ValidationError(
            _("Both families are current members of a KUBE (%(a)s and %(b)s): end one membership first, then merge.")
            % {"a": current[keep.pk].group.name, "b": current[other.pk].group.name}
        )
    moving = current.get(other.pk)
    if moving is not None and moving.group.desa_id != keep.desa_id:
        raise ValidationError(
            _(
                "The family removed is a current member of KUBE %(kube)s, whose members must live in its village, "
                "but the family kept lives elsewhere: keep the other record, or end that membership first."
            )
            % {"kube": moving.group.name}
        )


def _move(actor: Any, ref: Reference, keep: Family, other: Family) -> int:
    qs = ref.model._base_manager.filter(**{ref.field.name: other})
    attname = ref.field.attname
    rows = list(qs)
    for row in rows:
        audit_record(actor=actor, action="update", obj=row, before={attname: other.pk}, after={attname: keep.pk})
    qs.update(**{ref.field.name: keep})
    return len(rows)


def _fill_blanks(keep: Family, other: Family) -> list[str]:
    filled = [name for name in FILLABLE if not getattr(keep, name) and getattr(other, name)]
    for name in filled:
        setattr(keep, name, getattr(other, name))
    if keep.welfare_decile is None and other.welfare_decile is not None:
        keep.welfare_decile, keep.decile_as_of = other.welfare_decile, other.decile_as_of
        filled += ["welfare_decile", "decile_as_of"]
    return filled


def _pair(flag: PossibleDuplicate, keep_id: int) -> tuple[Family, Family]:
    if flag.reason not in FAMILY_REASONS:
        raise ValidationError(
            _("A companion and a family are different records: dismiss this flag, or resolve it once fixed.")
        )
    if keep_id not in (flag.first_id, flag.second_id):
        message = _("Keep one of the two families of this flag: %(a)s or %(b)s.")
        raise ValidationError({"keep_id": message % {"a": flag.first_id, "b": flag.second_id}})
    families = {f.pk: f for f in Family.objects.select_for_update().filter(pk__in=[flag.first_id, flag.second_id])}
    if len(families) < 2:
        raise ValidationError(_("One of the two families no longer exists: dismiss this flag."))
    other_id = flag.second_id if keep_id == flag.first_id else flag.first_id
    return families[keep_id], families[other_id]


def _close_flags_naming(actor: Any, flag: PossibleDuplicate, removed: int, keep: int) -> None:
    """Other open flags about the family removed name a record that is gone: closed as merged."""
    naming = Q(reason__in=FAMILY_REASONS) & (Q(first_id=removed) | Q(second_id=removed))
    naming |= Q(reason=Reason.COMPANION_IS_MEMBER, second_id=removed)
    note = _("Family %(removed)s was merged into family %(keep)s (flag %(flag)s).")
    note %= {"removed": removed, "keep": keep, "flag": flag.pk}
    for other in PossibleDuplicate.objects.select_for_update().open().filter(naming).exclude(pk=flag.pk):
        decide(actor=actor, flag=other, status=PossibleDuplicate.Status.MERGED, note=note)


@transaction.atomic
def duplicate_merge(*, actor: Any, duplicate: PossibleDuplicate, keep_id: int) -> Family:
    """Keep family `keep_id`, fold the flag's other family into it and delete that one. Returns the family kept."""
    require(actor, "duplicate.review")
    flag = lock_open(actor=actor, duplicate=duplicate)
    keep, other = _pair(flag, int(keep_id))
    require_regency(actor, keep.regency_id, field="keep_id")
    require_regency(actor, other.regency_id, field="keep_id")
    _refuse_kube_conflicts(keep, other)
    refs = family_references()
    for ref in refs:
        _refuse_clashes(ref, keep, other)
    before = snapshot(keep)
    moved = sum(_move(actor, ref, keep, other) for ref in refs)
    filled = _fill_blanks(keep, other)
    keep.version += 1
    # The filled values come from a record that passed the same validation when it was saved.
    keep.save(update_fields=[*filled, "version", "updated_at"])
    after = {**snapshot(keep), "merged_family": other.pk, "rows_moved": moved}
    audit_record(actor=actor, action="update", obj=keep, before=before, after=after)
    audit_record(actor=actor, action="delete", obj=other, before=snapshot(other))
    removed = other.pk
    other.delete()
    note = _("Kept family %(keep)s; family %(removed)s merged into it.") % {"keep": keep.pk, "removed": removed}
    decide(actor=actor, flag=flag, status=PossibleDuplicate.Status.MERGED, note=note)
    _close_flags_naming(actor, flag, removed, keep.pk)
    return keep
