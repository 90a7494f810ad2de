"""Internship reads, scoped: rounds, their trainees, hosts (with free capacity) and placements (with score and
reasons), the round's feasibility with the KUBE to add when it falls short, a trainee's own placements, and the
facts the matching (companions.matching) reads, gathered in a few queries.

A round is the province's; an officer or auditor sees the rounds with trainees of their regencies, and of such
a round only those trainees (and the hosts that are theirs or take one of them). A companion sees no round,
only their own placements."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pendamping.companions.matching import Site, Trainee, suggest_sites
from pendamping.companions.models import (
    Assessment,
    Assignment,
    Companion,
    Host,
    InternshipRound,
    LogEntry,
    Participant,
    Placement,
)
from pendamping.companions.models.briefing import Briefing
from pendamping.companions.selectors.area_filters import companion_area, count_per, ending_between
from pendamping.enterprise.scoring import shown
from pendamping.enterprise.selectors.classification import outstanding_groups
from pendamping.registry.models import Group

OPEN = (Placement.Status.PROPOSED, Placement.Status.CONFIRMED)  # a placement still to be decided

# --- rounds ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundFilters:
    status: str = ""
    regency: str = ""  # rounds with trainees serving there (selectors.area_filters)
    kecamatan: str = ""  # rounds with trainees living there; takes the place of `regency`
    ends_from: str = ""  # YYYY-MM-DD, inclusive, on the round's last day
    ends_to: str = ""

    @classmethod
    def from_params(cls, params: Any) -> "RoundFilters":
        return cls(**{k: str(params.get(k, "") or "").strip()[:60] for k in cls.__dataclass_fields__})

    @property
    def area(self) -> Q | None:
        return companion_area(regency=self.regency, kecamatan=self.kecamatan)


def round_list(*, user: Any, filters: RoundFilters | None = None) -> QuerySet[InternshipRound]:
    """The rounds the user sees, newest first, each with its number of trainees and of host slots. With an area,
    only those with trainees of it the user may see, each with their number (`area_placements`) and of those who
    completed (`area_completed`): over a period these add up to the dashboards' internship figures of the area."""
    filters = filters or RoundFilters()
    qs = InternshipRound.objects.visible_to(user)
    if filters.status in InternshipRound.Status.values:
        qs = qs.filter(status=filters.status)
    qs = ending_between(qs, ends_from=filters.ends_from, ends_to=filters.ends_to)
    slots = Host.objects.filter(round=OuterRef("pk")).values("round").annotate(n=Sum("capacity")).values("n")
    counts: dict[str, Any] = {"trainee_count": Count("placements", distinct=True), "slot_count": Coalesce(slots, 0)}
    if (area := filters.area) is not None:
        # An EXISTS, not a join: a round with many trainees of the area is still one row.
        people = Placement.objects.visible_to(user).filter(area, round=OuterRef("pk"))
        qs = qs.filter(Exists(people))
        counts["area_placements"] = count_per(people, key="round")
        counts["area_completed"] = count_per(people.filter(status=Placement.Status.COMPLETED), key="round")
    return qs.annotate(**counts).order_by("-starts_on", "-id")


def round_get(*, user: Any, pk: Any) -> InternshipRound:
    return InternshipRound.objects.visible_to(user).get(pk=pk)


def round_placements(*, round: InternshipRound, user: Any) -> QuerySet[Placement]:
    """The round's placements the user sees, by trainee, with host, logbook count and assessments."""
    return (
        Placement.objects.visible_to(user)
        .filter(round=round)
        .select_related("companion", "companion__home_desa", "companion__regency", "host__group__desa")
        .annotate(log_count=Count("logbook"))
        .prefetch_related(Prefetch("assessments", queryset=Assessment.objects.order_by("by")))
        .order_by("companion__name", "pk")
    )


@dataclass(frozen=True)
class HostRow:
    host: Host
    placed: int

    @property
    def free(self) -> int:
        return max(self.host.capacity - self.placed, 0)


def round_hosts(*, round: InternshipRound, user: Any) -> list[HostRow]:
    """The round's hosts the user may see: KUBE of their scope, or hosting one of their trainees."""
    qs = round.hosts.select_related("group", "group__desa", "group__score").annotate(placed=Count("placements"))
    mine = Placement.objects.visible_to(user).filter(host=OuterRef("pk"))
    qs = qs.filter(Q(group__in=Group.objects.visible_to(user)) | Exists(mine))
    return [HostRow(host, host.placed) for host in qs.order_by("group__name", "pk")]


def placement_get(*, user: Any, pk: Any) -> Placement:
    return (
        Placement.objects.visible_to(user)
        .select_related("round", "companion", "companion__home_desa", "companion__regency", "host__group__desa")
        .get(pk=pk)
    )


def placement_logbook(*, placement: Placement) -> QuerySet[LogEntry]:
    return placement.logbook.order_by("-on", "-id")


def placement_assessments(*, placement: Placement) -> dict[str, Assessment]:
    return {a.by: a for a in placement.assessments.all()}


def final_score(assessments: Iterable[Assessment]) -> Decimal | None:
    """The mean of the ketua's and the officer's totals, once both are in."""
    totals = {a.by: a.total for a in assessments}
    if set(totals) != set(Assessment.By.values):
        return None
    return (sum(totals.values(), Decimal(0)) / len(totals)).quantize(Decimal("0.01"))


def my_placements(*, user: Any) -> QuerySet[Placement]:
    """A companion's own placements (the logbook's way in), newest round first."""
    if not getattr(user, "is_authenticated", False):
        return Placement.objects.none()
    qs = Placement.objects.visible_to(user).filter(companion__user=user)
    return qs.select_related("round", "host__group").order_by("-round__starts_on", "-pk")


def companion_placements(*, companion: Companion) -> QuerySet[Placement]:
    """The companion page's internship panel: every round they were in."""
    return (
        companion.placements.select_related("round", "host__group")
        .annotate(log_count=Count("logbook"))
        .prefetch_related("assessments")
        .order_by("-round__starts_on", "-pk")
    )


def group_hosted(*, group: Group, user: Any) -> list[tuple[Host, list[Placement]]]:
    """The KUBE page's panel: the rounds the KUBE hosted, each with the trainees the user may see."""
    hosts = list(Host.objects.filter(group=group).select_related("round").order_by("-round__starts_on", "-pk"))
    shown = Placement.objects.visible_to(user).filter(host__in=hosts).select_related("companion")
    by_host: dict[int, list[Placement]] = defaultdict(list)
    for placement in shown.order_by("companion__name"):
        by_host[placement.host_id or 0].append(placement)
    return [(host, by_host[host.pk]) for host in hosts]


# --- who may take part ----------------------------------------------------------------------------------------


def completed_briefing(companion_ids: Iterable[int]) -> set[int]:
    """Of these companions, those who completed a briefing batch that is finished."""
    done = Participant.objects.filter(
        companion_id__in=list(companion_ids), completed=True, briefing__status=Briefing.Status.FINISHED
    )
    return set(done.values_list("companion_id", flat=True))


def open_rounds(companion_ids: Iterable[int]) -> dict[int, InternshipRound]:
    """Companion id -> the unfinished round they are already placed in (a trainee is in one round at a time)."""
    qs = Placement.objects.filter(companion_id__in=list(companion_ids), status__in=OPEN).select_related("round")
    return {p.companion_id: p.round for p in qs.exclude(round__status=InternshipRound.Status.FINISHED)}


def eligible_trainees(*, round: InternshipRound) -> QuerySet[Companion]:
    """Trainees with a completed briefing, in no unfinished round: those the round may take."""
    done = Participant.objects.filter(
        companion=OuterRef("pk"), completed=True, briefing__status=Briefing.Status.FINISHED
    )
    busy = Placement.objects.filter(companion=OuterRef("pk"), status__in=OPEN).exclude(
        round__status=InternshipRound.Status.FINISHED
    )
    qs = Companion.objects.filter(status=Companion.Status.TRAINEE).filter(Exists(done)).exclude(Exists(busy))
    return qs.select_related("home_desa", "home_desa__parent", "regency").order_by("regency_id", "name", "pk")


def round_companions(*, round: InternshipRound) -> QuerySet[Companion]:
    """The companions in the round (to take some out of a draft round)."""
    qs = Companion.objects.filter(pk__in=round.placements.values("companion"))
    return qs.select_related("home_desa", "regency").order_by("name", "pk")


def host_candidates(*, round: InternshipRound) -> list[tuple[Group, Host | None]]:
    """Every outstanding KUBE of the province, best first per regency, with its host row in this round if any."""
    hosts = {h.group_id: h for h in round.hosts.all()}
    return [(group, hosts.get(group.pk)) for group in outstanding_groups()]


def outstanding_ids(group_ids: Iterable[int]) -> set[int]:
    return set(outstanding_groups().filter(pk__in=list(group_ids)).values_list("pk", flat=True))


# --- the matching's facts -------------------------------------------------------------------------------------


def trainee_facts(placements: Sequence[Placement]) -> list[Trainee]:
    """Each placement's trainee (keyed by the placement): home village and future sectors, in three queries."""
    people = [p.companion for p in placements]
    assigned: dict[int, set[str]] = defaultdict(set)
    current = Assignment.objects.filter(companion__in=people, ended_on__isnull=True)
    for companion_id, sector in current.values_list("companion_id", "group__sector"):
        assigned[companion_id].add(sector)
    taken = Assignment.objects.filter(group=OuterRef("pk"), ended_on__isnull=True)
    waiting = Group.objects.filter(
        regency_id__in={c.regency_id for c in people}, status__in=[Group.Status.FORMING, Group.Status.ACTIVE]
    ).exclude(Exists(taken))
    awaiting: dict[str, set[str]] = defaultdict(set)
    for regency_id, sector in waiting.values_list("regency_id", "sector").distinct():
        awaiting[regency_id].add(sector)
    return [_trainee(p.pk, p.companion, assigned, awaiting) for p in placements]


def _trainee(key: int, c: Companion, assigned: dict[int, set[str]], awaiting: dict[str, set[str]]) -> Trainee:
    if assigned.get(c.pk):
        return Trainee(key, c.home_desa_id, frozenset(assigned[c.pk]), "assignments")
    if awaiting.get(c.regency_id):
        return Trainee(key, c.home_desa_id, frozenset(awaiting[c.regency_id]), "awaiting")
    return Trainee(key, c.home_desa_id)


def site_of(group: Group, *, key: int, capacity: int) -> Site:
    score = getattr(group, "score", None)
    return Site(key, group.desa_id, group.sector, float(score.score) if score else 0.0, capacity)


def site_facts(hosts: Sequence[Host]) -> list[Site]:
    return [site_of(h.group, key=h.pk, capacity=h.capacity) for h in hosts]


def matching_facts(*, round: InternshipRound) -> tuple[list[Placement], list[Host], list[Trainee], list[Site]]:
    """The round's placements and hosts, and the matching's view of them (keys: placement and host ids)."""
    placements = list(round.placements.select_related("companion").order_by("pk"))
    hosts = list(round.hosts.select_related("group", "group__score").order_by("pk"))
    return placements, hosts, trainee_facts(placements), site_facts(hosts)


# --- feasibility ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feasibility:
    trainees: int
    slots: int
    placed: int
    suggestions: list[Group]  # outstanding KUBE not hosting yet that would suit the trainees best

    @property
    def shortfall(self) -> int:
        return max(self.trainees - self.slots, 0)

    @property
    def feasible(self) -> bool:
        return self.shortfall == 0


def feasibility(*, round: InternshipRound, limit: int = 5) -> Feasibility:
    """Trainees against host slots (numbers only: no names of trainees out of the user's scope) and, when the
    slots fall short, the outstanding KUBE not hosting yet that would suit the round's trainees best."""
    trainees = round.placements.count()
    slots = round.hosts.aggregate(n=Sum("capacity"))["n"] or 0
    placed = round.placements.filter(host__isnull=False).count()
    suggestions: list[Group] = []
    if trainees > slots:
        hosting = round.hosts.values("group_id")
        groups = {g.pk: g for g in outstanding_groups().exclude(pk__in=hosting)}
        sites = [site_of(g, key=g.pk, capacity=round.default_capacity) for g in groups.values()]
        people = trainee_facts(list(round.placements.filter(host__isnull=True).select_related("companion")))
        suggestions = [groups[s.key] for s in suggest_sites(people, sites, limit=limit)]
    return Feasibility(trainees, slots, placed, suggestions)


# --- reasons in words -----------------------------------------------------------------------------------------

REASONS = {
    "same_kecamatan": gettext_noop("Same kecamatan as the trainee's home village."),
    "same_regency": gettext_noop("Same regency as the trainee's home village, another kecamatan."),
    "elsewhere": gettext_noop("Outside the regency of the trainee's home village."),
    "sector_match": gettext_noop("Its sector (%(sector)s) is among those of the KUBE the trainee will accompany."),
    "sector_other": gettext_noop("Its sector (%(sector)s) is not among those of the KUBE the trainee will accompany."),
    "sector_unknown": gettext_noop("No KUBE to accompany is known for the trainee yet, so no sector to match."),
    "host_score": gettext_noop("The host's classification score is %(score)s of 100."),
}
SOURCES = {
    "assignments": gettext_noop("(the KUBE they accompany now)"),
    "awaiting": gettext_noop("(the KUBE of their regency still without a companion)"),
}
PARTS = {"location": gettext_noop("location"), "sector": gettext_noop("sector"), "host": gettext_noop("host")}


@dataclass(frozen=True)
class ReasonLine:
    part: str
    points: float
    text: str


def explain(reasons: Iterable[dict[str, Any]]) -> list[ReasonLine]:
    """A placement's stored reasons in the reader's language."""
    lines = []
    for reason in reasons:
        params = {k: shown(v) for k, v in dict(reason.get("params") or {}).items()}
        if "sector" in params:
            sector = params["sector"]
            params["sector"] = str(Group.Sector(sector).label) if sector in Group.Sector.values else ""
        text = _(REASONS.get(reason.get("code", ""), "%(code)s")) % {**params, "code": reason.get("code", "")}
        if reason.get("code") in ("sector_match", "sector_other") and params.get("source") in SOURCES:
            text = f"{text} {_(SOURCES[params['source']])}"
        part = str(reason.get("part", ""))
        lines.append(ReasonLine(_(PARTS.get(part, part)), float(reason.get("points") or 0), text))
    return lines
