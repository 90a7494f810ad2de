"""Reads of the possible duplicates: the scoped list (with the two records' names, each fetched through its own
model's scope), one flag, and the side-by-side comparison of its two records.

A record that was deleted since, or that lies outside the user's scope (a KK shared across two regencies), shows
as "not available": the comparison never reveals a row the user could not open on its own page."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pendamping.companions.models import Companion
from pendamping.core.nik import mask_number
from pendamping.exchange.models import PossibleDuplicate
from pendamping.exchange.services.merge import family_references
from pendamping.registry.models import Family

REASONS = PossibleDuplicate.Reason
STATUSES = PossibleDuplicate.Status
REASON_CHOICES: list[tuple[str, Any]] = [("", _("any")), *PossibleDuplicate.Reason.choices]
STATUS_CHOICES: list[tuple[str, Any]] = [*PossibleDuplicate.Status.choices, ("all", _("any"))]
FAMILY_REASONS = (REASONS.SAME_KK_SIMILAR_NAME, REASONS.SAME_NAME_BIRTH_DESA)


@dataclass(frozen=True)
class DuplicateFilters:
    """`status` defaults to the open flags; "all" shows every status. Anything unknown is ignored."""

    reason: str = ""
    status: str = STATUSES.OPEN

    @classmethod
    def from_params(cls, params: Any) -> "DuplicateFilters":
        reason = str(params.get("reason", "") or "").strip()
        status = str(params.get("status", "") or "").strip() or STATUSES.OPEN
        return cls(
            reason=reason if reason in REASONS.values else "",
            status=status if status in [*STATUSES.values, "all"] else STATUSES.OPEN,
        )


def _name_of(model: Any, user: Any, key: str, name: str) -> Subquery:
    return Subquery(model.objects.visible_to(user).filter(pk=OuterRef(key)).values(name)[:1])


def duplicate_list(*, user: Any, filters: DuplicateFilters) -> QuerySet[PossibleDuplicate]:
    """The flags in the user's regencies, each with `first_name` and `second_name` (None: not available to the
    user), newest first."""
    qs = PossibleDuplicate.objects.visible_to(user).select_related("regency", "decided_by")
    if filters.reason:
        qs = qs.filter(reason=filters.reason)
    if filters.status != "all":
        qs = qs.filter(status=filters.status)
    qs = qs.annotate(
        first_family=_name_of(Family, user, "first_id", "head_name"),
        first_companion=_name_of(Companion, user, "first_id", "name"),
        second_family=_name_of(Family, user, "second_id", "head_name"),
    )
    return qs.order_by("-created_at", "-id")


def first_name(flag: Any) -> str | None:
    """The first record's name from duplicate_list's annotations: a companion's for companion_member flags."""
    return flag.first_companion if flag.reason == REASONS.COMPANION_IS_MEMBER else flag.first_family


def duplicate_get(*, user: Any, pk: Any) -> PossibleDuplicate:
    """Raises PossibleDuplicate.DoesNotExist when absent or outside the user's regencies (a 404 either way)."""
    return PossibleDuplicate.objects.visible_to(user).select_related("regency", "decided_by").get(pk=pk)


# --- the comparison ---------------------------------------------------------------------------------------------

FIELDS: list[tuple[str, Promise]] = [
    ("name", _("Name")),
    ("nik", _("NIK")),
    ("kk_number", _("KK number")),
    ("sex", _("Sex")),
    ("birth_date", _("Birth date")),
    ("village", _("Village")),
    ("address", _("Address")),
    ("rt_rw", _("RT / RW")),
    ("household_size", _("Household size")),
    ("monthly_income", _("Monthly income (Rp)")),
    ("dtks_id", _("DTKS/DTSEN id")),
    ("welfare_decile", _("Welfare decile")),
    ("status", _("Status")),
    ("kube", _("KUBE now")),
    ("linked", _("Linked records")),
    ("created_at", _("Registered")),
]
# A companion and a family are compared on who the person is, not on household facts a companion has none of.
PERSON_FIELDS = {"name", "nik", "sex", "birth_date", "village"}


@dataclass
class Side:
    kind: str  # "family" or "companion"
    pk: int
    obj: Any = None  # None: deleted since, or outside the user's scope
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        return self.obj is not None


@dataclass(frozen=True)
class Row:
    key: str
    label: Any
    left: str
    right: str
    differs: bool


@dataclass
class Comparison:
    left: Side
    right: Side
    rows: list[Row]

    @property
    def differing(self) -> list[str]:
        return [row.key for row in self.rows if row.differs]


def _family_values(family: Family, *, unmasked: bool) -> dict[str, Any]:
    current = family.memberships.filter(left_on__isnull=True).select_related("group").first()
    linked = [
        f"{ref.model._meta.verbose_name_plural}: {n}"
        for ref in family_references()
        if (n := ref.model._base_manager.filter(**{ref.field.name: family}).count())
    ]
    return {
        "name": family.head_name,
        "nik": family.nik if unmasked else mask_number(family.nik),
        "kk_number": family.kk_number if unmasked else mask_number(family.kk_number),
        "sex": family.get_sex_display(),
        "birth_date": family.birth_date,
        "village": f"{family.desa.name} ({family.desa_id})",
        "address": family.address,
        "rt_rw": f"{family.rt} / {family.rw}" if family.rt or family.rw else "",
        "household_size": family.household_size,
        "monthly_income": family.monthly_income,
        "dtks_id": family.dtks_id,
        "welfare_decile": family.welfare_decile,
        "status": family.get_status_display(),
        "kube": f"{current.group.name} ({current.group.code})" if current else "",
        "linked": "; ".join(linked),
        "created_at": family.created_at,
    }


def _companion_values(companion: Companion, *, unmasked: bool) -> dict[str, Any]:
    groups = companion.assignments.filter(ended_on__isnull=True).select_related("group").order_by("group__name")
    return {
        "name": companion.name,
        "nik": companion.nik if unmasked else mask_number(companion.nik),
        "sex": companion.get_sex_display(),
        "birth_date": companion.birth_date,
        "village": f"{companion.home_desa.name} ({companion.home_desa_id})",
        "status": companion.get_status_display(),
        "kube": "; ".join(f"{a.group.name} ({a.group.code})" for a in groups),
        "created_at": companion.created_at,
    }


def _side(kind: str, pk: int, *, user: Any, unmasked: bool) -> Side:
    model: Any = Companion if kind == "companion" else Family
    related = "home_desa" if kind == "companion" else "desa"
    obj = model.objects.visible_to(user).select_related(related).filter(pk=pk).first()
    if obj is None:
        return Side(kind, pk)
    values = _companion_values if kind == "companion" else _family_values
    return Side(kind, pk, obj, values(obj, unmasked=unmasked))


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        return str(formats.date_format(value, "DATETIME_FORMAT"))
    if isinstance(value, dt.date):
        return str(formats.date_format(value, "DATE_FORMAT"))
    if isinstance(value, int):
        return str(formats.number_format(value, force_grouping=True))
    return str(value)


def duplicate_comparison(*, user: Any, flag: PossibleDuplicate, unmasked: bool) -> Comparison:
    """The flag's two records side by side; a row `differs` when both records have the field and it differs."""
    companion = flag.reason == REASONS.COMPANION_IS_MEMBER
    left = _side("companion" if companion else "family", flag.first_id, user=user, unmasked=unmasked)
    right = _side("family", flag.second_id, user=user, unmasked=unmasked)
    both = left.available and right.available
    rows = []
    for key, label in FIELDS:
        if companion and key not in PERSON_FIELDS | {"status", "kube"}:
            continue
        a, b = left.values.get(key), right.values.get(key)
        comparable = both and (not companion or key in PERSON_FIELDS) and key not in ("created_at", "linked")
        rows.append(Row(key, label, _text(a), _text(b), comparable and a != b))
    return Comparison(left, right, rows)


def visible_records(comparison: Comparison) -> list[Any]:
    return [side.obj for side in (comparison.left, comparison.right) if side.available]
