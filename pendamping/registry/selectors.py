"""Registry reads: scoped, filtered, with the joins a page needs and no query per row."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Upper

from pendamping.accounts.models import Role
from pendamping.core.filters import Days, in_region, region_code
from pendamping.registry.models import Family, FamilyTally, Grant, Group, Membership, Tranche
from pendamping.registry.services.tally import family_tally_compact

ORDERINGS = {"name", "-name", "created", "-created"}


@dataclass(frozen=True)
class RegistryFilters:
    """Filters common to the lists. Region filters take Kemendagri codes, dates YYYY-MM-DD; anything else is
    ignored."""

    q: str = ""
    regency: str = ""
    kecamatan: str = ""
    desa: str = ""
    status: str = ""
    sector: str = ""
    changed_from: str = ""  # the KUBE's status_changed_on
    changed_to: str = ""
    disbursed_from: str = ""  # an approved tranche's disbursed_on
    disbursed_to: str = ""
    spent_from: str = ""  # a realisation's spent_on
    spent_to: str = ""

    @classmethod
    def from_params(cls, params: Any) -> "RegistryFilters":
        return cls(**{k: str(params.get(k, "") or "").strip()[:60] for k in cls.__dataclass_fields__})

    @property
    def changed(self) -> Days:
        return Days.of(self.changed_from, self.changed_to)

    @property
    def disbursed(self) -> Days:
        return Days.of(self.disbursed_from, self.disbursed_to)

    @property
    def spent(self) -> Days:
        return Days.of(self.spent_from, self.spent_to)


def _region_filters(qs: QuerySet[Any], f: RegistryFilters, *, desa: str, regency: str) -> QuerySet[Any]:
    return in_region(qs, regency=f.regency, kecamatan=f.kecamatan, desa=f.desa, regency_field=regency, desa_field=desa)


def digits_from(field: str, prefix: str) -> Q:
    """`field` starts with the digits `prefix`, as a range (prefix <= value < next prefix): NIK and KK hold ASCII
    digits only, which every collation orders alike, so the plain index serves it and the table needs no second,
    LIKE-pattern index on each (one index less to maintain per row of a million-row import)."""
    if not (prefix.isascii() and prefix.isdigit()):
        return Q(pk__in=[])
    stem = prefix.rstrip("9")
    if not stem:  # "999": nothing follows it among numbers of its length
        return Q(**{f"{field}__gte": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": stem[:-1] + str(int(stem[-1]) + 1)})


def family_list(*, user: Any, filters: RegistryFilters) -> QuerySet[Family]:
    qs: QuerySet[Family] = Family.objects.visible_to(user).select_related("desa", "desa__parent", "regency")
    qs = _region_filters(qs, filters, desa="desa_id", regency="regency_id")
    if filters.status in Family.Status.values:
        qs = qs.filter(status=filters.status)
    q = filters.q
    if q.isdigit() and len(q) >= 6:
        qs = (
            qs.filter(digits_from("nik", q) | digits_from("kk_number", q))
            if len(q) < 16
            else qs.filter(Q(nik=q) | Q(kk_number=q))
        )
    elif q:
        qs = qs.filter(head_name__icontains=q)
        if len(q) >= 3:
            # Sorting on the (regency, name) index would walk a regency's names alphabetically and discard most
            # of them (PostgreSQL cannot know that "Slamet" sits deep in the alphabet); sorting on an expression
            # lets it fetch the few matches through the trigram index and sort those. Shorter, denser fragments
            # are found quickly by the index walk.
            return qs.order_by(Upper("head_name"), "id")
    # By regency, then name: one regency's list is simply by name, and the province's (an admin's first page) reads
    # the (regency, name) index in order. By name alone across regencies would need an index of its own, and that
    # index slowed the import of a million families by half (bench/README.md).
    return qs.order_by("regency_id", "head_name", "id")


TALLY_SLACK = 100  # appended tally rows a read sums before it adds them up into one per key


def family_count(*, user: Any, filters: RegistryFilters) -> int | None:
    """What `family_list(user=user, filters=filters).count()` says, read from the family tally when only the
    regency and the status filter the list: a few rows instead of every family of the regencies. None when any
    other filter applies, or for a companion (whose families are those of their KUBE): count the list itself."""
    if filters.q or region_code(filters.kecamatan, 2) or region_code(filters.desa, 3):
        return None
    if getattr(user, "role", None) == Role.COMPANION and not getattr(user, "is_superuser", False):
        return None
    qs = FamilyTally.objects.visible_to(user)
    if code := region_code(filters.regency, 1):
        qs = qs.filter(regency_code=code)
    if filters.status in Family.Status.values:
        qs = qs.filter(status=filters.status)
    # A few rows (one per regency and status, plus the appended ones until the next compaction), added up here:
    # a plain read is half the work of an aggregate query for Django, on the API's busiest request.
    rows = list(qs.values_list("regency_code", "families"))
    if len(rows) > len({code for code, _n in rows}) * len(Family.Status) + TALLY_SLACK:  # more rows than keys
        family_tally_compact()  # the sum read above stays right; the next reads are short again
    return sum(n for _code, n in rows)


def family_get(*, user: Any, pk: Any) -> Family:
    """Raises Family.DoesNotExist when the row does not exist or is out of the user's scope (a 404 either way)."""
    return Family.objects.visible_to(user).select_related("desa", "desa__parent", "regency").get(pk=pk)


def family_memberships(*, family: Family) -> QuerySet[Membership]:
    return family.memberships.select_related("group", "group__desa").order_by("-joined_on")


def group_list(*, user: Any, filters: RegistryFilters) -> QuerySet[Group]:
    qs: QuerySet[Group] = Group.objects.visible_to(user).select_related("desa", "desa__parent", "regency")
    qs = _region_filters(qs, filters, desa="desa_id", regency="regency_id")
    if filters.status in Group.Status.values:
        qs = qs.filter(status=filters.status)
    if filters.sector in Group.Sector.values:
        qs = qs.filter(sector=filters.sector)
    if changed := filters.changed:
        qs = qs.filter(changed.q("status_changed_on"))
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(code__startswith=filters.q))
    # A subquery per KUBE shown, not a join grouped over every KUBE: the count of the list then counts KUBE alone, and
    # the province's first page reads 25 KUBE by name instead of grouping 100,000 with their members.
    members = Membership.objects.filter(group=OuterRef("pk"), left_on__isnull=True).values("group")
    count = Subquery(members.annotate(n=Count("pk")).values("n"))
    return qs.annotate(member_count=Coalesce(count, 0)).order_by("name", "id")


def group_get(*, user: Any, pk: Any) -> Group:
    return Group.objects.visible_to(user).select_related("desa", "desa__parent", "regency", "scheme").get(pk=pk)


def group_members(*, group: Group, include_past: bool = False) -> QuerySet[Membership]:
    qs = group.memberships.select_related("family")
    if not include_past:
        qs = qs.filter(left_on__isnull=True)
    return qs.order_by("left_on", "role", "family__head_name")


# Only approved tranches are money paid out; a tranche awaiting its second person is not (yet).
DISBURSED = Sum("tranches__amount", filter=Q(tranches__status=Tranche.Status.APPROVED))


def _tranches() -> Prefetch[Any]:
    people = Tranche.objects.select_related("entered_by", "approved_by")
    return Prefetch("tranches", queryset=people.order_by("number"))


def group_grants(*, group: Group) -> QuerySet[Grant]:
    """The KUBE's grants, each with `disbursed` (its approved tranches) and `entered` (all its tranches)."""
    return (
        group.grants.prefetch_related(_tranches())
        .annotate(disbursed=DISBURSED, entered=Sum("tranches__amount"))
        .order_by("-year", "id")
    )


def grant_list(*, user: Any, filters: RegistryFilters, year: int | None = None) -> QuerySet[Grant]:
    qs: QuerySet[Grant] = Grant.objects.visible_to(user).select_related("group", "group__desa", "group__regency")
    qs = _region_filters(qs, filters, desa="group__desa_id", regency="group__regency_id")
    if year:
        qs = qs.filter(year=year)
    if filters.q:
        qs = qs.filter(group__name__icontains=filters.q)
    return _grant_days(qs, filters).annotate(disbursed=DISBURSED).order_by("-year", "group__name", "id")


def _grant_days(qs: QuerySet[Grant], filters: RegistryFilters) -> QuerySet[Grant]:
    """Grants with an approved tranche paid, or a realisation spent, within the days asked; with the first, each
    grant's `disbursed_in_range`. EXISTS rather than joins: a grant paid twice in the range is listed once, and
    the sums over its tranches are not multiplied by its realisations. Realisations are reached through their
    reverse relation's name because the registry sits below the enterprise app and must not import it."""
    if spent := filters.spent:
        qs = qs.filter(Exists(Grant.objects.filter(spent.q("realisations__spent_on"), pk=OuterRef("pk"))))
    if paid := filters.disbursed:
        approved = Tranche.objects.filter(paid.q("disbursed_on"), grant=OuterRef("pk"), status=Tranche.Status.APPROVED)
        in_range = Q(tranches__status=Tranche.Status.APPROVED) & paid.q("tranches__disbursed_on")
        qs = qs.filter(Exists(approved)).annotate(disbursed_in_range=Sum("tranches__amount", filter=in_range))
    return qs


def grant_get(*, user: Any, pk: Any) -> Grant:
    return (
        Grant.objects.visible_to(user)
        .select_related("group", "group__regency")
        .prefetch_related(_tranches())
        .get(pk=pk)
    )


def tranche_get(*, user: Any, pk: Any) -> Tranche:
    """Raises Tranche.DoesNotExist when absent or out of the user's scope (a 404 either way)."""
    return Tranche.objects.visible_to(user).select_related("grant__group", "entered_by", "approved_by").get(pk=pk)


def families_addable(*, user: Any, group: Group, q: str = "", limit: int = 20) -> QuerySet[Family]:
    """Families of the KUBE's village, visible to the user, active and in no KUBE now (for the member picker)."""
    qs = Family.objects.visible_to(user).filter(desa_id=group.desa_id, status=Family.Status.ACTIVE)
    # NOT EXISTS, not NOT IN: PostgreSQL turns NOT IN (subquery) into a scan of every membership per row.
    in_a_kube = Membership.objects.filter(family=OuterRef("pk"), left_on__isnull=True)
    qs = qs.exclude(Exists(in_a_kube))
    if q:
        qs = qs.filter(Q(head_name__icontains=q) | digits_from("nik", q))
    return qs.order_by("head_name")[:limit]


def group_current_assignment(*, group: Group) -> Any | None:
    """The KUBE's open companion assignment, with its companion, or None. Read through the reverse relation
    because the registry sits below the companions app and must not import it."""
    return group.assignments.filter(ended_on__isnull=True).select_related("companion").first()
