"""Possible duplicates that no unique key catches, found by rules a person then confirms or dismisses:

- kk_name: two families with the same KK number whose heads' names are similar (one household registered twice
  under two NIKs, one of them mistyped, with the name typed two ways);
- name_birth: two families of the same desa whose heads share a birth date and, titles and punctuation dropped,
  their name;
- companion_member: a companion who heads a family that is a current member of a KUBE the companion accompanies
  now (the same NIK, or the same birth date and a similar name).

The scan is set-based: the database groups the families that share a KK number or a (desa, birth date), and only
those groups (mostly pairs) are compared in Python, so an import of a million families costs two sorted passes,
not a million squared comparisons. A pair is flagged once: a dismissed pair stays dismissed whatever later scans
find. Dismissing or resolving a flag lives here; merging two families in merge.py."""

import datetime as dt
import difflib
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Window
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.accounts.guards import require, require_regency
from pendamping.audit.services import audit_record, snapshot
from pendamping.companions.models import Assignment
from pendamping.core.concurrency import StaleRecord
from pendamping.core.nik import mask_number
from pendamping.exchange.models import ImportBatch, PossibleDuplicate
from pendamping.registry.models import Family

T = TypeVar("T")
Reason = PossibleDuplicate.Reason
SIMILAR = 0.8  # difflib ratio of the normalised names from which two names count as the same name typed twice
BIG_GROUP = 50  # a KK number shared by more families is a placeholder, not a household: exact names only there
FULL_SCAN_ABOVE = 20_000  # more ids than this: one sorted pass over all families beats looking each id's key up
CHUNK = 500  # ids or keys per query (SQLite allows 32,766 parameters; PostgreSQL plans short lists better)

# Words that are not part of a person's name: honorifics, the hajj, forms of address and academic degrees (the
# dots are gone by the time they are compared: "Hj." -> "hj", "S.Pd." -> "spd"). Not "st": "St." is often Siti.
_TITLE_WORDS = (
    "h hj haji hajah hajjah kh bpk bapak pak ibu bu ny nyonya tn tuan sdr sdri saudara saudari alm almh almarhum "
    "almarhumah drs dra dr ir prof ust ustad ustadz ustadzah spd spdi sag se sh sp skom ssos sip skm sst mm mpd msi "
    "mag mh amd amk amdkeb"
)
TITLES = frozenset(_TITLE_WORDS.split())


def normalise_name(name: str) -> str:
    """'Hj. Siti  Aminah, S.Pd.' -> 'siti aminah': lower case, titles and punctuation dropped, one space."""
    words = (re.sub(r"[\W_]", "", word) for word in re.split(r"[\s,;/]+", name.lower()))
    return " ".join(word for word in words if word and word not in TITLES)


def name_similarity(a: str, b: str) -> float | None:
    """The similarity of two normalised names when they may be one person's name, else None: a difflib ratio of at
    least 0.8, or every word of the shorter name found in the longer ('siti' in 'siti aminah')."""
    if not a or not b:
        return None
    if a == b:
        return 1.0
    ratio = round(difflib.SequenceMatcher(None, a, b).ratio(), 3)
    shorter, longer = sorted((a.split(), b.split()), key=len)
    return ratio if ratio >= SIMILAR or set(shorter) <= set(longer) else None


@dataclass(frozen=True)
class Candidate:
    reason: str
    first_id: int
    second_id: int
    regency_id: str
    score: float
    detail: str


@dataclass(frozen=True)
class Scope:
    """What a scan looks at: pairs involving these families or companions (None: not restricted by that), in one
    regency or everywhere."""

    family_ids: frozenset[int] | None = None
    companion_ids: frozenset[int] | None = None
    regency: str | None = None

    @property
    def restricted(self) -> bool:
        return self.family_ids is not None or self.companion_ids is not None

    def takes_families(self, *ids: int) -> bool:
        return not self.restricted or bool(self.family_ids and any(i in self.family_ids for i in ids))

    def takes_companion(self, companion_id: int, family_id: int) -> bool:
        return self.takes_families(family_id) or bool(self.companion_ids and companion_id in self.companion_ids)


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    iterator = iter(values)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


# --- finding -----------------------------------------------------------------------------------------------------


def _families(scope: Scope) -> QuerySet[Family]:
    qs = Family.objects.all()
    return qs.filter(regency_id=scope.regency) if scope.regency else qs


def _sharing(scope: Scope, key: Sequence[str], fields: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """The `fields` of every family that shares its `key` with another family, sorted by key then id: the
    database's window count over the whole table, or, for a few given ids, the keys of those families first."""
    ids = scope.family_ids
    if ids is None and scope.restricted:
        return  # only companions asked about
    if ids is None or len(ids) > FULL_SCAN_ABOVE:
        qs = _families(scope).annotate(n=Window(Count("id"), partition_by=[F(k) for k in key])).filter(n__gt=1)
        yield from qs.order_by(*key, "id").values_list(*fields).iterator(chunk_size=5000)
        return
    keys: set[tuple[Any, ...]] = set()
    for chunk in chunks(sorted(ids)):
        keys.update(_families(scope).filter(pk__in=chunk).values_list(*key))
    rows: list[tuple[Any, ...]] = []
    for some in chunks(sorted(keys)):
        lookup = {f"{name}__in": {k[i] for k in some} for i, name in enumerate(key)}
        wanted = set(some)  # the lookup on each field alone is a superset: keep the exact keys
        found = _families(scope).filter(**lookup).values_list(*fields)
        rows += [row for row in found if row[1 : 1 + len(key)] in wanted]
    yield from sorted(rows, key=lambda row: (*row[1 : 1 + len(key)], row[0]))


def _groups(rows: Iterator[tuple[Any, ...]], width: int) -> Iterator[list[tuple[Any, ...]]]:
    """Consecutive rows with the same key (fields 1..width) as lists; single rows are no pairs."""
    for _key, group in itertools.groupby(rows, key=lambda row: row[1 : 1 + width]):
        members = list(group)
        if len(members) > 1:
            yield members


def _star(ids: list[int]) -> Iterator[tuple[int, int]]:
    """n records with one name: each paired with the oldest, n - 1 flags instead of n(n-1)/2, enough to merge."""
    first, *others = sorted(ids)
    return ((first, other) for other in others)


def _kk_candidates(scope: Scope) -> Iterator[Candidate]:
    rows = _sharing(scope, ("kk_number",), ("id", "kk_number", "head_name", "regency_id"))
    for group in _groups(rows, 1):
        names = {row[0]: normalise_name(row[2]) for row in group}
        regency = {row[0]: row[3] for row in group}
        detail = f"KK {mask_number(group[0][1])}"
        if len(group) > BIG_GROUP:
            pairs: Iterable[tuple[int, int]] = _exact_pairs(names)
        else:
            pairs = itertools.combinations(sorted(names), 2)
        for a, b in pairs:
            score = name_similarity(names[a], names[b])
            if score is not None and scope.takes_families(a, b):
                yield Candidate(Reason.SAME_KK_SIMILAR_NAME, a, b, regency[a], score, detail)


def _exact_pairs(names: dict[int, str]) -> Iterator[tuple[int, int]]:
    by_name: dict[str, list[int]] = {}
    for family_id, name in names.items():
        if name:
            by_name.setdefault(name, []).append(family_id)
    for ids in by_name.values():
        if len(ids) > 1:
            yield from _star(ids)


def _name_birth_candidates(scope: Scope, skip: set[tuple[int, int]]) -> Iterator[Candidate]:
    """Pairs already flagged for their KK (`skip`) are not flagged a second time."""
    rows = _sharing(scope, ("desa_id", "birth_date"), ("id", "desa_id", "birth_date", "head_name", "regency_id"))
    for group in _groups(rows, 2):
        regency = group[0][4]
        born: dt.date = group[0][2]
        for a, b in _exact_pairs({row[0]: normalise_name(row[3]) for row in group}):
            if (a, b) not in skip and scope.takes_families(a, b):
                yield Candidate(Reason.SAME_NAME_BIRTH_DESA, a, b, regency, 1.0, born.isoformat())


def _companion_candidates(scope: Scope) -> Iterator[Candidate]:
    """One query: current assignments joined to the KUBE's current members whose head has the companion's NIK or
    birth date (both conditions in one filter() call, so they bind to the same membership row)."""
    same = Q(group__memberships__family__nik=F("companion__nik"))
    born = Q(group__memberships__family__birth_date=F("companion__birth_date"))
    qs = Assignment.objects.filter(Q(ended_on__isnull=True, group__memberships__left_on__isnull=True) & (same | born))
    if scope.regency:
        qs = qs.filter(group__regency_id=scope.regency)
    fields: tuple[str, ...] = ("companion_id", "companion__nik", "companion__name", "group__memberships__family_id")
    fields += ("group__memberships__family__nik", "group__memberships__family__head_name", "group__regency_id")
    for companion_id, nik, name, family_id, family_nik, head_name, regency in qs.values_list(*fields).order_by():
        if not scope.takes_companion(companion_id, family_id):
            continue
        score = 1.0 if nik == family_nik else name_similarity(normalise_name(name), normalise_name(head_name))
        if score is not None:
            detail = "nik" if nik == family_nik else "name_birth"
            yield Candidate(Reason.COMPANION_IS_MEMBER, companion_id, family_id, regency, score, detail)


def _save(candidates: list[Candidate], batch: ImportBatch | None) -> int:
    """Insert the pairs not flagged before (in any status: a dismissed pair is never flagged again)."""
    if not candidates:
        return 0
    reason = candidates[0].reason
    existing: set[tuple[int, int]] = set()
    for chunk in chunks(candidates):
        flagged = PossibleDuplicate.objects.filter(reason=reason, first_id__in={c.first_id for c in chunk})
        existing.update(flagged.values_list("first_id", "second_id"))
    new = [c for c in candidates if (c.first_id, c.second_id) not in existing]
    rows = [
        PossibleDuplicate(
            reason=c.reason,
            first_id=c.first_id,
            second_id=c.second_id,
            regency_id=c.regency_id,
            score=c.score,
            detail=c.detail,
            batch=batch,
        )
        for c in new
    ]
    # A concurrent scan may have inserted the same pair meanwhile: the unique constraint keeps one.
    PossibleDuplicate.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(new)


def _unique(candidates: Iterable[Candidate]) -> list[Candidate]:
    return list({(c.first_id, c.second_id): c for c in candidates}.values())


def duplicates_scan_by_reason(
    *,
    family_ids: Iterable[int] | None = None,
    companion_ids: Iterable[int] | None = None,
    batch: ImportBatch | None = None,
    regency: str | None = None,
) -> dict[str, int]:
    """New flags per reason. Without ids every family and companion is looked at; with ids only the pairs that
    involve one of them (an import passes the ids it created or updated)."""
    scope = Scope(
        family_ids=None if family_ids is None else frozenset(int(i) for i in family_ids),
        companion_ids=None if companion_ids is None else frozenset(int(i) for i in companion_ids),
        regency=regency,
    )
    kk = _unique(_kk_candidates(scope))
    name_birth = _unique(_name_birth_candidates(scope, skip={(c.first_id, c.second_id) for c in kk}))
    companion = _unique(_companion_candidates(scope))
    with transaction.atomic():
        return {
            Reason.SAME_KK_SIMILAR_NAME.value: _save(kk, batch),
            Reason.SAME_NAME_BIRTH_DESA.value: _save(name_birth, batch),
            Reason.COMPANION_IS_MEMBER.value: _save(companion, batch),
        }


def duplicates_scan(
    *,
    family_ids: Iterable[int] | None = None,
    batch: ImportBatch | None = None,
    companion_ids: Iterable[int] | None = None,
    regency: str | None = None,
) -> int:
    """The number of new flags (see duplicates_scan_by_reason)."""
    counts = duplicates_scan_by_reason(family_ids=family_ids, companion_ids=companion_ids, batch=batch, regency=regency)
    return sum(counts.values())


# --- deciding ----------------------------------------------------------------------------------------------------


def lock_open(*, actor: Any, duplicate: PossibleDuplicate) -> PossibleDuplicate:
    """The flag, locked for this transaction; refused when it is outside the actor's regencies or decided already
    (two reviewers at once: the second is told, nothing is decided twice)."""
    flag = PossibleDuplicate.objects.select_for_update().get(pk=duplicate.pk)
    require_regency(actor, flag.regency_id, field="duplicate")
    if flag.status != PossibleDuplicate.Status.OPEN:
        who = flag.decided_by.username if flag.decided_by else _("the system")
        when = timezone.localtime(flag.decided_at).strftime("%Y-%m-%d %H:%M") if flag.decided_at else "?"
        raise StaleRecord(
            _("This possible duplicate was already decided (%(status)s) by %(who)s at %(when)s; reload the page.")
            % {"status": flag.get_status_display(), "who": who, "when": when}
        )
    return flag


def clean_note(note: str) -> str:
    note = " ".join(str(note or "").split())
    if not note:
        raise ValidationError({"note": _("Say in a few words why (for the record).")})
    if len(note) > 200:
        raise ValidationError({"note": _("The note is too long (at most 200 characters).")})
    return note


def decide(*, actor: Any, flag: PossibleDuplicate, status: str, note: str) -> None:
    """Close a locked flag and record who did it."""
    before = snapshot(flag)
    flag.status = status
    flag.note = note[:200]
    flag.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    flag.decided_at = timezone.now()
    flag.save(update_fields=["status", "note", "decided_by", "decided_at"])
    audit_record(actor=actor, action="update", obj=flag, before=before, after=snapshot(flag))


@transaction.atomic
def duplicate_dismiss(*, actor: Any, duplicate: PossibleDuplicate, note: str) -> PossibleDuplicate:
    """Not the same family or person (or, for a companion, confirmed acceptable): the flag is closed for good."""
    require(actor, "duplicate.review")
    flag = lock_open(actor=actor, duplicate=duplicate)
    decide(actor=actor, flag=flag, status=PossibleDuplicate.Status.DISMISSED, note=clean_note(note))
    return flag


def companion_still_member(*, companion_id: int, family_id: int) -> str | None:
    """The KUBE (its name) that the companion accompanies now while the family is a current member, if any."""
    current = Assignment.objects.filter(
        companion_id=companion_id,
        ended_on__isnull=True,
        group__memberships__family_id=family_id,
        group__memberships__left_on__isnull=True,
    )
    return current.values_list("group__name", flat=True).first()


@transaction.atomic
def duplicate_resolve(*, actor: Any, duplicate: PossibleDuplicate, note: str) -> PossibleDuplicate:
    """A companion who was a member of a KUBE they accompany: the assignment or the membership has been ended, so
    the conflict is gone. Recorded with the status *merged* (the record was corrected), the note says how."""
    require(actor, "duplicate.review")
    flag = lock_open(actor=actor, duplicate=duplicate)
    if flag.reason != Reason.COMPANION_IS_MEMBER:
        raise ValidationError(_("Only a companion who is a KUBE member is resolved; merge or dismiss two families."))
    if kube := companion_still_member(companion_id=flag.first_id, family_id=flag.second_id):
        raise ValidationError(
            _(
                "The companion still accompanies KUBE %(kube)s where this family is a current member: end the "
                "assignment or the membership first, or dismiss the flag if they are different people."
            )
            % {"kube": kube}
        )
    decide(actor=actor, flag=flag, status=PossibleDuplicate.Status.MERGED, note=clean_note(note))
    return flag
